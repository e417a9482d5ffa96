// Week grid enhancement: a button that marks every session still blank as present. The form works without it.
const grid = document.querySelector("[data-attendance-week]");
if (grid) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary";
  button.textContent = "Mark blank sessions as present";
  button.addEventListener("click", () => {
    grid.querySelectorAll("select[data-session]").forEach((select) => {
      if (!select.value) {
        select.value = select.dataset.session === "AM" ? "/" : "\\";
      }
    });
  });
  grid.before(button);
}
