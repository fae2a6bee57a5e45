import type { Generated } from 'kysely';

/** queued → sending → sent; a failure goes back to queued (with a later next_attempt_at) or, the last time, to dead. */
export type EmailStatus = 'queued' | 'sending' | 'sent' | 'dead' | 'discarded';
export const EMAIL_STATUSES: readonly EmailStatus[] = ['queued', 'sending', 'sent', 'dead', 'discarded'];

export interface EmailMessagesTable {
  id: Generated<number>;
  /** The template's name (src/views/email/<template>.*.njk). */
  template: string;
  to_address: string;
  /** The recipient's name for the To header, one line. */
  to_name: string | null;
  subject: string;
  /** The rendered bodies; erased once the message is sent (they may hold a single-use link). */
  body_text: string | null;
  body_html: string | null;
  /** The caller's key: a second message with the same key is not queued (a reminder is sent once). */
  idempotency_key: string | null;
  status: EmailStatus;
  attempts: Generated<number>;
  /** ISO 8601: not tried again before. */
  next_attempt_at: string;
  /** The claim of the worker sending it, and until when the claim holds (after that another worker may take it). */
  claim_token: string | null;
  claimed_until: string | null;
  /** The SMTP server's answer or the connection error of the last failure (never the address). */
  last_error: string | null;
  smtp_message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface EmailTables {
  email_messages: EmailMessagesTable;
}

declare module '../../platform/db.ts' {
  interface Database extends EmailTables {}
}
