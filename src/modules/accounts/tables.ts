import type { Generated } from 'kysely';

export type Role = 'council' | 'analyst' | 'admin' | 'peer_challenge_manager' | 'programme_office' | 'group_office';
/**
 * peer_challenge_manager: the sector body's peer challenge managers (the peer module: every engagement, the pool).
 * programme_office: the sector body's programme office (leadership programmes: every participant and council; programme
 * monitoring).
 * group_office: a political group's office (e.g. a party's local government office): puts forward members of its own
 * group (`users.political_group`) from any council for leadership programmes, and follows those it put forward.
 */
export const ROLES: readonly Role[] = [
  'council',
  'analyst',
  'admin',
  'peer_challenge_manager',
  'programme_office',
  'group_office',
];
/** The sector body's programme office (leadership programmes, programme monitoring), named once for other modules. */
export const PROGRAMME_OFFICE = 'programme_office' satisfies Role;
/** Permissions granted to a user on top of their role: `consultation` lets a council user set up budget simulators. */
export type Permission = 'consultation';
export const PERMISSIONS: readonly Permission[] = ['consultation'];
/** The roles that see every council's and the whole sector's data: sector-body analysts and administrators. */
export const ANALYST_ROLES = ['analyst', 'admin'] as const satisfies readonly Role[];

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  /** `scrypt$N$r$p$salt$hash` (base64url). */
  password_hash: string;
  role: Role;
  council_area_id: number | null;
  created_at: string;
  disabled_at: string | null;
  /** Comma-separated permissions beyond the role (PERMISSIONS), e.g. `consultation`. */
  permissions: Generated<string>;
  /** A group office's political group (the party named on its nominations); null for every other role. */
  political_group: Generated<string | null>;
}

/** A user to add (the CLI's, or an accepted invitation's or registration's): the row before it has an id. */
export interface NewUser {
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  council_area_id: number | null;
  political_group?: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a stolen database does not yield usable sessions. */
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** Sign-in attempts since the last success, per key, counted atomically (service.ts, "Sign-in throttling"). */
export interface LoginThrottlesTable {
  /** `email:<address>`, `ip:<client address or IPv6 /64>` or `known:<user id>` (a browser that signed in before). */
  key: string;
  attempts: number;
  /** The latest attempt, milliseconds since 1970 (a bigint: PostgreSQL hands it back as text). */
  last_at: number | string;
}

/** What an emailed link is for: an administrator's invitation, a password reset, a self-registration to confirm. */
export type TokenPurpose = 'invitation' | 'reset' | 'registration';

/** One emailed link: the token's SHA-256 (never the token), single-use and expiring. */
export interface AccountTokensTable {
  id: Generated<number>;
  token_hash: string;
  purpose: TokenPurpose;
  /** The account to make (invitation, registration) or the user's address (reset). */
  email: string;
  name: string;
  role: Role;
  council_area_id: number | null;
  /** A reset's user. */
  user_id: number | null;
  /** The administrator who invited. */
  created_by: number | null;
  /** An invitation to the group office role: the office's political group, given to the user it makes; else null. */
  political_group: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** An email domain whose addresses may register themselves as users of the council. */
export interface CouncilDomainsTable {
  domain: string;
  council_area_id: number;
  created_at: string;
}

export interface AccountsTables {
  account_tokens: AccountTokensTable;
  council_domains: CouncilDomainsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_throttles: LoginThrottlesTable;
}

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../platform/db.ts' {
  interface Database extends AccountsTables {}
}
