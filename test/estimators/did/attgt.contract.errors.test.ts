/**
 * attgt on bad or awkward input, following did 2.5.1's `pre_process_did2` rules: table-driven
 * errors with their codes, and the cases did handles by dropping and warning (here: a Note),
 * checked against the did oracle (fixtures/oracles/did_mpdta_never_dr.json) or hand-derived 2×2s.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import type { AttgtOptions } from '../../../src/estimators/did/attgtOptions.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const mpdta = loadDataset('mpdta.csv');
const rows = mpdta.toRows() as Record<string, number>[];
const base = { outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat' } as const;
const oracle = loadOracle<{ attgt: { group: number; time: number; att: number; stdError: number }[] }>('did_mpdta_never_dr');

describe('attgt: bad input throws CausalPanelError with the expected code (did 2.5.1 pre_process_did2 rules)', () => {
  const noNever = rows.filter((r) => r['first.treat'] !== 0);
  const varying = rows.map((r) => (r.countyreal === 8001 && r.year === 2005 ? { ...r, 'first.treat': 2006 } : r));
  const fractionalTime = rows.map((r, i) => (i === 3 ? { ...r, year: 2004.5 } : r));
  const duplicated = [...rows, rows[0]!];
  const textOutcome = rows.map((r, i) => (i === 0 ? { ...r, lemp: 'abc' } : r));
  const cases: [string, () => unknown, string][] = [
    ["no never-treated units with control 'never' (did coerces; we ask for 'notyet')", () => attgt({ data: noNever, ...base }), 'no_control_units'],
    ['cohort varying within a unit (did: "The treatment must be irreversible")', () => attgt({ data: varying, ...base }), 'invalid_option'],
    ['non-integer time', () => attgt({ data: fractionalTime, ...base }), 'invalid_option'],
    ['unit observed twice in a period', () => attgt({ data: duplicated, ...base }), 'invalid_option'],
    ['missing outcome column', () => attgt({ data: mpdta, ...base, outcome: 'nope' }), 'missing_column'],
    ['text outcome', () => attgt({ data: textOutcome, ...base }), 'non_numeric'],
    ['unknown method', () => attgt({ data: mpdta, ...base, method: 'ols' as unknown as 'dr' }), 'invalid_option'],
    ['unknown control', () => attgt({ data: mpdta, ...base, control: 'all' as unknown as 'never' }), 'invalid_option'],
    ['negative anticipation', () => attgt({ data: mpdta, ...base, anticipation: -1 }), 'invalid_option'],
    ['level outside (0, 1)', () => attgt({ data: mpdta, ...base, level: 95 }), 'invalid_option'],
    ['bootstrap without reps', () => attgt({ data: mpdta, ...base, bootstrap: { seed: 1 } as unknown as { reps: number; seed: number } }), 'invalid_option'],
    ['panel without unit', () => attgt({ data: mpdta, outcome: 'lemp', time: 'year', cohort: 'first.treat' } as AttgtOptions), 'invalid_option'],
    ['negative cohort', () => attgt({ data: rows.map((r, i) => (i < 5 ? { ...r, 'first.treat': -1 } : r)), ...base }), 'invalid_option'],
  ];
  it.each(cases)('%s → %s', (_label, run, code) => {
    expect(thrown(run).code).toBe(code);
  });

  it("the no-never-treated error suggests control: 'notyet'", () => {
    expect(() => attgt({ data: noNever, ...base })).toThrow(/notyet/);
  });

  it('aggregate with an unknown type throws invalid_option', () => {
    const fit = attgt({ data: mpdta, ...base });
    expect(thrown(() => fit.aggregate('weekly' as unknown as 'simple')).code).toBe('invalid_option');
  });
});

describe('attgt: inputs did drops with a warning are dropped with a Note (did 2.5.1 att_gt)', () => {
  it('a cohort treated in the first period is dropped and noted; the rest equals did on mpdta', () => {
    const early = [2003, 2004, 2005, 2006, 2007].map((year) => ({ year, countyreal: 99999, lpop: 3, lemp: 5 + year / 1000, 'first.treat': 2003, treat: 1 }));
    const fit = attgt({ data: [...rows, ...early], ...base });
    const note = fit.notes.find((n) => n.code === 'units_dropped');
    expect(note).toMatchObject({ code: 'units_dropped', count: 1 });
    expectEstimatesMatch(fit.rows, oracle.results.attgt, { att: 1e-10, stdError: 1e-10 }, { by: ['group', 'time'], ordered: true, label: 'ATT(g,t) without the early cohort' });
  });

  it('an unbalanced panel: units with gaps are dropped (allow_unbalanced_panel = FALSE) and noted', () => {
    const gapUnits = new Set([8001, 8019]);
    const withGaps = rows.filter((r) => !(gapUnits.has(r.countyreal!) && r.year === 2005));
    const fit = attgt({ data: withGaps, ...base });
    expect(fit.notes.find((n) => n.code === 'units_dropped')).toMatchObject({ count: 2 });
    const reference = attgt({ data: rows.filter((r) => !gapUnits.has(r.countyreal!)), ...base });
    expect(fit.n).toBe(498);
    fit.rows.forEach((r, j) => {
      expectClose(r.att, reference.rows[j]!.att, 1e-12, `ATT(${r.group},${r.time})`);
      expectClose(r.stdError, reference.rows[j]!.stdError, 1e-12, `SE(${r.group},${r.time})`);
    });
  });

  it('rows with a missing outcome are dropped and counted; the unit then has a gap and is dropped', () => {
    const withNa = rows.map((r, i) => (i === 0 ? { ...r, lemp: NaN } : r));
    const fit = attgt({ data: withNa, ...base });
    expect(fit.notes[0]).toMatchObject({ code: 'rows_dropped_missing', count: 1 });
    expect(fit.n).toBe(499);
  });

  it('a cohort with a single unit works and is noted as small; its ATT is the hand-computed 2×2', () => {
    // recode one never-treated county as first treated in 2005
    const single = rows.find((r) => r['first.treat'] === 0)!.countyreal!;
    const data = rows.map((r) => (r.countyreal === single ? { ...r, 'first.treat': 2005 } : r));
    const fit = attgt({ data, ...base, method: 'reg' });
    expect(fit.notes.some((n) => n.code === 'small_groups')).toBe(true);
    const cell = fit.rows.find((r) => r.group === 2005 && r.time === 2005)!;
    // ATT(2005, 2005) = Δy of the unit − mean Δy of the never-treated, 2004 → 2005
    const y = (id: number, year: number) => rows.find((r) => r.countyreal === id && r.year === year)!.lemp!;
    const never = [...new Set(rows.filter((r) => r['first.treat'] === 0 && r.countyreal !== single).map((r) => r.countyreal!))];
    const control = never.reduce((s, id) => s + y(id, 2005) - y(id, 2004), 0) / never.length;
    expectClose(cell.att, y(single, 2005) - y(single, 2004) - control, 1e-12, 'ATT(2005,2005) single unit');
    expect(Number.isFinite(cell.stdError)).toBe(true);
  });

  it("control 'notyet' without never-treated units keeps the periods before the last cohort (did)", () => {
    const noNever = rows.filter((r) => r['first.treat'] !== 0);
    const fit = attgt({ data: noNever, ...base, control: 'notyet' });
    // cohort 2007 only serves as control; periods 2003-2006 remain
    expect([...new Set(fit.rows.map((r) => r.group))]).toEqual([2004, 2006]);
    expect(Math.max(...fit.rows.map((r) => r.time))).toBe(2006);
    // ATT(2004, 2004) = Δy(2004 cohort) − Δy(not yet treated: 2006 and 2007 cohorts), 2003 → 2004
    const byUnit = new Map<number, Record<string, number>[]>();
    for (const r of noNever) byUnit.set(r.countyreal!, [...(byUnit.get(r.countyreal!) ?? []), r]);
    const delta = (cohorts: number[]) => {
      const ds = [...byUnit.values()].filter((u) => cohorts.includes(u[0]!['first.treat']!)).map((u) => u.find((r) => r.year === 2004)!.lemp! - u.find((r) => r.year === 2003)!.lemp!);
      return ds.reduce((a, b) => a + b, 0) / ds.length;
    };
    expectClose(fit.rows[0]!.att, delta([2004]) - delta([2006, 2007]), 1e-12, 'ATT(2004,2004) not-yet');
  });

  it('does not mutate the caller data', () => {
    const copy = rows.map((r) => ({ ...r }));
    attgt({ data: copy, ...base, covariates: ['lpop'] });
    expect(copy).toEqual(rows);
  });
});
