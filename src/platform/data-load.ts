/**
 * How far the loading of the publishers' files has got, as the web service shows it: a banner on every page, the
 * /readyz answer, and the hints on empty pages. Plain state with no domain knowledge: the first start
 * (src/cli/first-start.ts) updates it from the loader's events; buildHttp gives every app one (idle).
 */
export type DataLoadState = 'idle' | 'loading' | 'done' | 'failed';

export interface DataLoadView {
  state: DataLoadState;
  /** The entry being loaded: n of total, its importer or step, who publishes it. */
  n: number;
  total: number;
  name: string | null;
  publisher: string | null;
  /** Per cent of the current entry's files read. */
  percent: number;
  /** The directory loaded from. */
  dir: string | null;
  loaded: number;
  failed: string[];
  absent: string[];
}

export class DataLoadStatus {
  #view: DataLoadView;

  /** `dir`: where the publishers' files are looked for (SLI_SHARED_DATA), named in the pages' hints. */
  constructor(dir: string | null = null) {
    this.#view = {
      state: 'idle',
      n: 0,
      total: 0,
      name: null,
      publisher: null,
      percent: 0,
      dir,
      loaded: 0,
      failed: [],
      absent: [],
    };
  }

  get active(): boolean {
    return this.#view.state === 'loading';
  }

  view(): DataLoadView {
    return { ...this.#view, failed: [...this.#view.failed], absent: [...this.#view.absent] };
  }

  update(change: Partial<DataLoadView>): void {
    this.#view = { ...this.#view, ...change };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** How far the loading of the publishers' files has got (idle unless a first start is loading them). */
    dataLoad: DataLoadStatus;
  }
}
