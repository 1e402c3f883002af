/**
 * Random small panels for the property suites (test/properties/*.self.properties.test.ts), and the
 * transformations whose invariances they check: row permutation, relabelled ids, scaled weights,
 * an affine map of the outcome, a missing cell in an unused column.
 *
 * fast-check draws the shape (units, periods) and a seed; the values come from the package's
 * seeded generator (`createRng`), so a failing case is reproduced by its printed spec alone.
 */
import fc from 'fast-check';
import { createRng } from '../../src/numerics/random.js';
import { expectEstimatesMatch, type EstimateRowLike } from '../helpers/expectEstimatesMatch.js';

/** fast-check settings of every property: a fixed seed and a bounded number of runs. */
export const RUNS = { seed: 13, numRuns: 20 } as const;

/** The shape of one random panel. */
export interface PanelSpec {
  units: number;
  periods: number;
  seed: number;
}

/** Panels of 15–24 units × 4–6 periods (at least 8 never-treated units: did's smallest comparison group is 5 + covariates). */
export const panelSpec: fc.Arbitrary<PanelSpec> = fc.record({
  units: fc.integer({ min: 15, max: 24 }),
  periods: fc.integer({ min: 4, max: 6 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** The columns of a random panel (row = unit × period, units outer). */
export interface Panel {
  /** Unit id 1…units. */
  id: number[];
  /** Period 1…periods. */
  period: number[];
  /** First treated period (0 = never treated: every other unit), staggered in 3…periods. */
  cohort: number[];
  /** Ever treated (cohort > 0). */
  treat: number[];
  /** Common post indicator: period ≥ ⌈periods/2⌉ + 1 (did's 2×2 timing). */
  post: number[];
  /** treat × post. */
  treatPost: number[];
  /** A time-varying regressor. */
  x: number[];
  /** A unit-level covariate (time-invariant). */
  xu: number[];
  /** Unit-level positive weights in [0.5, 2.5). */
  w: number[];
  /** Outcome: unit + period effects + 0.5·x + 0.3·xu + staggered effect + 1.5·treat×post + noise. */
  y: number[];
}

/** The panel of `spec`. */
export function makePanel(spec: PanelSpec): Panel {
  const rng = createRng(spec.seed);
  const { units, periods } = spec;
  const unitEffect = Array.from({ length: units }, () => rng.normal());
  const periodEffect = Array.from({ length: periods }, () => 0.5 * rng.normal());
  const cohortOf = Array.from({ length: units }, (_, u) => (u % 2 === 0 ? 0 : 3 + rng.int(periods - 2)));
  const xuOf = Array.from({ length: units }, () => rng.normal());
  const wOf = Array.from({ length: units }, () => 0.5 + 2 * rng.uniform());
  const start = Math.ceil(periods / 2) + 1;
  const panel: Panel = { id: [], period: [], cohort: [], treat: [], post: [], treatPost: [], x: [], xu: [], w: [], y: [] };
  for (let u = 0; u < units; u++) {
    for (let t = 1; t <= periods; t++) {
      const g = cohortOf[u]!;
      const treat = g > 0 ? 1 : 0;
      const post = t >= start ? 1 : 0;
      const x = rng.normal();
      const staggered = g > 0 && t >= g ? 1 + 0.5 * (t - g) : 0;
      panel.id.push(u + 1);
      panel.period.push(t);
      panel.cohort.push(g);
      panel.treat.push(treat);
      panel.post.push(post);
      panel.treatPost.push(treat * post);
      panel.x.push(x);
      panel.xu.push(xuOf[u]!);
      panel.w.push(wOf[u]!);
      panel.y.push(unitEffect[u]! + periodEffect[t - 1]! + 0.5 * x + 0.3 * xuOf[u]! + staggered + 1.5 * treat * post + rng.normal());
    }
  }
  return panel;
}

/** Column-wise data of any shape (what the estimators take). */
export type Columns = Record<string, readonly (number | string | null)[]>;

/** The panel's rows in the order `order` (a permutation of 0…n−1). */
export function permuteRows(data: Columns, order: readonly number[]): Columns {
  const out: Columns = {};
  for (const [name, values] of Object.entries(data)) out[name] = order.map((i) => values[i]!);
  return out;
}

/** A permutation of 0…n−1 drawn from `seed` (Fisher–Yates). */
export function permutation(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Relabels a column through `f` (e.g. numbers → strings). */
export function relabel(data: Columns, column: string, f: (value: number) => number | string): Columns {
  return { ...data, [column]: (data[column] as number[]).map(f) };
}

/** `y` → a + b·y. */
export function affineOutcome(data: Columns, column: string, a: number, b: number): Columns {
  return { ...data, [column]: (data[column] as number[]).map((v) => a + b * v) };
}

/** Adds an unused numeric column with NaN cells and an unused text column with null cells. */
export function withUnusedMissing(data: Columns, n: number, seed: number): Columns {
  const rng = createRng(seed);
  const holes = new Set([rng.int(n), rng.int(n), rng.int(n)]);
  return {
    ...data,
    unusedNumber: Array.from({ length: n }, (_, i) => (holes.has(i) ? NaN : i / 7)),
    unusedText: Array.from({ length: n }, (_, i) => (holes.has(i) ? null : `t${i % 4}`)),
  };
}

/**
 * Rows equal to rounding: every field of `expected` within 1e-9 relative, or 1e-11 × `scale`
 * absolute (for values that cancel to ~0; `scale` = the size of the quantities compared).
 */
export function expectSameRows(
  actual: readonly EstimateRowLike[],
  expected: readonly EstimateRowLike[],
  label: string,
  by: string | readonly string[] = 'term',
  scale = 1,
): void {
  expectEstimatesMatch(actual, expected, { default: { rel: 1e-9, abs: 1e-11 * scale } }, { by, label });
}

/**
 * The rows an affine map y → a + b·y should give: effects and interval ends × b (ends swapped
 * when b < 0), SEs × |b|, statistics × sign(b), p-values unchanged.
 */
export function affineRows<R extends { estimate: number; stdError: number; statistic: number; pValue: number; confLow: number; confHigh: number }>(
  rows: readonly R[],
  b: number,
): R[] {
  return rows.map((r) => ({
    ...r,
    estimate: b * r.estimate,
    stdError: Math.abs(b) * r.stdError,
    statistic: Math.sign(b) * r.statistic,
    pValue: r.pValue,
    confLow: b > 0 ? b * r.confLow : b * r.confHigh,
    confHigh: b > 0 ? b * r.confHigh : b * r.confLow,
  }));
}

/** Affine maps y → a + b·y to try: shifts, scales of both signs, not powers of two. */
export const affineMap: fc.Arbitrary<{ a: number; b: number }> = fc.record({
  a: fc.constantFrom(-250, 0, 3.7, 1e4),
  b: fc.constantFrom(-2.5, 0.3, 7, 1000),
});

/** Weight scales to try (not powers of two, so rounding differs). */
export const weightScale: fc.Arbitrary<number> = fc.constantFrom(0.01, 0.37, 3, 1234.5);

/** The panel of `spec` as the column-wise data the estimators take. */
export const panelColumns = (spec: PanelSpec): Columns => makePanel(spec) as unknown as Columns;

/** The arbitraries of a property's draws after the panel (a variant, then an invariance's own draw). */
type Arbs<T extends unknown[]> = { [K in keyof T]: fc.Arbitrary<T[K]> };

/**
 * Asserts `check` (with RUNS) on random panels, as columns, and the draws of `arbs`: the property of
 * `panelSpec` followed by `arbs`, in that order.
 */
export function forPanels<T extends unknown[]>(arbs: Arbs<T>, check: (data: Columns, ...values: T) => void): void {
  const property = fc.property as unknown as (...args: unknown[]) => fc.IProperty<unknown[]>;
  fc.assert(property(panelSpec, ...arbs, (spec: PanelSpec, ...values: unknown[]) => check(panelColumns(spec), ...(values as T))), RUNS);
}

/** forPanels with a seed drawn last (fc.integer()), given to `check` as the panel's rows in a random order. */
export function forPermutedPanels<T extends unknown[]>(arbs: Arbs<T>, check: (data: Columns, permuted: Columns, ...values: T) => void): void {
  forPanels([...arbs, fc.integer()] as unknown as Arbs<[...T, number]>, (data, ...rest) => {
    const seed = rest.pop() as number;
    check(data, permuteRows(data, permutation(data.y!.length, seed)), ...(rest as unknown as T));
  });
}

/** forPanels with a weight scale drawn last (weightScale), given to `check` with the panel with `w` × that scale. */
export function forReweightedPanels<T extends unknown[]>(arbs: Arbs<T>, check: (data: Columns, reweighted: Columns, c: number, ...values: T) => void): void {
  forPanels([...arbs, weightScale] as unknown as Arbs<[...T, number]>, (data, ...rest) => {
    const c = rest.pop() as number;
    check(data, { ...data, w: (data.w as number[]).map((x) => c * x) }, c, ...(rest as unknown as T));
  });
}

/** forPanels with an affine map drawn last (affineMap), given to `check` with the panel whose `y` is a + b·y. */
export function forAffinePanels<T extends unknown[]>(
  arbs: Arbs<T>,
  check: (data: Columns, mapped: Columns, map: { a: number; b: number }, ...values: T) => void,
): void {
  forPanels([...arbs, affineMap] as unknown as Arbs<[...T, { a: number; b: number }]>, (data, ...rest) => {
    const map = rest.pop() as { a: number; b: number };
    check(data, affineOutcome(data, 'y', map.a, map.b), map, ...(rest as unknown as T));
  });
}

/**
 * forPanels with a seed drawn last (fc.integer()), given to `check` with the panel plus unused
 * columns holding missing cells (withUnusedMissing) and its number of rows.
 */
export function forPanelsWithUnusedMissing<T extends unknown[]>(arbs: Arbs<T>, check: (data: Columns, holed: Columns, n: number, ...values: T) => void): void {
  forPanels([...arbs, fc.integer()] as unknown as Arbs<[...T, number]>, (data, ...rest) => {
    const seed = rest.pop() as number;
    const n = data.y!.length;
    check(data, withUnusedMissing(data, n, seed), n, ...(rest as unknown as T));
  });
}

/** Units renumbered (1000 − 7·id), periods and cohorts shifted by 2000 (never-treated stay 0): event times unchanged. */
export function shiftedPanel(data: Columns): Columns {
  return relabel(relabel(relabel(data, 'id', (x) => 1000 - 7 * x), 'period', (t) => 2000 + t), 'cohort', (g) => (g === 0 ? 0 : 2000 + g));
}
