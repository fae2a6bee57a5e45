import { describe, expect, it } from 'vitest';
import { passwordProblems } from './passwords.ts';

describe('the rules for a new password', () => {
  it('accept long passphrases and random strings', () => {
    for (const ok of ['correct horse battery staple', 'Tr0ub4dor&3-with-more', 'wq8#Lz!m2Vr$', 'my council since 1974'])
      expect(passwordProblems(ok), ok).toEqual([]);
  });

  it('refuse passwords of spaces only, one character repeated, or too few different characters', () => {
    expect(passwordProblems(' '.repeat(20))).toEqual(['must not be only spaces']);
    expect(passwordProblems('\u3000'.repeat(14))).toEqual(['must not be only spaces']);
    expect(passwordProblems('a'.repeat(30))).toEqual(['must use at least 5 different characters']);
    expect(passwordProblems('abababababab')).toEqual(['must use at least 5 different characters']);
  });

  it('refuse common passwords, with digits or symbols around them, repeated, or a run along the keyboard', () => {
    const common = [
      'password1234',
      'Password123!',
      'iloveyou1234',
      'qwerty123456',
      '123456789012',
      'qwertyuiopasd',
      'passwordpassword',
      'abcdefghijklmn',
      '098765432109',
      'Welcome2024!!',
      'liverpool1892',
      'p@ssw0rd2025!',
    ];
    for (const bad of common) expect(passwordProblems(bad), bad).toEqual([expect.stringMatching(/^is too common/)]);
  });

  it('still says when a password is short or long', () => {
    expect(passwordProblems('short')).toEqual(['must be at least 12 characters']);
    expect(passwordProblems('x1y2z3'.repeat(40))).toContain('must be at most 200 characters');
  });
});
