// Saves a PEP section as a draft while the user types, so nothing typed is lost. Progressive enhancement:
// without JavaScript the form's own Save buttons do the same job.
const DELAY_MS = 3000;

function initAutosave(form) {
  const url = form.dataset.autosaveUrl;
  const status = form.querySelector("[data-autosave-status]");
  const versionInput = form.querySelector("input[name='version']");
  if (!url || !versionInput) return;
  let timer = null;
  let inFlight = false;
  let pending = false;
  let stopped = false;
  let submitAfterSave = null;

  const say = (text) => { if (status) status.textContent = text; };

  async function save() {
    if (stopped) return;
    if (inFlight) { pending = true; return; }
    inFlight = true;
    const body = new FormData(form);
    body.delete("complete");
    try {
      const response = await fetch(url, {
        method: "POST", body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
      });
      const contentType = response.headers.get("content-type") || "";
      if (!contentType.includes("application/json")) {
        // Signed out or something unexpected: keep the page as it is so the Save button still works.
        say("Your draft could not be saved automatically. Use the Save as draft button.");
        stopped = true;
        return;
      }
      const data = await response.json();
      if (response.ok) {
        versionInput.value = data.version;
        say(`Draft saved at ${data.saved_at}`);
      } else {
        say(data.error || "Your draft could not be saved.");
        if (data.stale) stopped = true;
      }
    } catch (err) {
      say("Your draft could not be saved automatically. Check your connection.");
    } finally {
      inFlight = false;
      if (submitAfterSave) {
        // The user pressed a button while a draft was saving: submit now, with the version that save returned.
        const submitter = submitAfterSave;
        submitAfterSave = null;
        stopped = true;
        form.requestSubmit(submitter);
      } else if (pending && !stopped) {
        pending = false;
        schedule();
      }
    }
  }

  function schedule() {
    if (stopped) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => {
    window.clearTimeout(timer);
    if (inFlight && !stopped) {
      event.preventDefault();
      submitAfterSave = event.submitter || form.querySelector("button[type=submit]");
      return;
    }
    stopped = true;
  });
}

document.querySelectorAll("form[data-autosave-url]").forEach(initAutosave);
