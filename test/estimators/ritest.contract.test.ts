/** ritest's contract: option errors, seeded determinism, no mutation, the result's shape. */
import { describe, expect, it } from 'vitest';
import { ritest } from '../../src/estimators/ritest.js';
import type { Frame } from '../../src/data/frame.js';
import { thrown } from '../helpers/thrown.js';

const data = { y: [1, 2, 3, 4, 5, 6, 7, 8], g: [1, 1, 2, 2, 3, 3, 4, 4], treat: [1, 1, 1, 1, 0, 0, 0, 0], d: [0, 1, 0, 1, 0, 0, 0, 0] };
const statistic = (frame: Frame): number => {
  const y = frame.numeric('y');
  const t = frame.numeric('treat');
  let s = 0;
  for (let i = 0; i < y.length; i++) s += t[i] === 1 ? y[i]! : -y[i]!;
  return s / 4;
};

describe('ritest contract', () => {
  it('refuses an assignment that varies within a cluster unless time is given', () => {
    const err = thrown(() => ritest(data, { statistic, permute: 'd', cluster: 'g' }));
    expect(err.code).toBe('invalid_option');
    expect(err.message).toBe('ritest: "d" varies within cluster "1" (row 2); permute a cluster-level column (treatment group, cohort) or pass time to move whole treatment paths');
  });
  it('checks the statistic and the options', () => {
    expect(thrown(() => ritest(data, { statistic: 3 as never, permute: 'treat', cluster: 'g' })).code).toBe('invalid_option');
    expect(thrown(() => ritest(data, { statistic: () => NaN, permute: 'treat', cluster: 'g' })).message).toMatch(/must be a finite number/);
    expect(thrown(() => ritest(data, { statistic, permute: 'treat', cluster: 'g', reps: 0 })).code).toBe('invalid_option');
    expect(thrown(() => ritest(data, { statistic, permute: 'treat', clusters: 'g' } as never)).code).toBe('unknown_option');
    expect(thrown(() => ritest(data, { statistic, permute: 'nope', cluster: 'g' })).code).toBe('missing_column');
  });
  it('is deterministic for a seed, does not mutate the data, and returns a Result', () => {
    const snapshot = JSON.stringify(data);
    const a = ritest(data, { statistic, permute: 'treat', cluster: 'g', reps: 50, seed: 4 });
    const b = ritest(data, { statistic, permute: 'treat', cluster: 'g', reps: 50, seed: 4 });
    expect(Array.from(a.draws)).toEqual(Array.from(b.draws));
    expect(JSON.stringify(data)).toBe(snapshot);
    expect(a.kind).toBe('ritest');
    expect(a.tidy()[0]).toMatchObject({ term: 'statistic', estimate: -4, pValue: a.pValue });
    expect(JSON.parse(JSON.stringify(a))).toMatchObject({ kind: 'ritest', reps: 50, nClusters: 4 });
    expect(a.summary()).toMatch(/Randomization inference/);
  });
  it('notes permutations whose statistic is not finite and leaves them out of p', () => {
    let calls = 0;
    const ri = ritest(data, { statistic: (f) => (calls++ % 2 === 0 ? statistic(f) : NaN), permute: 'treat', cluster: 'g', reps: 10 });
    expect(ri.reps).toBe(5);
    expect(ri.notes).toContainEqual(expect.objectContaining({ code: 'resamples_skipped', count: 5 }));
  });
});
