/**
 * The two-way within transformation of a balanced panel, v − v̄_unit − v̄_period + v̄: on a balanced
 * panel this is exactly the residual of least squares of v on unit and period dummies
 * (Frisch–Waugh–Lovell), without a 1080 × 117 regression per column. test/inference/
 * sandwich.fixest.test.ts checks the identity against the dummy regression on base_did.
 */

/** Codes 0…levels−1 of one fixed effect (ClusterCodes has this shape). */
export interface Coding {
  codes: ArrayLike<number>;
  nClusters: number;
}

/**
 * v − v̄_unit − v̄_period + v̄ for a balanced panel (every unit observed once in every period).
 *
 * @example
 * twoWayWithin(Float64Array.of(1, 2, 3, 5), { codes: [0, 0, 1, 1], nClusters: 2 }, { codes: [0, 1, 0, 1], nClusters: 2 });
 * // Float64Array [0.25, -0.25, -0.25, 0.25]
 */
export function twoWayWithin(v: ArrayLike<number>, unit: Coding, period: Coding): Float64Array {
  const n = v.length;
  if (n !== unit.nClusters * period.nClusters) throw new Error(`twoWayWithin: ${n} rows is not a balanced ${unit.nClusters} × ${period.nClusters} panel`);
  const byUnit = new Float64Array(unit.nClusters);
  const byPeriod = new Float64Array(period.nClusters);
  let total = 0;
  for (let i = 0; i < n; i++) {
    byUnit[unit.codes[i]!]! += v[i]!;
    byPeriod[period.codes[i]!]! += v[i]!;
    total += v[i]!;
  }
  const perUnit = n / unit.nClusters;
  const perPeriod = n / period.nClusters;
  return Float64Array.from({ length: n }, (_, i) => v[i]! - byUnit[unit.codes[i]!]! / perUnit - byPeriod[period.codes[i]!]! / perPeriod + total / n);
}
