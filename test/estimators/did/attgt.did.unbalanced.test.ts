/**
 * attgt({ allowUnbalanced: true }) against R's did 2.5.1 `allow_unbalanced_panel = TRUE` on
 * mpdta_unbalanced.csv (mpdta without the 1-based rows i %% 20 == 7: 2375 rows, 125 counties lack
 * 2004): did estimates every ATT(g,t) with the repeated cross-section 2×2 and sums the influence
 * functions by unit. ATT(g,t), SEs and every aggregation to 1e-8 (dr), 1e-10 (reg), the
 * oracle's tolerances; pre-test p to did's 5 digits.
 */
import { describe, expect, it } from 'vitest';
import { attgt } from '../../../src/estimators/did/attgt.js';
import { expectClose } from '../../helpers/expectClose.js';
import { expectEstimatesMatch } from '../../helpers/expectEstimatesMatch.js';
import { loadDataset, loadOracle } from '../../helpers/oracle.js';

interface Row { group: number; time: number; att: number; stdError: number }
interface AggRow { e: number; att: number; stdError: number }
interface Agg { overallAtt: number; overallStdError: number; rows?: AggRow[] }
interface Results { attgt: Row[]; waldPreTestP: number; simple: Agg; dynamic: Agg; group: Agg; calendar: Agg; nUnits: number; nRows: number }

const unbalanced = loadDataset('mpdta_unbalanced.csv');
const TYPES = ['simple', 'dynamic', 'group', 'calendar'] as const;

describe.each([
  ['did_mpdta_unbalanced_never_reg', 1e-10],
  ['did_mpdta_unbalanced_never_reg_lpop', 1e-10],
  ['did_mpdta_unbalanced_never_dr_lpop', 1e-8],
  ['did_mpdta_unbalanced_notyet_dr_lpop', 1e-8],
] as const)('attgt allowUnbalanced vs did 2.5.1 allow_unbalanced_panel: %s', (name, tol) => {
  const oracle = loadOracle<Results>(name);
  const call = oracle.call!;
  const res = oracle.results;
  const method = /est_method = '(\w+)'/.exec(call)![1] as 'dr' | 'reg';
  const control = /control_group = 'nevertreated'/.test(call) ? 'never' : 'notyet';
  const covariates = /xformla = ~lpop/.test(call) ? ['lpop'] : [];
  const fit = attgt({ data: unbalanced, outcome: 'lemp', unit: 'countyreal', time: 'year', cohort: 'first.treat', method, control, covariates, allowUnbalanced: true });

  it(`ATT(g,t) and SEs to ${tol}: ${call}`, () => {
    expectEstimatesMatch(fit.rows, res.attgt, { att: tol, stdError: tol }, { by: ['group', 'time'], ordered: true, label: name });
    expect(fit.n).toBe(res.nUnits);
    expect(fit.nobs).toBe(res.nRows);
  });

  it(`pre-test p = ${res.waldPreTestP} (did's 5 digits)`, () => {
    expectClose(fit.pretestPValue, res.waldPreTestP, 1e-4, 'pretest p', { absTol: 5e-6 });
  });

  it.each(TYPES)("aggte(type = '%s') overall and rows", (type) => {
    const agg = fit.aggregate(type);
    const ref = res[type];
    expectEstimatesMatch([agg.overall], [{ term: 'ATT', estimate: ref.overallAtt, stdError: ref.overallStdError }], { estimate: tol, stdError: tol }, { label: `${name} ${type} overall` });
    const refRows = (ref.rows ?? []).map((r) => ({ e: r.e, estimate: r.att, stdError: r.stdError }));
    expectEstimatesMatch(agg.rows, refRows, { estimate: tol, stdError: tol }, { by: 'e', ordered: true, label: `${name} ${type} rows` });
  });

  it("notes the unbalanced design (did: 'You have an unbalanced panel. Proceeding as such.')", () => {
    expect(fit.notes.some((n) => n.code === 'design_adjusted' && /Unbalanced panel/.test(n.message))).toBe(true);
  });
});
