// Initialises GOV.UK Frontend and MOJ Frontend. Loaded as a module from a file, never inline (CSP).
import { initAll } from "/static/dist/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported", "js-enabled");
initAll();
