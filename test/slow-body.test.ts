/**
 * Slow requests against a real listening server: a body that trickles in is cut off after the request timeout
 * (SLI_REQUEST_TIMEOUT_MS, small here), and 150 such sockets do not keep the server from answering others.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import type { App } from '../src/platform/app-types.ts';

const TIMEOUT_MS = 1500;

/**
 * Opens a socket that sends a POST's headers and then one byte of its body every `everyMs`, never finishing. Resolves
 * when the server closes it, with what the server sent and how long it stayed open.
 */
function trickle(port: number, everyMs: number) {
  const socket = net.connect(port, '127.0.0.1');
  const opened = Date.now();
  let received = '';
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<{ received: string; openMs: number }>((resolve) => {
    socket.on('data', (d) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, openMs: Date.now() - opened });
    });
  });
  socket.on('connect', () => {
    socket.write(
      'POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
    );
    timer = setInterval(() => {
      if (!socket.destroyed) socket.write('a');
    }, everyMs);
  });
  return { socket, closed };
}

describe('slow request bodies', () => {
  let db: TestDb;
  let app: App;
  let port: number;

  beforeAll(async () => {
    db = await createTestDb();
    app = await createTestApp(db, { SLI_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a body sent a byte at a time is answered 408 and closed once the request timeout has passed', async () => {
    const { closed } = trickle(port, 300);
    const { received, openMs } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(openMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    // The timeout, and at most one of Node's checks (a quarter of the timeout here) late, with room for a busy machine.
    expect(openMs).toBeLessThan(TIMEOUT_MS * 3);
  });

  it('150 trickling sockets do not hold the server: others are answered meanwhile, and all 150 are closed', async () => {
    const slow = Array.from({ length: 150 }, () => trickle(port, 400));
    await new Promise((r) => setTimeout(r, 300));
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      times.push(Date.now() - t);
    }
    expect(Math.max(...times)).toBeLessThan(1000);
    const results = await Promise.all(slow.map((s) => s.closed));
    expect(results.every((r) => r.openMs < TIMEOUT_MS * 4)).toBe(true);
    expect(results.filter((r) => r.received.startsWith('HTTP/1.1 408')).length).toBe(150);
    // And the server still answers once they are gone.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
