import { describe, expect, it } from 'vitest';
import { matchit } from '../../../src/estimators/matching/matchit.js';
import { nearestNeighborMatch } from '../../../src/estimators/matching/nearest.js';
import { stableOrder } from '../../../src/estimators/matching/stableOrder.js';
import type { BalanceRow } from '../../../src/estimators/matching/balance.js';
import { expectAllClose, expectClose, relativeError } from '../../helpers/expectClose.js';
import { loadOracle } from '../../helpers/oracle.js';
import { BALANCE_KEYS, COVARIATES, FORMULA, lalonde } from '../../helpers/matchitLalonde.js';

function expectBalanceMatches(actual: BalanceRow[], expected: Record<string, number | string | null>[], label: string): number {
  expect(actual.map((r) => r.term)).toEqual(expected.map((r) => r.term));
  let worst = 0;
  actual.forEach((row, r) => {
    for (const [key, rKey] of BALANCE_KEYS) {
      const e = expected[r]![rKey] as number | null;
      const a = row[key] as number | null;
      if (e === null) {
        expect(a, `${label} ${row.term} ${rKey}`).toBeNull();
        continue;
      }
      expectClose(a as number, e, 1e-6, `${label} ${row.term} ${rKey}`, { absTol: 1e-12 });
      worst = Math.max(worst, relativeError(a as number, e));
    }
  });
  return worst;
}

const CASES = [
  { file: 'matchit_nearest', options: {} },
  { file: 'matchit_nearest_ratio2', options: { ratio: 2 } },
  { file: 'matchit_nearest_replace', options: { replace: true } },
  // MatchIt 4.5.1 ignored propensity calipers (integer abs, fixed in 4.5.4): same matches as no caliper.
  { file: 'matchit_nearest_caliper', options: { caliper: 0.1 } },
] as const;

describe.each(CASES)('matchit vs MatchIt 4.5.1 on lalonde: $file', ({ file, options }) => {
  const oracle = loadOracle(file);
  const expected = oracle.results;
  const m = matchit({ formula: FORMULA, data: lalonde, compat: '4.5.1', ...options });

  it(`${oracle.call}: distance (glm logit propensity score) within 1e-8`, () => {
    expectAllClose(m.distance.slice(0, 10), expected.distanceFirst10, 1e-8, 'distance');
  });

  it('identical matched pairs (1-based CSV rows) and sample sizes', () => {
    const pairs = m.pairs.map((p) => ({ treated: p.treated + 1, controls: p.controls.map((c) => c + 1) }));
    const want = (expected.pairs as { treated: number; controls: number | number[] }[]).map((p) => ({
      treated: p.treated,
      controls: Array.isArray(p.controls) ? p.controls : [p.controls],
    }));
    expect(pairs).toEqual(want);
    expect(m.nMatched).toEqual(expected.nMatched);
  });

  it('identical weights (weights.matrix)', () => {
    expectAllClose(m.weights, expected.weights, 1e-12, 'weights', { absTol: 1e-14 });
  });

  it('summary(m): every balance cell before and after matching within 1e-6', () => {
    const balance = m.balance();
    expectBalanceMatches(balance.before, expected.balance.before, 'before');
    expectBalanceMatches(balance.after, expected.balance.after, 'after');
  });

  it(`${expected.outcomeModel}: ATT, SE and p-value within 1e-6`, () => {
    const plain = m.att({ outcome: 're78' });
    expectClose(plain.estimate.estimate, expected.att.estimate, 1e-6, 'att');
    expectClose(plain.estimate.stdError, expected.att.stdError, 1e-6, 'att se');
    expectClose(plain.estimate.pValue, expected.att.pValue, 1e-6, 'att p');
    expect(plain.nobs).toBe(expected.att.nobs);
    const adjusted = m.att({ outcome: 're78', covariates: COVARIATES });
    expectClose(adjusted.estimate.estimate, expected.attWithCovariates.estimate, 1e-6, 'att with covariates');
    expectClose(adjusted.estimate.stdError, expected.attWithCovariates.stdError, 1e-6, 'att with covariates se');
    expectClose(adjusted.estimate.pValue, expected.attWithCovariates.pValue, 1e-6, 'att with covariates p');
  });

  it('match.data(): matched rows with distance, weights (and subclass without replacement)', () => {
    const md = m.matchedData();
    expect(md.nrow).toBe(expected.att.nobs);
    expect(md.has('weights')).toBe(true);
    expect(md.has('distance')).toBe(true);
    expect(md.has('subclass')).toBe(!('replace' in options));
  });
});

describe('matchit (MatchIt 4.5.1 conventions)', () => {
  const m = matchit({ formula: FORMULA, data: lalonde, compat: '4.5.1' });

  it('subclass numbering as mm2subclass: treated row labels sorted as text ("1" < "10" < "100" < … < "2")', () => {
    expect(m.subclass[0]).toBe(1); // row 1
    expect(m.subclass[9]).toBe(2); // row 10
    expect(m.subclass[99]).toBe(3); // row 100
    expect(m.subclass[1]).toBe(98); // row 2: after "1", "10"–"19", "100"–"185" (1 + 10 + 86 labels)
    expect(m.subclass[484]).toBe(1); // row 485 is row 1's control
    const sizes = new Map<number, number>();
    for (const s of m.subclass) if (s !== null) sizes.set(s, (sizes.get(s) ?? 0) + 1);
    expect(sizes.size).toBe(185);
    expect([...sizes.values()].every((v) => v === 2)).toBe(true);
  });

  it('the data are not mutated and results are plain JSON', () => {
    const before = JSON.stringify(lalonde.toJSON());
    matchit({ formula: FORMULA, data: lalonde, ratio: 2 });
    expect(JSON.stringify(lalonde.toJSON())).toBe(before);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json.kind).toBe('matchit');
    expect(json.pairs).toHaveLength(185);
  });

  it('tidy(): the propensity model has the seven broom fields (glm coefficients as MatchIt\'s m$model)', () => {
    const rows = m.tidy();
    expect(rows.map((r) => r.term)[0]).toBe('(Intercept)');
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['confHigh', 'confLow', 'estimate', 'pValue', 'statistic', 'stdError', 'term']);
    const oracle = loadOracle('matchit_nearest').results.propensityModel as { term: string; estimate: number }[];
    oracle.forEach((row, j) => expectClose(rows[j]!.estimate, row.estimate, 1e-8, `coef ${row.term}`));
  });
});

describe('corrected matching (MatchIt ≥ 4.5.4 semantics, the default)', () => {
  // A naive O(n·n0) greedy matcher written from the definition: each treated unit in order takes
  // the closest unused control, the lower one on exact ties, within the caliper.
  function naiveGreedy(distance: Float64Array, treat: Uint8Array, order: Int32Array, caliper: number | null): number[] {
    const treatedRows: number[] = [];
    for (let i = 0; i < treat.length; i++) if (treat[i] === 1) treatedRows.push(i);
    const sorted = Array.from(stableOrder(distance));
    const used = new Set<number>();
    const out = new Array<number>(treatedRows.length).fill(-1);
    for (const t of order) {
      const unit = treatedRows[t]!;
      const p = sorted.indexOf(unit);
      let left = -1;
      for (let q = p - 1; q >= 0; q--) if (treat[sorted[q]!] === 0 && !used.has(sorted[q]!)) { left = sorted[q]!; break; }
      let right = -1;
      for (let q = p + 1; q < sorted.length; q++) if (treat[sorted[q]!] === 0 && !used.has(sorted[q]!)) { right = sorted[q]!; break; }
      const d = distance[unit]!;
      if (caliper !== null && left >= 0 && Math.abs(d - distance[left]!) > caliper) left = -1;
      if (caliper !== null && right >= 0 && Math.abs(d - distance[right]!) > caliper) right = -1;
      let chosen = -1;
      if (left >= 0 && right >= 0) chosen = Math.abs(distance[left]! - d) <= Math.abs(distance[right]! - d) ? left : right;
      else chosen = left >= 0 ? left : right;
      if (chosen >= 0) {
        used.add(chosen);
        out[t] = chosen;
      }
    }
    return out;
  }

  const treat = Uint8Array.from(lalonde.numeric('treat'));

  it('1:1 nearest on lalonde equals the naive greedy definition (largest score first)', () => {
    const m = matchit({ formula: FORMULA, data: lalonde });
    const treatedScores = m.distance.filter((_, i) => treat[i] === 1);
    const naive = naiveGreedy(m.distance, treat, stableOrder(treatedScores, true), null);
    expect(m.pairs.map((p) => p.controls[0])).toEqual(naive.filter((c) => c >= 0));
    expect(m.nMatched).toEqual({ treated: 185, control: 185 });
  });

  it('caliper = 0.1 SD of the score (std.caliper): every pair within 0.1·sd(distance), fewer treated matched', () => {
    const m = matchit({ formula: FORMULA, data: lalonde, caliper: 0.1 });
    const d = m.distance;
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    expectClose(m.caliper!, 0.1 * sd, 1e-12, 'caliper width');
    for (const p of m.pairs) for (const c of p.controls) expect(Math.abs(d[p.treated]! - d[c]!)).toBeLessThanOrEqual(m.caliper!);
    const treatedScores = d.filter((_, i) => treat[i] === 1);
    const naive = naiveGreedy(d, treat, stableOrder(treatedScores, true), m.caliper);
    expect(m.pairs.map((p) => p.controls[0])).toEqual(naive.filter((c) => c >= 0));
    expect(m.nMatched.treated).toBeLessThan(185);
    expect(m.unmatched.length).toBe(185 - m.nMatched.treated);
  });

  it('stableOrder (radix on IEEE bits) equals a stable comparator sort, increasing and decreasing, with ties, ±0 and negatives', () => {
    const values = Float64Array.of(0.5, -1, 0, -0, 3e-300, -2.5e10, 0.5, 1e308, -1, 0.25, 0.5);
    const rows = Array.from(values, (_, i) => i);
    expect(Array.from(stableOrder(values))).toEqual([...rows].sort((a, b) => values[a]! - values[b]! || a - b));
    expect(Array.from(stableOrder(values, true))).toEqual([...rows].sort((a, b) => values[b]! - values[a]! || a - b));
  });

  it('union–find search equals the naive walk on 2,000 random units with many ties', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const n = 2000;
    const distance = Float64Array.from({ length: n }, () => Math.round(rand() * 300) / 300);
    const t = Uint8Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
    const treatedScores = distance.filter((_, i) => t[i] === 1);
    for (const caliper of [null, 0.01]) {
      const order = stableOrder(treatedScores, true);
      const fast = nearestNeighborMatch(distance, t, { ratio: 1, replace: false, caliper, order });
      expect(Array.from(fast.controls)).toEqual(naiveGreedy(distance, t, order, caliper));
    }
  });
});

describe('distance = "mahalanobis" (MatchIt 4.5.1 nn_matchC: pooled within-group covariance, data order, which.min)', () => {
  it('treat ~ age + educ on lalonde: each treated unit in row order takes the unused control minimising Δᵀ S⁻¹ Δ (S pooled within treatment groups)', () => {
    const age = lalonde.numeric('age');
    const educ = lalonde.numeric('educ');
    const treat = Uint8Array.from(lalonde.numeric('treat'));
    const n = treat.length;
    // Pooled within-group covariance of (age, educ), by hand.
    const mean = [[0, 0], [0, 0]];
    const count = [0, 0];
    for (let i = 0; i < n; i++) {
      mean[treat[i]!]![0] += age[i]!;
      mean[treat[i]!]![1] += educ[i]!;
      count[treat[i]!]++;
    }
    for (const g of [0, 1]) for (const j of [0, 1]) mean[g]![j] /= count[g]!;
    let saa = 0, see = 0, sae = 0;
    for (let i = 0; i < n; i++) {
      const a = age[i]! - mean[treat[i]!]![0]!;
      const e = educ[i]! - mean[treat[i]!]![1]!;
      saa += a * a;
      see += e * e;
      sae += a * e;
    }
    const det = saa * see - sae * sae;
    const d2 = (i: number, j: number) => {
      const a = age[i]! - age[j]!;
      const e = educ[i]! - educ[j]!;
      return ((see * a * a - 2 * sae * a * e + saa * e * e) / det) * (n - 2);
    };
    const used = new Set<number>();
    const expected: MatchedPair[] = [];
    for (let t = 0; t < n; t++) {
      if (treat[t] !== 1) continue;
      let best = -1;
      for (let c = 0; c < n; c++) {
        if (treat[c] !== 0 || used.has(c)) continue;
        if (best < 0 || d2(t, c) < d2(t, best) * (1 - 1e-12)) best = c;
      }
      used.add(best);
      expected.push({ treated: t, controls: [best] });
    }
    const m = matchit({ formula: 'treat ~ age + educ', data: lalonde, distance: 'mahalanobis', compat: '4.5.1' });
    expect(m.pairs).toEqual(expected);
    expect(m.balance().after[0]!.term).toBe('age'); // no distance row without a propensity score
    expect(m.matchedData().has('distance')).toBe(false);
  });
});

interface MatchedPair {
  treated: number;
  controls: number[];
}

describe('matchit options with hand-checkable answers (user distances)', () => {
  const data = { treat: [1, 1, 0, 0, 0, 0], x: [1, 2, 3, 4, 5, 6] };
  const distance = [0.9, 0.3, 0.95, 0.35, 0.2, 0.05];

  it('order "smallest" vs "largest" (m.order): 0.3 first takes 0.35; 0.9 first takes 0.95', () => {
    expect(matchit({ formula: 'treat ~ x', data, distance, order: 'smallest' }).pairs).toEqual([
      { treated: 0, controls: [2] },
      { treated: 1, controls: [3] },
    ]);
    // ratio 2, largest first: round 1 0.9→0.95, 0.3→0.35; round 2 0.9→0.2 (nearest left), 0.3→0.05.
    expect(matchit({ formula: 'treat ~ x', data, distance, ratio: 2 }).pairs).toEqual([
      { treated: 0, controls: [2, 4] },
      { treated: 1, controls: [3, 5] },
    ]);
  });

  it('commonSupport "both" (discard = "both"): drops units outside [max(min₀, min₁), min(max₀, max₁)] = [0.3, 0.9]', () => {
    const m = matchit({ formula: 'treat ~ x', data, distance, commonSupport: true });
    expect(m.discarded).toEqual([2, 4, 5]);
    expect(m.pairs).toEqual([
      { treated: 0, controls: [3] },
    ]);
    expect(m.unmatched).toEqual([1]);
  });

  it('replace = TRUE, ratio 2: each treated unit takes its two nearest controls, controls reused; weights as weights.matrix', () => {
    const d = { treat: [1, 1, 0, 0, 0], x: [1, 2, 3, 4, 5] };
    // 0.5 → 0.52 (Δ .02), then 0.45 (Δ .05); 0.55 → 0.52 (Δ .03), then 0.6 (Δ .05).
    const m = matchit({ formula: 'treat ~ x', data: d, distance: [0.5, 0.55, 0.45, 0.6, 0.52], replace: true, ratio: 2 });
    expect(m.pairs).toEqual([
      { treated: 0, controls: [4, 2] },
      { treated: 1, controls: [4, 3] },
    ]);
    // Control sums of 1/2: 0.5, 0.5, 1 (Σ 2) → scaled to Σ = 3 matched controls: 0.75, 0.75, 1.5.
    expect(Array.from(m.weights)).toEqual([1, 1, 0.75, 0.75, 1.5]);
    expect(m.hasSubclass).toBe(false);
    expect(m.subclass.every((s) => s === null)).toBe(true);
  });

  it('order "random" is reproducible with a seed (our PRNG; R\'s sample() cannot be matched)', () => {
    const a = matchit({ formula: 'treat ~ x', data, distance, order: 'random', seed: 3 });
    const b = matchit({ formula: 'treat ~ x', data, distance, order: 'random', seed: 3 });
    expect(a.pairs).toEqual(b.pairs);
  });
});
