/**
 * did() / eventStudy() bad inputs (table-driven, each → a CausalPanelError code), mutation safety
 * (did's test that the caller's data is unchanged) and hostile column names (`__proto__`).
 * Numbers are checked against fixest 0.12.2 (fixtures/oracles/fixest_twfe_did_cluster.json).
 */
import { describe, expect, it } from 'vitest';
import { did, type DidOptions } from '../../../src/estimators/did/did.js';
import { eventStudy, type EventStudyOptions } from '../../../src/estimators/did/eventStudy.js';
import type { ErrorCode } from '../../../src/errors.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle, type OracleFit } from '../../helpers/oracle.js';
import { thrown } from '../../helpers/thrown.js';

const baseDid = loadDataset('base_did.csv');
const rows = baseDid.toRows().map((row) => ({ ...row }));
const valid: DidOptions = { data: baseDid, outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' };

function withRow(index: number, patch: Record<string, unknown>): Record<string, unknown>[] {
  return rows.map((row, i) => (i === index ? { ...row, ...patch } : row));
}

const didCases: [string, Partial<DidOptions>, ErrorCode][] = [
  ['unknown outcome column', { outcome: 'nope' }, 'missing_column'],
  ['unknown covariate', { covariates: ['x9'] }, 'missing_column'],
  ['unknown cluster column in vcov', { vcov: { CRV1: 'school' } }, 'missing_column'],
  ['treat not 0/1 (row 3 = 2)', { data: withRow(2, { treat: 2 }) }, 'invalid_option'],
  ['post not 0/1 (row 5 = 0.5)', { data: withRow(4, { post: 0.5 }) }, 'invalid_option'],
  ['text outcome', { data: withRow(0, { y: 'abc' }) }, 'non_numeric'],
  ['treat varying within a unit', { data: withRow(0, { treat: 0 }) }, 'invalid_option'],
  ['no treated units', { data: rows.map((r) => ({ ...r, treat: 0 })) }, 'no_treated_units'],
  ['no control units', { data: rows.map((r) => ({ ...r, treat: 1 })) }, 'no_control_units'],
  ['all outcomes missing', { data: rows.map((r) => ({ ...r, y: null })) }, 'no_rows_left'],
  ['bad vcov', { vcov: 'HC5' as never }, 'invalid_option'],
  ['bad level', { level: 1.5 }, 'invalid_option'],
  ['bad standardize', { standardize: 'glass' as never }, 'invalid_option'],
  ['negative standardize', { standardize: -1 }, 'invalid_option'],
  ['fixedEffects not boolean', { fixedEffects: 'yes' as never }, 'invalid_option'],
  ['covariates not column names', { covariates: [1] as never }, 'invalid_option'],
  ['missing treat option', { treat: undefined as never }, 'invalid_option'],
];

describe('did() bad inputs → CausalPanelError codes', () => {
  it.each(didCases)('%s', (_label, patch, code) => {
    expect(thrown(() => did({ ...valid, ...patch })).code).toBe(code);
  });

  it('the 0/1 error names the column, the row and the value', () => {
    const err = thrown(() => did({ ...valid, data: withRow(2, { treat: 2 }) }));
    expect(err.message).toBe('did: column "treat" must be 0/1 (row 3: 2)');
    expect(err.details).toMatchObject({ fn: 'did', column: 'treat', row: 2, value: 2 });
  });

  it('rows with a missing value are dropped and reported in a note', () => {
    const res = did({ ...valid, data: withRow(0, { y: null }) });
    expect(res.nobs).toBe(1079);
    expect(res.notes[0]).toEqual({ code: 'rows_dropped_missing', count: 1, byColumn: { y: 1 } });
  });
});

const base = baseDid.withColumns({ g: Float64Array.from(baseDid.numeric('treat'), (t) => 6 * t) });
const esValid: EventStudyOptions = { data: base, outcome: 'y', unit: 'id', time: 'period', cohort: 'g' };
const esCases: [string, Partial<EventStudyOptions>, ErrorCode][] = [
  ['unknown cohort column', { cohort: 'first_treat' }, 'missing_column'],
  ['bad method', { method: 'cs' as never }, 'invalid_option'],
  ['ref not a number', { ref: 'a' as never }, 'invalid_option'],
  ['window reversed', { window: [3, -3] }, 'invalid_option'],
  ['ref outside window', { window: [0, 3] }, 'invalid_option'],
  ['no treated cohort', { data: baseDid.withColumns({ g: new Float64Array(1080) }) }, 'no_treated_units'],
  ['cohort varying within a unit', { data: base.withColumns({ g: Float64Array.from(base.numeric('g'), (v, i) => (i === 0 ? 7 : v)) }) }, 'invalid_option'],
  ['text time', { data: base.withColumns({ period: Array.from(base.numeric('period'), (p) => `t${p}`) }) }, 'non_numeric'],
];

describe('eventStudy() bad inputs → CausalPanelError codes', () => {
  it.each(esCases)('%s', (_label, patch, code) => {
    expect(thrown(() => eventStudy({ ...esValid, ...patch })).code).toBe(code);
  });
});

describe('mutation safety and hostile column names', () => {
  it('did() and eventStudy() leave the caller rows unchanged', () => {
    const data = rows.map((r) => ({ ...r, g: r.treat === 1 ? 6 : 0 }));
    const snapshot = JSON.stringify(data);
    did({ ...valid, data, covariates: ['x1'] });
    eventStudy({ ...esValid, data, method: 'sunab' });
    expect(JSON.stringify(data)).toBe(snapshot);
  });

  it('did() leaves caller columns (typed arrays) unchanged', () => {
    const columns: Record<string, Float64Array> = {};
    for (const name of baseDid.names) columns[name] = Float64Array.from(baseDid.numeric(name));
    const before = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Array.from(v)]));
    did({ ...valid, data: columns });
    for (const [k, v] of Object.entries(columns)) expect(Array.from(v)).toEqual(before[k]);
  });

  it('columns named "__proto__", "constructor" and "first.treat" work and give fixest\'s numbers (fixest_twfe_did_cluster)', () => {
    const oracle = loadOracle<OracleFit>('fixest_twfe_did_cluster');
    const data: Record<string, Float64Array> = Object.create(null);
    data['__proto__'] = Float64Array.from(baseDid.numeric('y'));
    data['constructor'] = Float64Array.from(baseDid.numeric('id'));
    data['first.treat'] = Float64Array.from(baseDid.numeric('treat'));
    data['toString'] = Float64Array.from(baseDid.numeric('post'));
    data['period'] = Float64Array.from(baseDid.numeric('period'));
    const res = did({ data, outcome: '__proto__', unit: 'constructor', time: 'period', treat: 'first.treat', post: 'toString' });
    const fixestRow = oracle.results.coefficients[0]!;
    expectEstimatesMatch([{ ...res.att, term: fixestRow.term }], [fixestRow], { estimate: 1e-8, stdError: 1e-6 }, { label: 'ATT' });
    expect(res.vcovLabel).toBe('Clustered (constructor)');
    expect(Object.getPrototypeOf(data)).toBeNull();
  });
});
