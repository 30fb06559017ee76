// Starts GOV.UK Frontend's components (error summary focus, character counts, checkboxes).
import { initAll } from "/static/dist/govuk-frontend.min.js";

initAll();
