// The budget simulator's running balance, recomputed as a resident changes a choice (the page works without this:
// the server recomputes it on every page). The live region announces it politely.
const form = document.querySelector('[data-budget-form]');
const out = document.querySelector('[data-budget-balance]');
if (form && out) {
  const target = Number(out.getAttribute('data-target'));
  const pounds = (n) => `£${Math.round(n).toLocaleString('en-GB')}`;
  const update = () => {
    let closed = 0;
    for (const el of form.querySelectorAll('input[data-closes]'))
      if (el.type === 'hidden' || el.checked) closed += Number(el.getAttribute('data-closes'));
    out.textContent =
      closed >= target - 0.5
        ? `Your budget balances: you have closed ${pounds(closed)} of the ${pounds(target)} gap.`
        : `You have closed ${pounds(Math.max(0, closed))} of the ${pounds(target)} gap. ${pounds(target - closed)} still to find.`;
  };
  form.addEventListener('change', update);
}
