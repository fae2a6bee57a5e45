/** Password hashing with scrypt (memory-hard, from Node's crypto): about 32 MiB and tens of milliseconds per hash. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { COMMON_PASSWORDS } from './common-passwords.ts';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  const expected = Buffer.from(hash, 'base64url');
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** Keyboard rows and the alphabet, for passwords that are a run along one of them (`123456789012`, `qwertyuiopas`). */
const RUNS = [
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
];
const COMMON = new Set(COMMON_PASSWORDS);

/** Whether a password is a common one, with digits or symbols around it, repeated, or a run along the keyboard. */
function isCommon(password: string): boolean {
  const p = password.toLowerCase();
  const letters = p.replace(/[\s\d\W_]+$/u, '').replace(/^[\s\d\W_]+/u, '');
  const squashed = p.replace(/[\s_.-]+/g, '');
  if (COMMON.has(p) || COMMON.has(squashed) || (letters.length > 0 && COMMON.has(letters))) return true;
  // One short piece said again and again: passwordpassword, abcabcabcabc, 123412341234.
  for (let size = 1; size <= p.length / 2; size++)
    if (p.length % size === 0 && p.slice(0, size).repeat(p.length / size) === p) return true;
  return RUNS.some(
    (run) => run.repeat(3).includes(squashed) || [...run.repeat(3)].reverse().join('').includes(squashed),
  );
}

/** Rules for a new password, as field errors' messages (empty when acceptable). */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  const normal = password.normalize('NFKC');
  if (normal.trim() === '') return ['must not be only spaces'];
  if (password.length < 12) problems.push('must be at least 12 characters');
  if (password.length > 200) problems.push('must be at most 200 characters');
  if (new Set(normal.replace(/\s/g, '')).size < 5) problems.push('must use at least 5 different characters');
  else if (isCommon(normal))
    problems.push('is too common: choose one that is not a well-known password or a run of keys');
  return problems;
}
