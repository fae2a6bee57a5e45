/** Budget simulator test helpers: a resident's form posts, a small simulator, a questionnaire's question. */
import type { App } from '../../src/platform/app-types.ts';
import { cookiesOf } from './auth.ts';
import type { Definition } from '../../src/modules/budget/index.ts';
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

/**
 * A spending section with one item, libraries (baseline £10m, a statutory floor of £8m), whose levels are "cut-10" and
 * "same": the smallest budget a resident can balance; `title` and `floorReason` can be made long for reflow.
 */
export function librariesSection(
  title = 'Libraries',
  floorReason = 'Public Libraries and Museums Act 1964',
): Definition['sections'][number] {
  return {
    kind: 'spending',
    title: 'Spending on services',
    items: [
      {
        code: 'libraries',
        title,
        baseline: 10_000_000,
        floor: 8_000_000,
        floorReason,
        levels: [
          { code: 'cut-10', pctChange: -10, consequence: 'Close two branch libraries' },
          { code: 'same', pctChange: 0, consequence: 'Keep every library open' },
        ],
      },
    ],
  };
}

/** An open simulator for Trafford with librariesSection() alone (a £1m gap: closing two branches balances it). */
export const librariesSimulator = (): Definition => ({
  council: 'E08000009',
  year: '2024-25',
  title: 'Balance the budget',
  status: 'open',
  gap: { kind: 'one-year', years: [{ year: '2024-25', amount: 1_000_000 }] },
  statedTotal: null,
  councilTax: { bandD: 1500, taxBase: 10_000, capPct: 4.99 },
  sections: [librariesSection()],
  constraints: [],
});

/** A SurveyJS single-choice question: choices as "value=text". */
export const radio = (name: string, title: string, choices: string[], visibleIf?: string) => ({
  type: 'radiogroup',
  name,
  title,
  ...(visibleIf ? { visibleIf } : {}),
  choices: choices.map((c) => ({ value: c.split('=')[0], text: c.split('=')[1] })),
});
