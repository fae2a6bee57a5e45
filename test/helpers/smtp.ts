/**
 * A real SMTP server in the test process (the `smtp-server` package) that keeps what arrives, and a small MIME reader
 * for the messages nodemailer writes (headers, multipart/alternative, quoted-printable or base64 parts, encoded-word
 * headers). `reply` can refuse a message (4xx or 5xx) or hold it up (`delayMs`), to test retries and dead letters.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  /** The envelope: MAIL FROM and every RCPT TO the server was given. */
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtp {
  port: number;
  received: Received[];
  /** Decides each message's fate: undefined accepts it, { code } refuses it with that SMTP reply. */
  reply: (n: number) => { code: number; delayMs?: number } | undefined;
  /** The environment that points the service at this server. */
  env: Record<string, string>;
  /** Forgets what arrived, accepts everything again and counts messages from 1 again. */
  reset(): void;
  /** Waits until `n` messages have arrived (or fails after `ms`). */
  waitFor(n: number, ms?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  let seen = 0;
  const state: Pick<TestSmtp, 'received' | 'reply'> = { received: [], reply: () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const fate = state.reply(++seen);
        const finish = () => {
          if (fate && fate.code >= 400) {
            const e = Object.assign(new Error(`Refused for the test (${fate.code})`), { responseCode: fate.code });
            return callback(e);
          }
          state.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        };
        if (fate?.delayMs) setTimeout(finish, fate.delayMs);
        else finish();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    env: {
      SLI_SMTP_HOST: '127.0.0.1',
      SLI_SMTP_PORT: String(port),
      SLI_SMTP_SECURE: 'none',
      SLI_MAIL_FROM: '"Sector improvement" <noreply@sli.example>',
    },
    reset() {
      seen = 0;
      state.received.length = 0;
      state.reply = () => undefined;
    },
    async waitFor(n: number, ms = 10_000) {
      const until = Date.now() + ms;
      while (state.received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, ${state.received.length} arrived`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return state.received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) decoded. */
function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

export interface ParsedPart {
  headers: Map<string, string[]>;
  body: string;
}

/** Headers (unfolded, names lower-cased, every occurrence kept) and the decoded body of a MIME entity. */
function parseEntity(raw: string): ParsedPart {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), decodeWords(line.slice(i + 1).trim())]);
  }
  const cte = (headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  let decoded = body;
  if (cte === 'quoted-printable')
    decoded = Buffer.from(
      body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  else if (cte === 'base64') decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, body: decoded };
}

export interface ParsedMessage {
  headers: Map<string, string[]>;
  header(name: string): string | undefined;
  text: string | undefined;
  html: string | undefined;
}

/** A message as nodemailer writes it: text and HTML parts of a multipart/alternative, or a single part. */
export function parseMessage(raw: string): ParsedMessage {
  const top = parseEntity(raw);
  const type = top.headers.get('content-type')?.[0] ?? 'text/plain';
  const parts: ParsedPart[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = raw.slice(raw.indexOf('\r\n\r\n') + 4).split(`--${boundary}`);
    for (const s of sections.slice(1)) {
      if (s.startsWith('--')) break;
      parts.push(parseEntity(s.replace(/^\r\n/, '').replace(/\r\n$/, '')));
    }
  } else parts.push(top);
  const of = (t: string) => parts.find((p) => (p.headers.get('content-type')?.[0] ?? '').startsWith(t))?.body;
  return {
    headers: top.headers,
    header: (name) => top.headers.get(name.toLowerCase())?.[0],
    text: of('text/plain'),
    html: of('text/html'),
  };
}
