import type { ImportIssue } from './adapter.ts';

/** Problems kept with their text; beyond this only counted. */
const MAX_ISSUES = 200;

/** Every problem an import finds: all are counted, the first MAX_ISSUES kept to show. */
export interface Problems {
  readonly list: ImportIssue[];
  readonly count: number;
  /** Reports a problem (a plain function: adapters and steps are handed it as their `error`). */
  readonly report: (issue: ImportIssue) => void;
}

export function createProblems(): Problems {
  const list: ImportIssue[] = [];
  let count = 0;
  return {
    list,
    get count() {
      return count;
    },
    report: (issue) => {
      count++;
      if (list.length < MAX_ISSUES) list.push(issue);
    },
  };
}
