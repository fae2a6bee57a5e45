/** Small helpers the benchmarks share. */

/** The p-th percentile (nearest rank) of a list of timings. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export const round = (x: number, dp = 2): number => Math.round(x * 10 ** dp) / 10 ** dp;

/** Runs fn and returns its result with the seconds it took. */
export async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

/** Runs fn `runs` times after one untimed run; the last run's result and the median, fastest and slowest seconds. */
export async function timeRuns<T>(
  fn: () => Promise<T>,
  runs: number,
): Promise<[T, { median: number; min: number; max: number; runs: number }]> {
  let [result] = await time(fn);
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [r, s] = await time(fn);
    result = r;
    seconds.push(s);
  }
  seconds.sort((a, b) => a - b);
  return [result, { median: seconds[Math.floor(seconds.length / 2)]!, min: seconds[0]!, max: seconds.at(-1)!, runs }];
}
