/** Budget simulator test helpers: a resident's form posts. */
import type { App } from '../../src/platform/app-types.ts';
import { cookiesOf } from './auth.ts';

/** Posts a resident's forms with the session cookie and CSRF token of the first page they opened. */
export function residentPoster(app: App, first: Awaited<ReturnType<App['inject']>>) {
  const cookie = cookiesOf(first);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(first.body)![1]!;
  return (url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
}
