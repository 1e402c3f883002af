/**
 * ritest against values derived by hand: the exact permutation distribution of a difference in
 * means (6 clusters, 3 treated: all 20 assignments enumerated here), strata that keep each
 * stratum's treated count, and treatment paths that move whole between clusters.
 */
import { describe, expect, it } from 'vitest';
import { ritest } from '../../src/estimators/ritest.js';
import type { Frame } from '../../src/data/frame.js';

// Two rows per cluster; clusters 0, 1, 2 treated.
const y = [5.1, 4.7, 3.9, 4.4, 4.8, 5.6, 2.2, 3.1, 3.5, 2.4, 4.0, 4.9];
const cluster = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
const treat = cluster.map((c) => (c < 3 ? 1 : 0));
const data = { y, cluster, treat };

function differenceInMeans(yv: ArrayLike<number>, tv: ArrayLike<number>): number {
  let s1 = 0, n1 = 0, s0 = 0, n0 = 0;
  for (let i = 0; i < yv.length; i++) {
    if (tv[i] === 1) { s1 += yv[i]!; n1++; } else { s0 += yv[i]!; n0++; }
  }
  return s1 / n1 - s0 / n0;
}
const statistic = (d: Frame): number => differenceInMeans(d.numeric('y'), d.numeric('treat'));

/** Exact p: share of the C(6,3) = 20 cluster assignments with |T| ≥ |T_obs|. */
function exactPValue(): number {
  const observed = Math.abs(differenceInMeans(y, treat));
  let count = 0;
  let total = 0;
  for (let mask = 0; mask < 64; mask++) {
    let bits = 0;
    for (let c = 0; c < 6; c++) bits += (mask >> c) & 1;
    if (bits !== 3) continue;
    total++;
    const t = cluster.map((c) => (mask >> c) & 1);
    if (Math.abs(differenceInMeans(y, t)) >= observed - 1e-12) count++;
  }
  return count / total;
}

describe('ritest', () => {
  it('converges to the exact permutation p-value (20 assignments)', () => {
    const exact = exactPValue();
    expect(exact).toBe(0.2); // T = 1.4: 4 of 20 assignments have |T| ≥ 1.4 (±1.4, ±1.6)
    const reps = 4000;
    const ri = ritest(data, { statistic, permute: 'treat', cluster: 'cluster', reps, seed: 3 });
    expect(ri.statistic).toBeCloseTo(differenceInMeans(y, treat), 14);
    expect(ri.reps).toBe(reps);
    expect(Math.abs(ri.pValue - exact)).toBeLessThanOrEqual(4 * Math.sqrt((exact * (1 - exact)) / reps));
    expect(ri.pValueSe).toBeCloseTo(Math.sqrt((ri.pValue * (1 - ri.pValue)) / reps), 15);
  });

  it("one-sided: 'greater' counts T* ≥ T (2 of 20 assignments: 1.4, 1.6), 'less' T* ≤ T (19 of 20)", () => {
    const greater = ritest(data, { statistic, permute: 'treat', cluster: 'cluster', reps: 4000, seed: 5, alternative: 'greater' });
    expect(Math.abs(greater.pValue - 0.1)).toBeLessThanOrEqual(4 * Math.sqrt((0.1 * 0.9) / 4000));
    const less = ritest(data, { statistic, permute: 'treat', cluster: 'cluster', reps: 4000, seed: 5, alternative: 'less' });
    expect(Math.abs(less.pValue - 0.95)).toBeLessThanOrEqual(4 * Math.sqrt((0.05 * 0.95) / 4000));
  });

  it('permutes within strata: every draw keeps each stratum’s treated count', () => {
    const strata = cluster.map((c) => (c % 2 === 0 ? 'a' : 'b')); // a: 0, 2, 4 (2 treated); b: 1, 3, 5 (1 treated)
    const seen = new Set<string>();
    ritest({ ...data, strata }, {
      statistic: (d) => {
        const t = d.numeric('treat');
        const s = d.column('strata') as (string | null)[];
        let a = 0, b = 0;
        for (let i = 0; i < t.length; i += 2) (s[i] === 'a' ? (a += t[i]!) : (b += t[i]!));
        seen.add(`${a}/${b}`);
        return statistic(d);
      },
      permute: 'treat',
      cluster: 'cluster',
      strata: 'strata',
      reps: 100,
    });
    expect([...seen]).toEqual(['2/1']);
  });

  it('with time, moves whole treatment paths between clusters (staggered timing kept)', () => {
    // 4 clusters × 3 periods; cohorts: cluster 0 treated from 2, cluster 1 from 3, others never.
    const rows = [0, 1, 2, 3].flatMap((c) => [1, 2, 3].map((t) => ({ c, t, d: (c === 0 && t >= 2) || (c === 1 && t >= 3) ? 1 : 0, y: c + t })));
    const paths = new Set<string>();
    ritest(rows, {
      statistic: (d) => {
        const dv = d.numeric('d');
        for (let c = 0; c < 4; c++) paths.add(`${dv[3 * c]}${dv[3 * c + 1]}${dv[3 * c + 2]}`);
        return differenceInMeans(d.numeric('y'), dv);
      },
      permute: 'd',
      cluster: 'c',
      time: 't',
      reps: 60,
      seed: 2,
    });
    expect([...paths].sort()).toEqual(['000', '001', '011']);
  });
});
