// The budget simulator's running balance, recomputed as a resident changes a choice (the page works without this:
// the server recomputes it on every page). The live region announces it politely.
const form = document.querySelector('[data-budget-form]');
const out = document.querySelector('[data-budget-balance]');
if (form && out) {
  const target = Number(out.getAttribute('data-target'));
  // One year: "the £X gap"; a multi-year plan: "£Y a year of the £X gap a year" (the page's own wording).
  const what = out.getAttribute('data-what') ?? 'gap';
  const yearly = what === 'gap' ? '' : ' a year';
  const pounds = (n) => `£${Math.round(n).toLocaleString('en-GB')}`;
  const update = () => {
    let closed = 0;
    for (const el of form.querySelectorAll('input[data-closes]'))
      if (el.type === 'hidden' || el.checked) closed += Number(el.getAttribute('data-closes'));
    out.textContent =
      closed >= target - 0.5
        ? `Your budget balances: you have closed ${pounds(closed)}${yearly} of the ${pounds(target)} ${what}.`
        : `You have closed ${pounds(Math.max(0, closed))}${yearly} of the ${pounds(target)} ${what}. ${pounds(target - closed)}${yearly} still to find.`;
  };
  form.addEventListener('change', update);
}
