// govuk-frontend's components (error summary focus, service navigation, buttons), as a module.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();
