// GOV.UK Frontend's components (kept in a file: the Content Security Policy allows no inline scripts of ours).
import { initAll } from '/govuk/govuk-frontend.min.js';
initAll();
