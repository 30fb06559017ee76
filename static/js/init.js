// Starts GOV.UK Frontend's components (error summary focus, character counts, checkboxes), and
// the session timeout warning.
import { initAll } from "/static/dist/govuk-frontend.min.js";
import "/static/js/timeout-warning.js";

initAll();
