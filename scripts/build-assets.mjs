// Compiles the service's Sass (GOV.UK Frontend + MOJ Frontend) and copies their fonts, images and
// JavaScript under static/, so every asset resolves below /static/.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "static/dist";
mkdirSync(out, { recursive: true });

const result = sass.compile("static/src/app.scss", {
  loadPaths: [".", "node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(`${out}/app.css`, result.css);

cpSync("node_modules/govuk-frontend/dist/govuk/assets", "static/govuk/assets", { recursive: true });
cpSync("node_modules/@ministryofjustice/frontend/moj/assets", "static/moj/assets", { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
cpSync("node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js", `${out}/moj-frontend.min.js`);
cpSync("node_modules/axe-core/axe.min.js", `${out}/axe.min.js`);
console.log(`assets built: ${out}/app.css (${result.css.length} bytes)`);
