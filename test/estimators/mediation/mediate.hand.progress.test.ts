/**
 * The `onProgress` option of mediate (issue: "a progress bar on stderr for long bootstraps"):
 * called from the simulation / bootstrap loop with increasing counts ending at `sims`, at most
 * ~100 times, without changing a single number of the result. The expected call sequences are
 * hand-derived from the throttling rule (every ⌈sims/100⌉ draws, and at sims); the results are
 * checked against mediation 4.5.1 (fixtures/oracles/mediation_jobs_boot.json,
 * fixtures/oracles/mediation_jobs_binary_mediator_boot.json) where they are deterministic.
 */
import { describe, it, expect } from 'vitest';
import { mediate, type MediateOptions } from '../../../src/estimators/mediation/mediate.js';
import { mediateMany } from '../../../src/estimators/mediation/mediateMany.js';
import { progressReporter } from '../../../src/estimators/mediation/progress.js';
import { CausalPanelError } from '../../../src/errors.js';
import { expectClose } from '../../helpers/expectClose.js';
import { loadOracle } from '../../helpers/oracle.js';
import { jobs, jobsModels } from '../../helpers/jobsModels.js';

const models: MediateOptions = jobsModels;

/** Runs `run` with a recording callback; returns the (done, total) calls. */
function record(run: (onProgress: (done: number, total: number) => void) => unknown): [number, number][] {
  const calls: [number, number][] = [];
  run((done, total) => calls.push([done, total]));
  return calls;
}

/** The hand-derived call sequence for `sims` draws: every ⌈sims/100⌉, plus sims itself. */
function expectedCounts(sims: number): number[] {
  const step = Math.max(1, Math.ceil(sims / 100));
  const out: number[] = [];
  for (let done = 1; done <= sims; done++) if (done % step === 0 || done === sims) out.push(done);
  return out;
}

describe('progressReporter: throttled progress (hand-derived sequences)', () => {
  it.each([1, 7, 100, 101, 250, 1000, 12345])('sims = %i: increasing counts, ≤ 101 calls, last = total', (sims) => {
    const calls = record((cb) => {
      const tick = progressReporter(sims, cb);
      for (let s = 1; s <= sims; s++) tick(s);
    });
    expect(calls.map(([done]) => done)).toEqual(expectedCounts(sims));
    expect(calls.length).toBeLessThanOrEqual(101);
    expect(calls.every(([, total]) => total === sims)).toBe(true);
    expect(calls.at(-1)).toEqual([sims, sims]);
  });
  it('no callback → a no-op', () => {
    expect(() => progressReporter(10, null)(10)).not.toThrow();
  });
});

describe('mediate onProgress (mediation 4.5.1 jobs models)', () => {
  it('quasi-Bayes, sims = 250: calls at 3, 6, …, 249, 250 and the same numbers as without a callback', () => {
    let result: ReturnType<typeof mediate> | undefined;
    const calls = record((onProgress) => (result = mediate({ ...models, sims: 250, seed: 3, onProgress })));
    expect(calls.map(([done]) => done)).toEqual(expectedCounts(250));
    expect(calls.every(([, total]) => total === 250)).toBe(true);
    expect(result!.toJSON()).toEqual(mediate({ ...models, sims: 250, seed: 3 }).toJSON());
  });

  it('bootstrap (linear–linear), sims = 50: calls 1..50; ACME point estimate of mediate(boot = TRUE) within 1e-8', () => {
    const ref = loadOracle('mediation_jobs_boot').results;
    let result: ReturnType<typeof mediate> | undefined;
    const calls = record((onProgress) => (result = mediate({ ...models, boot: true, sims: 50, seed: 1, onProgress })));
    expect(calls.map(([done]) => done)).toEqual(expectedCounts(50));
    expectClose(result!.acme.average.estimate, ref.acme.average.estimate, 1e-8, 'ACME (average) vs mediation');
  });

  it('bootstrap with refits (probit mediator), sims = 30: calls 1..30; ADE (control) of mediation within 1e-8', () => {
    const ref = loadOracle('mediation_jobs_binary_mediator_boot').results;
    let result: ReturnType<typeof mediate> | undefined;
    const calls = record(
      (onProgress) =>
        (result = mediate({
          ...models,
          mediator: 'job_dich',
          mediatorModel: 'job_dich ~ treat + econ_hard + sex + age',
          outcomeModel: 'depress2 ~ treat + job_dich + econ_hard + sex + age',
          mediatorFamily: { family: 'binomial', link: 'probit' },
          boot: true,
          sims: 30,
          onProgress,
        })),
    );
    expect(calls.map(([done]) => done)).toEqual(expectedCounts(30));
    expectClose(result!.ade.control.estimate, ref.bySeed[0].ade.control.estimate, 1e-8, 'ADE (control) vs mediation');
  });

  it('mediateMany: one run over all mediators (1..2·sims of 2·sims)', () => {
    const calls = record((onProgress) =>
      mediateMany({
        data: jobs,
        treat: 'treat',
        mediators: ['job_seek', 'job_disc'],
        mediatorModel: '{mediator} ~ treat + econ_hard + sex + age',
        outcomeModel: 'depress2 ~ treat + {mediator} + econ_hard + sex + age',
        sims: 20,
        onProgress,
      }),
    );
    expect(calls.map(([done]) => done)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(calls.every(([, total]) => total === 40)).toBe(true);
  });

  it('a non-function onProgress is invalid_option', () => {
    const bad = { ...models, sims: 10, onProgress: 'yes' } as unknown as MediateOptions;
    expect(() => mediate(bad)).toThrow(CausalPanelError);
    try {
      mediate(bad);
    } catch (e) {
      expect((e as CausalPanelError).code).toBe('invalid_option');
      expect((e as CausalPanelError).message).toBe('mediate: option "onProgress" must be a function (got "yes")');
    }
  });
});
