// Proof-of-work for an open-link budget (src/modules/budget/proof.ts): finds a nonce such that
// SHA-256(challenge + ":" + nonce) starts with the page's number of zero bits, and puts it in the form. The form works
// without this script (the budget is then held to a stricter rate limit); sending waits a few seconds at most for it.
const field = document.querySelector('[data-budget-proof]');
const form = field?.form;
const challenge = form?.querySelector('input[name="proof-challenge"]')?.value;
if (field && form && challenge && globalThis.crypto?.subtle) {
  const bits = Number(field.getAttribute('data-budget-proof'));
  const encoder = new TextEncoder();
  const zeroBits = (hash) => {
    const bytes = new Uint8Array(hash);
    let n = 0;
    for (const b of bytes) {
      if (b === 0) n += 8;
      else return n + Math.clz32(b) - 24;
    }
    return n;
  };
  const solve = async () => {
    for (let start = 0; ; start += 512) {
      const batch = [];
      for (let i = 0; i < 512; i++)
        batch.push(crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${start + i}`)));
      const hashes = await Promise.all(batch);
      const at = hashes.findIndex((h) => zeroBits(h) >= bits);
      if (at >= 0) return String(start + at);
    }
  };
  const solved = solve().then((nonce) => {
    field.value = nonce;
  });
  let waiting = false;
  form.addEventListener('submit', (event) => {
    // Only sending waits ("Change" buttons go straight on), and at most five seconds.
    if (field.value || waiting || event.submitter?.value !== 'send') return;
    event.preventDefault();
    waiting = true;
    const submitter = event.submitter;
    Promise.race([solved, new Promise((r) => setTimeout(r, 5000))]).finally(() => form.requestSubmit(submitter));
  });
}
