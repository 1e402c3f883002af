/**
 * Multiple estimation against fixest 0.12.2 (fixtures/oracles/fixest_formula_{csw,multi_lhs,split,subset}.json
 * on base_did): `csw()` stepwise right sides, `c()` left sides, `split` samples and `subset`.
 * Coefficients 1e-8, SE/t 1e-6, p 1e-4 relative; nobs, removed rows, dof.K, t df, clusters and
 * fixed-effect sizes exactly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { etable, feolsMulti, parseCsv, type OlsFit } from 'causal-panel';
import { expectEstimatesMatch } from '../helpers/expectEstimatesMatch.js';
import { thrown } from '../helpers/thrown.js';

const baseDid = parseCsv(readFileSync(new URL('../../fixtures/datasets/base_did.csv', import.meta.url), 'utf8'));
const oracle = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/oracles/fixest_formula_${name}.json`, import.meta.url), 'utf8')).results;
const TOL = { estimate: 1e-8, stdError: 1e-6, statistic: 1e-6, pValue: 1e-4 };

interface OracleModel { coefficients: never[]; nobs: number; nobsRemoved: number; removedRows: number[]; dofK: number; dfT: number; nClusters: number; fixefSizes: Record<string, number> }

function expectModel(fit: OlsFit, sampleRows: Int32Array, expected: OracleModel): void {
  expectEstimatesMatch(fit.tidy(), expected.coefficients, TOL);
  expect(fit.nobs).toBe(expected.nobs);
  const used = new Set(Array.from(fit.rows, (r) => sampleRows[r]!));
  const removed = Array.from({ length: baseDid.nrow }, (_, i) => i).filter((i) => !used.has(i)).map((i) => i + 1);
  expect(removed).toEqual(expected.removedRows);
  expect(fit.vcovInfo.dofK).toBe(expected.dofK);
  expect(fit.dist).toEqual({ kind: 't', df: expected.dfT });
  expect(fit.vcovInfo.nClusters).toEqual([expected.nClusters]);
  expect(Object.fromEntries(fit.fixedEffects.map((fe) => [fe.name, fe.nLevels]))).toEqual(expected.fixefSizes);
}

describe('feolsMulti against fixest', () => {
  it('csw(x1, treat:post): cumulative stepwise right sides', () => {
    const o = oracle('csw');
    const multi = feolsMulti('y ~ csw(x1, treat:post) | id + period', baseDid);
    expect(multi.labels.map((l) => l.rhs)).toEqual(o.models.map((m: { rhs: string }) => m.rhs));
    multi.fits.forEach((fit, m) => expectModel(fit, multi.labels[m]!.sampleRows, o.models[m]));
  });
  it('c(y, x1) ~ treat:post: several left sides', () => {
    const o = oracle('multi_lhs');
    const multi = feolsMulti('c(y, x1) ~ treat:post | id + period', baseDid);
    expect(multi.labels.map((l) => l.lhs)).toEqual(['y', 'x1']);
    multi.fits.forEach((fit, m) => expectModel(fit, multi.labels[m]!.sampleRows, o.models[m]));
  });
  it('split = ~treat: one fit per sample, no full sample', () => {
    const o = oracle('split');
    const multi = feolsMulti('y ~ x1 | id + period', baseDid, { split: 'treat' });
    expect(multi.labels.map((l) => l.sample)).toEqual(o.samples.map((s: { sampleVar: string; sample: string }) => `${s.sampleVar}: ${s.sample}`));
    multi.fits.forEach((fit, m) => expectModel(fit, multi.labels[m]!.sampleRows, o.samples[m]));
    expect(feolsMulti('y ~ x1 | id + period', baseDid, { fsplit: 'treat' }).labels.map((l) => l.sample)).toEqual(['Full sample', 'treat: 0', 'treat: 1']);
  });
  it('subset = ~period > 2 (a function of the data: formula text is never evaluated)', () => {
    const o = oracle('subset');
    const multi = feolsMulti('y ~ x1 | id + period', baseDid, { subset: (data) => Array.from(data.numeric('period'), (p) => p > 2) });
    expect(multi.fits).toHaveLength(1);
    expectModel(multi.fits[0]!, multi.labels[0]!.sampleRows, o.model);
  });
  it('etable spreads the fits into columns; tidy() labels each row with its model', () => {
    const multi = feolsMulti('y ~ csw(x1, treat:post) | id + period', baseDid);
    expect(etable([multi])).toMatch(/\(1\)\s+\(2\)/);
    expect(multi.tidy().map((row) => [row.model, row.term])).toEqual([[1, 'x1'], [2, 'x1'], [2, 'treat:post']]);
  });
  it('bad input: two stepwise functions, split and fsplit together, a subset of the wrong length', () => {
    expect(thrown(() => feolsMulti('y ~ sw(a, b) + csw(c, d)', baseDid)).code).toBe('formula_syntax');
    expect(thrown(() => feolsMulti('y ~ x1', baseDid, { split: 'treat', fsplit: 'treat' })).message).toBe('feolsMulti: give split or fsplit, not both');
    expect(thrown(() => feolsMulti('y ~ x1', baseDid, { subset: [true] })).message).toBe('feolsMulti: subset has 1 values for 1080 rows');
  });
});
