/**
 * Cross-cutting contract tests: the promises every public estimator makes, checked on one small
 * call per estimator (test/helpers/estimatorCases.ts, each itself checked against its R
 * reference — fixest 0.12.2, did 2.5.1, MatchIt 4.5.1, mediation 4.5.1, lavaan 0.6-14).
 *
 * Modelled on broom's `check_tidy_output` (tidy rows have a fixed set of typed columns) and did's
 * mutation-safety test (the caller's data is unchanged after the call):
 * - `tidy()` rows have exactly `term, estimate, stdError, statistic, pValue, confLow, confHigh`,
 *   and Wald rows are internally consistent (statistic = estimate/SE, estimate ± one critical
 *   value, p from |statistic|);
 * - `toJSON()` is plain data with a `kind` tag that survives `JSON.parse(JSON.stringify(x))`
 *   unchanged. Convention: non-finite numbers (NaN SEs of reference periods, NA balance
 *   statistics, …) are written as `null` by toJSON itself, so the round trip is exact; typed
 *   arrays become plain arrays; no functions, `undefined`, class instances or Maps;
 * - `summary()` is a non-empty string, and `util.inspect(result)` prints it;
 * - the caller's rows array, column object or Frame is deep-equal before and after the call, and
 *   the three data forms give the same result;
 * - a missing cell drops its row, and the result says so (`rows_dropped_missing`, by column);
 * - columns named `__proto__`, `constructor`, `toString` work as ordinary columns and nothing is
 *   polluted;
 * - the stochastic estimators give bit-identical results for the same seed.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ESTIMATE_FIELDS, type Estimate } from '../src/estimate.js';
import { normalCdf, normalQuantile } from '../src/numerics/distributions.js';
import { expectClose } from './helpers/expectClose.js';
import { Frame } from '../src/data/frame.js';
import { feols } from '../src/models/feols.js';
import { CausalPanelError } from '../src/errors.js';
import { caseData, ESTIMATOR_CASES, hostileMap, type DataForm, type EstimatorCase } from './helpers/estimatorCases.js';

const identity = (name: string): string => name;

/** Results of each case on the Frame form, computed once. */
const results = new Map<string, unknown>();
function resultOf(c: EstimatorCase): any {
  if (!results.has(c.name)) results.set(c.name, c.run(caseData(c.dataset, c.columns, 'frame'), identity));
  return results.get(c.name);
}

/** Path of the first value in `x` that is not plain JSON data (null when all is plain). */
function firstNonPlain(x: unknown, path = '$'): string | null {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return null;
  if (typeof x === 'number') return Number.isFinite(x) ? null : `${path} = ${x} (non-finite number: write null)`;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (!(i in x)) return `${path}[${i}] is a hole`;
      const bad = firstNonPlain(x[i], `${path}[${i}]`);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (typeof x === 'object') {
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return `${path} is a ${(x as object).constructor?.name ?? 'non-plain object'}`;
    if (Object.getOwnPropertySymbols(x).length > 0) return `${path} has symbol keys`;
    for (const key of Object.keys(x)) {
      const bad = firstNonPlain((x as Record<string, unknown>)[key], `${path}.${key}`);
      if (bad !== null) return bad;
    }
    return null;
  }
  return `${path} is a ${typeof x}`;
}

/**
 * A deep copy of caller data that keeps typed arrays and own `__proto__` keys; a Frame becomes
 * `{ names, columns }` with copied columns (its typed arrays are not frozen, so they could be
 * written to in place).
 */
function snapshot(data: unknown): unknown {
  if (data instanceof Frame) return { names: [...data.names], columns: data.names.map((name) => structuredClone(data.columns[name])) };
  return structuredClone(data);
}

/** Deep equality of caller data with its snapshot. */
function expectSameData(after: unknown, before: unknown, label: string): void {
  if (after instanceof Frame) {
    const b = before as { names: string[]; columns: unknown[] };
    expect(after.names, `${label}: names`).toEqual(b.names);
    b.names.forEach((name, j) => expect(after.columns[name], `${label}: column ${name}`).toEqual(b.columns[j]));
    return;
  }
  expect(after, label).toEqual(before);
}

/** Own property names of the built-in prototypes, to detect pollution. */
function prototypeState(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype, Float64Array.prototype].map((p) =>
    Object.getOwnPropertyNames(p).sort().join(','),
  );
}

describe.each(ESTIMATOR_CASES.map((c) => [c.name, c] as const))('%s — contract', (_name, c) => {
  it(`matches its reference (${c.reference})`, () => {
    c.check(resultOf(c));
  });

  if (c.offers.tidy) {
    it('tidy(): rows have exactly the seven Estimate fields, typed (broom check_tidy_output)', () => {
      const rows = resultOf(c).tidy();
      expect(Array.isArray(rows)).toBe(true);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row).sort(), `fields of ${row.term}`).toEqual([...ESTIMATE_FIELDS].sort());
        expect(typeof row.term).toBe('string');
        for (const field of ESTIMATE_FIELDS) if (field !== 'term') expect(typeof row[field], `${row.term}.${field}`).toBe('number');
      }
      // Plain copies: editing them does not change the result.
      rows[0].estimate = 12345;
      expect(resultOf(c).tidy()[0].estimate).not.toBe(12345);
    });
  }

  if (c.offers.tidy && c.wald !== false) {
    it('tidy(): Wald rows — statistic = estimate / SE, interval = estimate ± one critical value, p from |statistic|', () => {
      const rows = (resultOf(c).tidy() as Estimate[]).filter((row) => row.stdError > 0);
      expect(rows.length).toBeGreaterThan(0);
      const crit = (rows[0]!.confHigh - rows[0]!.confLow) / (2 * rows[0]!.stdError);
      for (const row of rows) {
        expectClose(row.statistic, row.estimate / row.stdError, 1e-14, `${row.term} statistic`);
        expectClose(row.confHigh - row.estimate, crit * row.stdError, 1e-12, `${row.term} upper half-width`);
        expectClose(row.estimate - row.confLow, crit * row.stdError, 1e-12, `${row.term} lower half-width`);
        // A normal reference (critical value qnorm(0.975)) fixes the p-value: 2·(1 − Φ(|z|)).
        if (Math.abs(crit - normalQuantile(0.975)) < 1e-12) expectClose(row.pValue, 2 * normalCdf(-Math.abs(row.statistic)), 1e-10, `${row.term} p`, { absTol: 1e-300 });
      }
      // p decreases as |statistic| grows (same reference distribution for every row).
      const sorted = [...rows].sort((a, b) => Math.abs(a.statistic) - Math.abs(b.statistic));
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.pValue).toBeLessThanOrEqual(sorted[i - 1]!.pValue);
    });
  }

  if (c.offers.toJSON) {
    it('toJSON(): plain data with a kind tag; JSON round trip is exact (NaN written as null)', () => {
      const json = resultOf(c).toJSON();
      expect(firstNonPlain(json)).toBeNull();
      expect(typeof json.kind, 'kind tag').toBe('string');
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      // JSON.stringify(result) goes through toJSON.
      expect(JSON.parse(JSON.stringify(resultOf(c)))).toEqual(json);
    });
  }

  if (c.offers.summary) {
    it('summary() is a non-empty string', () => {
      const text = resultOf(c).summary();
      expect(typeof text).toBe('string');
      expect(text.trim().length).toBeGreaterThan(20);
      expect(text).not.toMatch(/undefined|\[object Object\]/);
    });
  }

  if (c.offers.inspect) {
    it("util.inspect(result) prints summary() (Symbol.for('nodejs.util.inspect.custom'))", () => {
      const result = resultOf(c);
      expect(inspect(result)).toBe(result.summary());
    });
  }

  it.each<DataForm>(['rows', 'columns', 'frame'])("does not mutate the caller's data (%s) and gives the same result", (form) => {
    const data = caseData(c.dataset, c.columns, form);
    const before = snapshot(data);
    const result = c.run(data, identity);
    expectSameData(data, before, form);
    if (form === 'frame') expect(Object.isFrozen((data as Frame).columns)).toBe(true);
    if (form !== 'frame' && c.offers.toJSON) expect(result.toJSON()).toEqual(resultOf(c).toJSON());
  });

  if (c.notesOf !== null) {
    const notesOf = c.notesOf;
    it('a missing cell drops its row and the result reports it (rows_dropped_missing, 1 row, by column)', () => {
      const frame = caseData(c.dataset, c.columns, 'frame') as Frame;
      // The first numeric variable the call uses (cohort columns excluded: missing = never treated).
      const target = c.columns.find((name) => frame.isNumeric(name) && name !== 'first.treat' && name !== 'cohort')!;
      const values = Float64Array.from(frame.numeric(target));
      values[5] = NaN;
      const result = c.run(frame.withColumns({ [target]: values }), identity);
      const note = notesOf(result).find((n) => n.code === 'rows_dropped_missing') as { count: number; byColumn: Record<string, number> } | undefined;
      expect(note, `notes: ${JSON.stringify(notesOf(result))}`).toBeDefined();
      expect(note!.count).toBe(1);
      expect({ ...note!.byColumn }).toEqual({ [target]: 1 });
      if (typeof result.nobs === 'number' && c.name !== 'psmDid') {
        // attgt balances the panel as did does: the unit's other rows go too (units_dropped note).
        const balanced = notesOf(result).some((n) => n.code === 'units_dropped');
        if (balanced) expect(result.nobs).toBeLessThan(resultOf(c).nobs - 1);
        else expect(result.nobs).toBe(resultOf(c).nobs - 1);
      }
    });
  }

  it('columns named __proto__, constructor, toString work as ordinary columns; no prototype is polluted', () => {
    const protoBefore = prototypeState();
    const col = hostileMap(c.columns);
    for (const form of ['rows', 'columns', 'frame'] as const) {
      const data = caseData(c.dataset, c.columns, form, col);
      const result = c.run(data, col);
      c.check(result);
      if (c.offers.toJSON) {
        const json = result.toJSON();
        expect(firstNonPlain(json), `${form}: toJSON plain`).toBeNull();
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      }
      if (c.offers.summary) expect(result.summary().length).toBeGreaterThan(0);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(prototypeState()).toEqual(protoBefore);
  });

  if (c.stochastic) {
    it('same seed → bit-identical results', () => {
      const again = c.run(caseData(c.dataset, c.columns, 'frame'), identity);
      const first = resultOf(c);
      if (c.offers.toJSON) expect(again.toJSON()).toEqual(first.toJSON());
      else expect(again).toEqual(first);
    });
  }
});

describe('prototype pollution through row objects (JSON.parse of hostile input)', () => {
  it('a "__proto__" key holding an object is a column (non_numeric here), not a prototype; nothing polluted', () => {
    const rows = JSON.parse('[{"y":1,"x":1,"__proto__":{"polluted":"yes"}},{"y":2,"x":3,"__proto__":{"polluted":"yes"}},{"y":4,"x":4,"__proto__":{"polluted":"yes"}}]');
    const fit = feols('y ~ x', rows);
    expectCloseSlope(fit.coef().x!);
    expect(() => feols('y ~ __proto__', rows)).toThrow(CausalPanelError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('coef() and se() records are prototype-free: a term named "constructor" or "toString" reads back its number', () => {
    const data: Record<string, number[]> = Object.assign(Object.create(null), { y: [1, 2, 4, 3], constructor: [1, 2, 3, 5], toString: [0, 1, 0, 1] });
    const fit = feols('y ~ constructor + toString', data);
    // Same numbers as the regression with ordinary names.
    const plain = feols('y ~ a + b', { y: [1, 2, 4, 3], a: [1, 2, 3, 5], b: [0, 1, 0, 1] });
    expect(fit.coef().constructor).toBe(plain.coef().a);
    expect(fit.coef().toString).toBe(plain.coef().b);
    expect(fit.se().toString).toBe(plain.se().b);
    expect(Object.getPrototypeOf(fit.coef())).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** y = (1, 2, 4), x = (1, 3, 4): OLS slope Sxy/Sxx = (14/3)/(14/3)·… computed by hand. */
function expectCloseSlope(slope: number): void {
  const x = [1, 3, 4];
  const y = [1, 2, 4];
  const mx = (1 + 3 + 4) / 3;
  const my = (1 + 2 + 4) / 3;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < 3; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  expect(Math.abs(slope - sxy / sxx)).toBeLessThan(1e-12);
}
