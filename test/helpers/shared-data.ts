import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the repository (or SLI_SHARED_DATA). Tests that need it fail clearly when it is absent. */
export const SHARED_DATA = path.resolve(
  process.env.SLI_SHARED_DATA ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data'),
);

export function sharedFile(relative: string): string {
  const p = path.join(SHARED_DATA, relative);
  if (!existsSync(p)) {
    throw new Error(
      `Real data file ${p} is missing. The tests read the publishers' files from ../shared/data beside the repository (or SLI_SHARED_DATA).`,
    );
  }
  return p;
}
