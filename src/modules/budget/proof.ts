/**
 * Proof-of-work for open links (a hashcash-style puzzle): the "check your budget" page carries a challenge signed by
 * the server (HMAC-SHA256, keyed with the day's salt shared by every instance) naming the simulator and an expiry; a
 * small script on the page (public/budget-proof.js) finds a nonce such that SHA-256(challenge ":" nonce) starts with
 * PROOF_BITS zero bits, and sends it with the budget. Without JavaScript, no nonce comes: the budget is still taken,
 * recorded as unsolved (reported to analysts) and held to the stricter rate limit (protection.ts). A solved challenge
 * is spent by the response that carries it (budget_responses.proof, unique per simulator): a replay is refused.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Salts } from './protection.ts';

/** Leading zero bits the hash must have: about 65,000 hashes on average, well under a second in a browser. */
export const PROOF_BITS = 16;
/** How long a challenge may be solved and sent (a resident may read the check page a while). */
export const PROOF_TTL_MS = 2 * 3_600_000;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const CHALLENGE = /^(\d{1,12})\.(\d{13})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const NONCE = /^\d{1,16}$/;

/** Leading zero bits of a hash. */
export function leadingZeroBits(h: Uint8Array): number {
  let bits = 0;
  for (const b of h) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

/** Does the nonce solve the challenge? (The check the page's script makes, and the server's.) */
export const solves = (challenge: string, nonce: string, bits = PROOF_BITS) =>
  leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) >= bits;

export function createProof(salts: Salts) {
  const mac = async (day: string, payload: string) =>
    createHmac('sha256', await salts.forDay(day))
      .update(`budget-proof\n${payload}`)
      .digest('base64url');
  return {
    /** A fresh challenge for a simulator's check page. */
    async challenge(simulatorId: number, now = new Date()): Promise<string> {
      const payload = `${simulatorId}.${now.getTime() + PROOF_TTL_MS}.${randomBytes(16).toString('base64url')}`;
      return `${payload}.${await mac(dayOf(now.getTime()), payload)}`;
    },
    /**
     * The challenge's id when the nonce solves a challenge this server signed for this simulator that has not expired;
     * null otherwise (none sent, expired, forged, another simulator's, not solved). Whether it was spent already is
     * the response insert's to say.
     */
    async verify(
      simulatorId: number,
      proof: { challenge?: string | undefined; nonce?: string | undefined } | undefined,
      now = new Date(),
    ): Promise<string | null> {
      const m = proof?.challenge ? CHALLENGE.exec(proof.challenge) : null;
      if (!m || !proof?.nonce || !NONCE.test(proof.nonce)) return null;
      const expires = Number(m[2]);
      const issued = expires - PROOF_TTL_MS;
      if (Number(m[1]) !== simulatorId || expires <= now.getTime() || issued > now.getTime()) return null;
      const expected = Buffer.from(await mac(dayOf(issued), `${m[1]}.${m[2]}.${m[3]}`));
      const given = Buffer.from(m[4]!);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return solves(proof.challenge!, proof.nonce) ? m[3]! : null;
    },
  };
}
export type Proof = ReturnType<typeof createProof>;
