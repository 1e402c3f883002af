/**
 * Table-driven bad-input tests across the public API (stdlib's style): every bad input throws a
 * `CausalPanelError` with the expected `code`, a message of the fixed form
 * `<fn>: <what is wrong> (<value>)` that starts with the public function's name and names the
 * column, row or value at fault. The references for the expected behaviour are the R functions
 * each entry mirrors (fixest 0.12.2 `feols`, stats `glm`, did 2.5.1 `att_gt`, MatchIt 4.5.1
 * `matchit`, mediation 4.5.1 `mediate`), which stop with an error in these situations too.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/errors.js';
import { feols } from '../src/models/feols.js';
import { glm } from '../src/models/glm.js';
import { parseFormula } from '../src/models/formula/parse.js';
import { did } from '../src/estimators/did/did.js';
import { eventStudy } from '../src/estimators/did/eventStudy.js';
import { attgt } from '../src/estimators/did/attgt.js';
import { matchit } from '../src/estimators/matching/matchit.js';
import { matchedAtt } from '../src/estimators/matching/matchedAtt.js';
import { psmDid } from '../src/estimators/psmDid.js';
import { mediate } from '../src/estimators/mediation/mediate.js';
import { mediateMany } from '../src/estimators/mediation/mediateMany.js';
import { medsens } from '../src/estimators/mediation/medsens.js';
import { productOfCoefficients } from '../src/estimators/mediation/productOfCoefficients.js';
import { toFrame } from '../src/data/fromInput.js';
import { parseCsv } from '../src/data/parseCsv.js';
import { thrown } from './helpers/thrown.js';

// A small 2×2 panel: 6 units × 2 periods, units 1–3 treated, with a covariate and a cluster.
const panelRows: Record<string, number>[] = [];
for (let id = 1; id <= 6; id++) {
  for (let t = 1; t <= 2; t++) {
    const treat = id <= 3 ? 1 : 0;
    panelRows.push({ id, t, treat, post: t - 1, y: id * 0.7 + t * 1.3 + treat * (t - 1) * 2 + ((id * 7 + t * 3) % 5) * 0.1, x: (id * 13 + t * 5) % 7, g: 0 });
  }
}
const panel = toFrame(panelRows);
const withColumn = (name: string, values: unknown[]): Record<string, unknown>[] => panelRows.map((row, i) => ({ ...row, [name]: values[i] }));
const mapColumn = (name: string, f: (v: number, i: number) => unknown): Record<string, unknown>[] => withColumn(name, panelRows.map((row, i) => f(row[name]!, i)));

// Staggered panel for attgt/eventStudy: 8 units × 4 periods; cohorts 3 (units 1–2), 4 (units 3–4), never (5–8).
const stagRows: Record<string, number>[] = [];
for (let id = 1; id <= 8; id++) {
  const cohort = id <= 2 ? 3 : id <= 4 ? 4 : 0;
  for (let t = 1; t <= 4; t++) stagRows.push({ id, t, cohort, y: id * 0.5 + t + (cohort > 0 && t >= cohort ? 1 : 0) + ((id * 3 + t * 7) % 4) * 0.2 });
}
const stagger = (f: (row: Record<string, number>) => Record<string, unknown>) => stagRows.map((row) => ({ ...row, ...f(row) }));

// Cross-section for matching and mediation: 12 units, treatment alternating, overlapping x.
const xs = Array.from({ length: 12 }, (_, i) => ({
  T: i % 2,
  x: ((i * 5) % 12) / 3,
  z: (i * 7) % 5,
  M: 0.5 * (i % 2) + ((i * 5) % 12) / 6 + ((i * 3) % 4) * 0.1,
  Y: 0.3 * (i % 2) + 0.8 * (0.5 * (i % 2) + ((i * 5) % 12) / 6) + ((i * 11) % 5) * 0.1,
}));
const xsWith = (f: (row: (typeof xs)[number], i: number) => Record<string, unknown>) => xs.map((row, i) => ({ ...row, ...f(row, i) }));
const med = { mediatorModel: 'M ~ T + x', outcomeModel: 'Y ~ T + M + x', treat: 'T', mediator: 'M' };
const didArgs = { outcome: 'y', unit: 'id', time: 't', treat: 'treat', post: 'post' };
const attArgs = { outcome: 'y', unit: 'id', time: 't', cohort: 'cohort' };

interface BadInput {
  /** What is wrong. */
  name: string;
  run: () => unknown;
  code: ErrorCode;
  /** The public function whose name starts the message. */
  fn: string;
  /** Substrings the message must contain (column, row, value). */
  mentions: string[];
  /** Checks on `details`. */
  details?: Record<string, unknown>;
}

const BAD_INPUTS: BadInput[] = [
  // non-numeric cells in numeric variables
  // (a text cell in a regressor makes it a factor, as in R; in the outcome it is an error)
  { name: 'feols: text cell in the outcome', run: () => feols('y ~ x', withColumn('y', panelRows.map((r, i) => (i === 4 ? 'abc' : r.y)))), code: 'non_numeric', fn: 'feols', mentions: ['"y"', 'abc', 'row 5'] },
  { name: 'did: text cell in the outcome', run: () => did({ data: mapColumn('y', (v, i) => (i === 2 ? 'n/a!' : v)), ...didArgs }), code: 'non_numeric', fn: 'did', mentions: ['"y"', 'n/a!'] },
  { name: 'attgt: text cell in the cohort', run: () => attgt({ data: stagger((r) => ({ cohort: r.id === 3 ? 'soon' : r.cohort })), ...attArgs }), code: 'non_numeric', fn: 'attgt', mentions: ['cohort', 'soon'] },
  { name: 'matchit: text cell in the treatment', run: () => matchit({ formula: 'T ~ x', data: xsWith((r, i) => ({ T: i === 3 ? 'yes' : r.T })) }), code: 'non_numeric', fn: 'matchit', mentions: ['"T"', 'yes'] },
  { name: 'mediate: text cell in the mediator', run: () => mediate({ data: xsWith((r, i) => ({ M: i === 0 ? 'x1' : r.M })), ...med, sims: 10 }), code: 'non_numeric', fn: 'mediate', mentions: ['"M"'] },
  // non-finite values (NaN counts as missing and is dropped; ±Infinity is an error)
  { name: 'feols: Infinity in a regressor', run: () => feols('y ~ x', mapColumn('x', (v, i) => (i === 3 ? Infinity : v))), code: 'non_finite', fn: 'feols', mentions: ['x', 'Infinity'] },
  { name: 'did: -Infinity in the outcome', run: () => did({ data: mapColumn('y', (v, i) => (i === 7 ? -Infinity : v)), ...didArgs }), code: 'non_finite', fn: 'did', mentions: ['y', 'Infinity'] },
  { name: 'glm: Infinity in a regressor', run: () => glm('T ~ x', xsWith((r, i) => ({ x: i === 1 ? Infinity : r.x })), { family: 'binomial' }), code: 'non_finite', fn: 'glm', mentions: ['x', 'Infinity'] },
  { name: 'mediate: Infinity in the outcome', run: () => mediate({ data: xsWith((r, i) => ({ Y: i === 1 ? Infinity : r.Y })), ...med, sims: 10 }), code: 'non_finite', fn: 'mediate', mentions: ['Y', 'Infinity'] },
  // unknown columns
  { name: 'feols: unknown regressor', run: () => feols('y ~ nope', panel), code: 'missing_column', fn: 'feols', mentions: ['"nope"'] },
  { name: 'glm: unknown outcome', run: () => glm('nope ~ x', panel), code: 'missing_column', fn: 'glm', mentions: ['"nope"'] },
  { name: 'did: unknown unit column', run: () => did({ data: panel, ...didArgs, unit: 'school' }), code: 'missing_column', fn: 'did', mentions: ['"school"'] },
  { name: 'eventStudy: unknown cohort column', run: () => eventStudy({ data: stagRows, outcome: 'y', unit: 'id', time: 't', cohort: 'first' }), code: 'missing_column', fn: 'eventStudy', mentions: ['"first"'] },
  { name: 'attgt: unknown outcome', run: () => attgt({ data: stagRows, ...attArgs, outcome: 'lemp' }), code: 'missing_column', fn: 'attgt', mentions: ['"lemp"'] },
  { name: 'matchit: unknown covariate', run: () => matchit({ formula: 'T ~ x + age', data: xs }), code: 'missing_column', fn: 'matchit', mentions: ['"age"'] },
  { name: 'matchedAtt: unknown outcome', run: () => matchedAtt(matchit({ formula: 'T ~ x', data: xs }), { outcome: 're78' }), code: 'missing_column', fn: 'matchedAtt', mentions: ['"re78"'] },
  { name: 'psmDid: unknown covariate', run: () => psmDid({ data: panel, ...didArgs, covariates: ['age'] }), code: 'missing_column', fn: 'psmDid', mentions: ['"age"'] },
  { name: 'mediate: unknown cluster column', run: () => mediate({ data: xs, ...med, sims: 10, cluster: 'school' }), code: 'missing_column', fn: 'mediate', mentions: ['"school"'] },
  { name: 'productOfCoefficients: unknown mediator column', run: () => productOfCoefficients({ data: xs, ...med, mediatorModel: 'W ~ T + x' }), code: 'missing_column', fn: 'productOfCoefficients', mentions: ['"W"'] },
  // empty data
  { name: 'feols: no rows', run: () => feols('y ~ x', []), code: 'empty_data', fn: 'feols', mentions: ['no rows'] },
  { name: 'feols: empty columns', run: () => feols('y ~ x', { y: [], x: [] }), code: 'empty_data', fn: 'feols', mentions: ['no rows'] },
  { name: 'did: no rows', run: () => did({ data: [], ...didArgs }), code: 'empty_data', fn: 'did', mentions: ['no rows'] },
  { name: 'attgt: no rows', run: () => attgt({ data: [], ...attArgs }), code: 'empty_data', fn: 'attgt', mentions: ['no rows'] },
  { name: 'matchit: no rows', run: () => matchit({ formula: 'T ~ x', data: [] }), code: 'empty_data', fn: 'matchit', mentions: ['no rows'] },
  { name: 'mediate: no rows', run: () => mediate({ data: [], ...med }), code: 'empty_data', fn: 'mediate', mentions: ['no rows'] },
  { name: 'feols: every row has a missing value', run: () => feols('y ~ x', mapColumn('x', () => null)), code: 'no_rows_left', fn: 'feols', mentions: ['x'] },
  // no treated / no control units
  { name: 'did: no treated units', run: () => did({ data: mapColumn('treat', () => 0), ...didArgs }), code: 'no_treated_units', fn: 'did', mentions: ['treat'] },
  { name: 'did: no control units', run: () => did({ data: mapColumn('treat', () => 1), ...didArgs }), code: 'no_control_units', fn: 'did', mentions: ['treat'] },
  { name: 'attgt: nobody is ever treated', run: () => attgt({ data: stagger(() => ({ cohort: 0 })), ...attArgs }), code: 'no_treated_units', fn: 'attgt', mentions: ['cohort'] },
  { name: 'attgt: no never-treated units', run: () => attgt({ data: stagger((r) => ({ cohort: r.cohort === 0 ? 4 : r.cohort })), ...attArgs }), code: 'no_control_units', fn: 'attgt', mentions: ['never'] },
  { name: 'matchit: no treated units', run: () => matchit({ formula: 'T ~ x', data: xsWith(() => ({ T: 0 })) }), code: 'no_treated_units', fn: 'matchit', mentions: ['T'] },
  { name: 'matchit: no control units', run: () => matchit({ formula: 'T ~ x', data: xsWith(() => ({ T: 1 })) }), code: 'no_control_units', fn: 'matchit', mentions: ['T'] },
  { name: 'psmDid: no treated units', run: () => psmDid({ data: mapColumn('treat', () => 0), ...didArgs, covariates: ['x'] }), code: 'no_treated_units', fn: 'psmDid', mentions: ['treat'] },
  // singular designs
  { name: 'feols: the only regressor is absorbed by the fixed effect', run: () => feols('y ~ treat | id', panel), code: 'singular_design', fn: 'feols', mentions: ['treat'] },
  { name: 'did: a covariate collinear with the treatment (treat:post dropped)', run: () => did({ data: panelRows.map((r) => ({ ...r, tp: r.treat * r.post })), ...didArgs, covariates: ['tp'] }), code: 'singular_design', fn: 'did', mentions: ['treat'] },
  // separation in a logit
  { name: 'glm: a perfectly separating regressor', run: () => glm('T ~ x', xsWith((r) => ({ x: r.T * 10 + (r.x % 3) })), { family: 'binomial' }), code: 'perfect_separation', fn: 'glm', mentions: ['x'] },
  { name: 'matchit: propensity model separates perfectly', run: () => matchit({ formula: 'T ~ x', data: xsWith((r) => ({ x: r.T * 10 + (r.x % 3) })) }), code: 'perfect_separation', fn: 'matchit', mentions: ['x'] },
  // one cluster
  { name: 'feols: a single cluster', run: () => feols('y ~ x', panel, { vcov: { CRV1: 'g' } }), code: 'too_few_clusters', fn: 'feols', mentions: ['"g"', '1'] },
  { name: 'did: a single cluster', run: () => did({ data: panel, ...didArgs, vcov: { CRV1: 'g' } }), code: 'too_few_clusters', fn: 'did', mentions: ['g'] },
  { name: 'mediate: a single cluster', run: () => mediate({ data: xsWith(() => ({ s: 1 })), ...med, sims: 10, cluster: 's' }), code: 'too_few_clusters', fn: 'mediate', mentions: ['s'] },
  // formula syntax (with position)
  { name: 'feols: dangling +', run: () => feols('y ~ x +', panel), code: 'formula_syntax', fn: 'feols', mentions: ['position 8', 'y ~ x +'], details: { position: 7 } },
  { name: 'feols: unbalanced parenthesis', run: () => feols('y ~ log(x', panel), code: 'formula_syntax', fn: 'feols', mentions: ['position'] },
  { name: 'glm: no tilde', run: () => glm('y x', panel), code: 'formula_syntax', fn: 'glm', mentions: ['position'] },
  { name: 'matchit: stray character', run: () => matchit({ formula: 'T ~ x $ z', data: xs }), code: 'formula_syntax', fn: 'matchit', mentions: ['"$"', 'position 7'], details: { position: 6 } },
  { name: 'mediate: syntax error in the outcome model', run: () => mediate({ data: xs, ...med, outcomeModel: 'Y ~ T + M +' }), code: 'formula_syntax', fn: 'mediate', mentions: ['position 12', 'Y ~ T + M +'] },
  { name: 'parseFormula: empty right side (errors name the calling function)', run: () => parseFormula('y ~', 'glm'), code: 'formula_syntax', fn: 'glm', mentions: ['position 4'], details: { position: 3 } },
  // invalid option values
  { name: "feols: vcov 'HC5'", run: () => feols('y ~ x', panel, { vcov: 'HC5' as never }), code: 'invalid_option', fn: 'feols', mentions: ['HC5'] },
  { name: "did: vcov 'HC5'", run: () => did({ data: panel, ...didArgs, vcov: 'HC5' as never }), code: 'invalid_option', fn: 'did', mentions: ['HC5'] },
  { name: 'feols: level 1.5', run: () => feols('y ~ x', panel, { level: 1.5 }), code: 'invalid_option', fn: 'feols', mentions: ['level', '1.5'] },
  { name: 'did: level 1.5', run: () => did({ data: panel, ...didArgs, level: 1.5 }), code: 'invalid_option', fn: 'did', mentions: ['level', '1.5'] },
  { name: 'attgt: level 1.5', run: () => attgt({ data: stagRows, ...attArgs, level: 1.5 }), code: 'invalid_option', fn: 'attgt', mentions: ['level', '1.5'] },
  { name: 'mediate: level 1.5', run: () => mediate({ data: xs, ...med, level: 1.5 }), code: 'invalid_option', fn: 'mediate', mentions: ['level', '1.5'] },
  { name: 'matchit: ratio 0', run: () => matchit({ formula: 'T ~ x', data: xs, ratio: 0 }), code: 'invalid_option', fn: 'matchit', mentions: ['ratio', '0'] },
  { name: 'psmDid: ratio 0', run: () => psmDid({ data: panel, ...didArgs, covariates: ['x'], ratio: 0 }), code: 'invalid_option', fn: 'psmDid', mentions: ['ratio', '0'] },
  { name: 'mediate: sims 0', run: () => mediate({ data: xs, ...med, sims: 0 }), code: 'invalid_option', fn: 'mediate', mentions: ['sims', '0'] },
  { name: 'mediateMany: sims 0', run: () => mediateMany({ data: xs, treat: 'T', mediators: ['M'], mediatorModel: '{mediator} ~ T + x', outcomeModel: 'Y ~ T + {mediator} + x', sims: 0 }), code: 'invalid_option', fn: 'mediateMany', mentions: ['sims', '0'] },
  { name: "attgt: method 'foo'", run: () => attgt({ data: stagRows, ...attArgs, method: 'foo' as never }), code: 'invalid_option', fn: 'attgt', mentions: ['method', 'foo'] },
  { name: "matchit: method 'foo'", run: () => matchit({ formula: 'T ~ x', data: xs, method: 'foo' as never }), code: 'invalid_option', fn: 'matchit', mentions: ['method', 'foo'] },
  { name: "eventStudy: method 'foo'", run: () => eventStudy({ data: stagRows, outcome: 'y', unit: 'id', time: 't', cohort: 'cohort', method: 'foo' as never }), code: 'invalid_option', fn: 'eventStudy', mentions: ['method', 'foo'] },
  { name: "glm: family 'foo'", run: () => glm('T ~ x', xs, { family: 'foo' as never }), code: 'invalid_option', fn: 'glm', mentions: ['foo'] },
  { name: "attgt: control 'foo'", run: () => attgt({ data: stagRows, ...attArgs, control: 'foo' as never }), code: 'invalid_option', fn: 'attgt', mentions: ['control', 'foo'] },
  { name: 'attgt: bootstrap reps 0', run: () => attgt({ data: stagRows, ...attArgs, bootstrap: { reps: 0, seed: 1 } }), code: 'invalid_option', fn: 'attgt', mentions: ['reps', '0'] },
  { name: "productOfCoefficients: variance 'foo'", run: () => productOfCoefficients({ data: xs, ...med, variance: 'foo' as never }), code: 'invalid_option', fn: 'productOfCoefficients', mentions: ['variance', 'foo'] },
  { name: 'medsens: rhoBy 0', run: () => medsens(mediate({ data: xs, ...med, sims: 10 }), { rhoBy: 0 }), code: 'invalid_option', fn: 'medsens', mentions: ['rhoBy', '0'] },
  // treatment not 0/1
  { name: 'did: treat takes the value 2', run: () => did({ data: mapColumn('treat', (v) => v * 2), ...didArgs }), code: 'invalid_option', fn: 'did', mentions: ['treat', '2'] },
  { name: 'did: post takes the value 5', run: () => did({ data: mapColumn('post', (v) => v * 5), ...didArgs }), code: 'invalid_option', fn: 'did', mentions: ['post', '5'] },
  { name: 'matchit: treatment takes the value 2', run: () => matchit({ formula: 'T ~ x', data: xsWith((r) => ({ T: r.T * 2 })) }), code: 'invalid_option', fn: 'matchit', mentions: ['T', '2'] },
  { name: 'psmDid: treat takes the value 2', run: () => psmDid({ data: mapColumn('treat', (v) => v * 2), ...didArgs, covariates: ['x'] }), code: 'invalid_option', fn: 'psmDid', mentions: ['treat', '2'] },
  { name: 'did: treat not constant within a unit', run: () => did({ data: mapColumn('treat', (v, i) => (i === 1 ? 1 - v : v)), ...didArgs }), code: 'invalid_option', fn: 'did', mentions: ['treat'] },
];

describe('bad inputs across the public API throw CausalPanelError(code, "<fn>: … (<value>)") (table-driven, stdlib style)', () => {
  it.each(BAD_INPUTS)('$name → $code', ({ name, run, code, fn, mentions, details }) => {
    const e = thrown(run);
    expect(e.code, e.message).toBe(code);
    expect(e.name).toBe('CausalPanelError');
    expect(e.message.startsWith(`${fn}: `), `message starts with "${fn}: ": ${e.message}`).toBe(true);
    for (const m of mentions) expect(e.message, `message names ${m}`).toContain(m);
    if (details) expect(e.details).toMatchObject(details);
    // Machine-readable location: which column (and row) is at fault.
    if (code === 'missing_column' || code === 'non_numeric' || code === 'non_finite') expect(typeof e.details.column, 'details.column').toBe('string');
    if (code === 'non_numeric' || code === 'non_finite') expect(typeof e.details.row, 'details.row').toBe('number');
    if (code === 'formula_syntax') expect(typeof e.details.position, 'details.position').toBe('number');
    if (code === 'invalid_option' && /level|ratio|sims|method|vcov|variance|control|reps|rhoBy|family/.test(name)) expect(e.details.option ?? e.details.value, 'details.option or value').toBeDefined();
  });
});

describe('NaN is missing, not an error (fixest/R semantics): the row is dropped and reported', () => {
  it('feols drops the NaN row and records a rows_dropped_missing note (hand count: 1 row of 12)', () => {
    const fit = feols('y ~ x', mapColumn('x', (v, i) => (i === 3 ? NaN : v)));
    expect(fit.nobs).toBe(11);
    expect(fit.notes).toContainEqual({ code: 'rows_dropped_missing', count: 1, byColumn: { x: 1 } });
  });
});

describe('parseCsv bad input', () => {
  it('a ragged row throws CausalPanelError naming the line', () => {
    expect(thrown(() => parseCsv('a,b\n1,2\n3\n')).message).toMatch(/^parseCsv: /);
  });
});
