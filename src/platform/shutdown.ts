/**
 * A clean stop of the web service, in order: stop taking requests (Fastify answers 503 to any that still arrive on
 * an open connection), let the requests in flight finish or time out (this module's preClose hook), close the HTTP
 * server and run the modules' closing hooks (the monitor writes what it buffered), and only then close the database
 * (the caller, after `app.close()`). A request is in flight from its arrival until its handler has sent the answer and
 * the response has closed: a client that went away does not end it once its handler has begun, since the handler may
 * still be reading the database, which closing first would fail ("driver has already been destroyed", logged as an
 * error). One whose connection closed before its handler began (a body that never came whole, answered 408) ends
 * there.
 */
import type { App } from './app-types.ts';

export interface InFlight {
  /** Requests whose handler has not yet answered or whose response has not yet closed. */
  count(): number;
  /** Resolves true once none is in flight, false if some still are after `ms`. */
  drained(ms: number): Promise<boolean>;
}

/**
 * Tracks the app's requests in flight and, when the app closes, waits for them (at most `graceMs`, then a warning)
 * before the server closes and the closing hooks run. Registered once, by the HTTP shell.
 */
export function trackInFlight(app: App, graceMs: number): InFlight {
  let open = 0;
  let waiters: (() => void)[] = [];
  const state = new WeakMap<object, { started: boolean; sent: boolean; closed: boolean }>();
  const finish = (key: object) => {
    const s = state.get(key);
    if (!s?.closed || (s.started && !s.sent)) return;
    state.delete(key);
    open--;
    if (open > 0) return;
    const ready = waiters;
    waiters = [];
    for (const f of ready) f();
  };
  app.addHook('onRequest', async (req, reply) => {
    const key = req.raw;
    const s = { started: false, sent: false, closed: false };
    state.set(key, s);
    open++;
    // The response closes when it has been sent, or when the client went away (the handler may still be running).
    const closed = () => ((s.closed = true), finish(key));
    if (req.raw.socket?.destroyed) closed();
    else reply.raw.once('close', closed);
  });
  app.addHook('preHandler', async (req) => {
    const s = state.get(req.raw);
    if (s) s.started = true;
  });
  // The handler (or the error handler) has its answer: nothing of the request reads the database after this but a
  // streamed body, which the response's close ends.
  app.addHook('onSend', async (req) => {
    const s = state.get(req.raw);
    if (s) ((s.sent = true), finish(req.raw));
  });
  const inFlight: InFlight = {
    count: () => open,
    drained(ms) {
      if (open === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((f) => f !== done);
          resolve(false);
        }, ms);
        waiters.push(done);
      });
    },
  };
  app.addHook('preClose', async () => {
    const waiting = open;
    if (waiting === 0) return;
    app.log.info({ inFlight: waiting }, 'stopping: waiting for the requests in flight');
    if (!(await inFlight.drained(graceMs)))
      app.log.warn({ inFlight: open, graceMs }, 'stopping: requests still in flight after the grace period');
  });
  return inFlight;
}
