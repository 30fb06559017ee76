// Starts GOV.UK Frontend's components (error summary focus, character counts, checkboxes), and
// the session timeout warning, and print buttons.
import { initAll } from "/static/dist/govuk-frontend.min.js";
import "/static/js/timeout-warning.js";
import "/static/js/print.js";

initAll();
