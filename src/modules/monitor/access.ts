/** Who sees what of programme monitoring: the programme office (the accounts module's role) and administrators. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { noStore } from '../../platform/http.ts';
import { PROGRAMME_OFFICE } from '../accounts/index.ts';

export const isProgrammeOffice = (user: FastifyRequest['user']): boolean =>
  !!user && (user.role === 'admin' || user.role === PROGRAMME_OFFICE);

/** 401 for a visitor, 403 for anyone but the programme office and administrators. */
export function requireProgrammeOffice(req: FastifyRequest): void {
  if (!req.user) throw new AppError(401, 'sign-in-required', 'Sign in to see programme detail.');
  if (!isProgrammeOffice(req.user))
    throw new AppError(403, 'forbidden', 'Programme detail is for the programme office and administrators.');
}

/**
 * For a page: a visitor is sent to sign in (false), anyone but the programme office and administrators gets 403 saying
 * what the page is for; the page is private and not stored.
 */
export function officePage(req: FastifyRequest, reply: FastifyReply, what: string): boolean {
  if (!req.user) {
    void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    return false;
  }
  if (!isProgrammeOffice(req.user))
    throw new AppError(403, 'forbidden', `${what} is for the programme office and administrators.`);
  noStore(reply);
  return true;
}
