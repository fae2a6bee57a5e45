// GOV.UK Frontend's components (kept in a file: the Content Security Policy allows no inline scripts of ours).
import { initAll } from '/govuk/govuk-frontend.min.js';
initAll();

// Printing opens every closed section (the stylesheet does so too where the browser supports ::details-content), and
// closes them again afterwards.
const opened = [];
window.addEventListener('beforeprint', () => {
  for (const d of document.querySelectorAll('details:not([open])')) {
    d.open = true;
    opened.push(d);
  }
});
window.addEventListener('afterprint', () => {
  for (const d of opened.splice(0)) d.open = false;
});
