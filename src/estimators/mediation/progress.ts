/**
 * Throttled progress of a simulation or bootstrap loop (the `onProgress` option of `mediate`):
 * the library never prints; the CLI draws its bar on stderr from these calls.
 */

/**
 * Progress of a simulation: `done` of `total` draws (or resamples) finished.
 *
 * @example
 * const onProgress: ProgressCallback = (done, total) => process.stderr.write(`\r${done}/${total}`);
 * mediate({ ...jobsModels, sims: 200, onProgress }); // called with (2, 200), (4, 200), …, (200, 200): 100 calls
 */
export type ProgressCallback = (done: number, total: number) => void;

/** Largest number of progress calls per run (a bar needs no more; a callback per draw would cost). */
const PROGRESS_STEPS = 100;

/**
 * A throttled progress reporter for a loop of `total` iterations: call it with the number of
 * iterations done; it forwards to `onProgress` every ⌈total/100⌉ iterations and at `total`
 * (at most ~100 calls, increasing counts). A no-op without a callback.
 *
 * @example
 * const seen: number[] = [];
 * const tick = progressReporter(1000, (done) => seen.push(done));
 * for (let s = 1; s <= 1000; s++) tick(s);
 * seen; // [10, 20, …, 1000] (100 calls)
 */
export function progressReporter(total: number, onProgress: ProgressCallback | null | undefined): (done: number) => void {
  if (!onProgress) return () => {};
  const step = Math.max(1, Math.ceil(total / PROGRESS_STEPS));
  return (done) => {
    if (done % step === 0 || done === total) onProgress(done, total);
  };
}
