/**
 * The variance of a least-squares fit from its stored arrays, as fixest's `vcov` for `feols`:
 * the clusterings of a vcov specification resolved on the estimation rows (an absorbed fixed
 * effect reuses its codes; `a^b` clusters by observed combinations), then the sandwich of
 * `inference/sandwich.ts` with fixest's small-sample corrections and the nesting of the fixed
 * effects in the clusters (fixest `fixef.K = "nested"`). CR2 is clubSandwich's (`inference/cr2.ts`)
 * with Satterthwaite degrees of freedom per coefficient (`inference/satterthwaite.ts`); HC2/HC3
 * with absorbed fixed effects use the full model's leverage (`inference/hatOperator.ts`).
 *
 * Dimension symbols: n = rows used, k = coefficients kept.
 */
import { CausalPanelError } from '../errors.js';
import type { Frame } from '../data/frame.js';
import { checkClusterCount, clusterCodes, combinedClusters, isCycleNestedIn, isNestedIn, type ClusterCodes } from '../inference/clusters.js';
import { vcovCR2, type Cr2Result } from '../inference/cr2.js';
import { hatOperator } from '../inference/hatOperator.js';
import { computeVcov, leverage as leverageOf, vcovJackknife, type ScoreFactors } from '../inference/sandwich.js';
import { satterthwaiteDf } from '../inference/satterthwaite.js';
import { dofK } from '../inference/ssc.js';
import type { Ssc } from '../inference/ssc.js';
import { vcovLabel, type VcovSpec } from '../inference/vcovSpec.js';
import type { Dist } from '../numerics/distributions.js';
import type { Design } from './formula/design.js';
import { fixefSizesWithSlopes } from './formula/fixedEffects.js';
import type { VcovInfo } from './fit.js';

/** Everything the variance needs, kept on an OLS fit so that `withVcov` can recompute it. */
export interface OlsState {
  readonly frame: Frame;
  readonly design: Design;
  /** Demeaned kept columns of X (k columns of length n). */
  readonly XdColumns: readonly Float64Array[];
  /** Demeaned y. */
  readonly yd: Float64Array;
  /** (X̃ᵀWX̃)⁻¹, k×k column-major. */
  readonly bread: Float64Array;
  /** n×k scores x̃ᵢ·wᵢ·eᵢ, built on first read (a getter): clustered variances use `scoreFactors`. */
  readonly scores: Float64Array;
  readonly scoreFactors: ScoreFactors;
  readonly residuals: Float64Array;
  /** Weighted sum of squared residuals. */
  readonly rss: number;
  readonly weights: Float64Array | undefined;
  readonly keptTerms: readonly string[];
  readonly coefficients: Float64Array;
}

/**
 * Columns → one n×k column-major matrix. Columns that already are consecutive views of one
 * buffer (demean's output, the design's X) are returned as a view of it, without a copy.
 *
 * @example
 * columnMatrix([Float64Array.of(1, 2), Float64Array.of(3, 4)], 2); // Float64Array [1, 2, 3, 4]
 */
export function columnMatrix(columns: readonly Float64Array[], n: number): Float64Array {
  const first = columns[0];
  if (first !== undefined && first.length === n) {
    let consecutive = true;
    for (let j = 1; j < columns.length && consecutive; j++) {
      const c = columns[j]!;
      consecutive = c.buffer === first.buffer && c.length === n && c.byteOffset === first.byteOffset + j * n * 8;
    }
    if (consecutive) return new Float64Array(first.buffer, first.byteOffset, n * columns.length);
  }
  const X = new Float64Array(n * columns.length);
  columns.forEach((column, j) => X.set(column, j * n));
  return X;
}

/** Resolves the clusterings of a spec on the estimation rows. */
function clusteringsFor(spec: VcovSpec, state: OlsState, fn: string): ClusterCodes[] | undefined {
  if (spec.type !== 'CRV1' && spec.type !== 'CRV3' && spec.type !== 'CR2') return undefined;
  const { design, frame } = state;
  // One column → codes on the estimation rows (an absorbed fixed effect reuses its codes).
  const single = (name: string): ClusterCodes => {
    const fe = design.fixedEffects.find((f) => f.name === name);
    if (fe !== undefined) {
      // The codes of an effect in blocks are built only if a pass reads them.
      if (fe.blocks === undefined) return { name, codes: fe.codes, nClusters: fe.nLevels };
      return { name, get codes(): Int32Array { return fe.codes; }, nClusters: fe.nLevels, blocks: { length: fe.blocks.length } };
    }
    const extra = Object.prototype.hasOwnProperty.call(design.extra, name) ? design.extra[name] : undefined;
    const clustering = extra !== undefined ? clusterCodes(name, extra) : clusterCodes(name, frame.column(name, fn), design.rows);
    if (clustering.codes.some((c) => c < 0)) {
      throw new CausalPanelError('invalid_option', `${fn}: cluster column "${name}" has missing values in the estimation rows; pass it in vcov when fitting so those rows are dropped`, { fn, column: name });
    }
    return clustering;
  };
  return spec.clusters.map((name) => {
    // `a^b` (fixest): one clustering by the observed combinations, unless an absorbed fixed
    // effect of that name already holds exactly those codes.
    const fe = design.fixedEffects.find((f) => f.name === name);
    const clustering = name.includes('^') && fe === undefined ? combinedClusters(name, name.split('^').map(single)) : single(name);
    checkClusterCount(clustering, fn);
    return clustering;
  });
}

/** The variance of an OLS fit: matrix, reference distribution, what fixest records, and the CR2 state. */
export interface OlsVcov {
  vcov: Float64Array;
  dist: Dist;
  info: VcovInfo;
  /** The CR2 computation (CR2 only): what Satterthwaite and HTZ tests of combinations need. */
  cr2?: Cr2Result;
}

/** CR2 (clubSandwich) with Satterthwaite degrees of freedom per coefficient; no ssc factor. */
function olsCR2(spec: VcovSpec, ssc: Ssc, state: OlsState, clustering: ClusterCodes, nested: boolean[] | null): OlsVcov {
  const { design } = state;
  const n = design.n;
  const k = state.keptTerms.length;
  const cr2 = vcovCR2({
    fn: 'CR2',
    n,
    k,
    columns: state.XdColumns,
    bread: state.bread,
    residuals: state.residuals,
    weights: state.weights,
    clustering,
    fixedEffects: design.fixedEffects,
  });
  const termDf = Array.from({ length: k }, (_, j) => {
    const c = new Float64Array(k);
    c[j] = 1;
    return satterthwaiteDf(cr2.pMatrix(c), cr2.nClusters);
  });
  const K = dofK({ nCoef: k, fixefSizes: design.fixedEffects.map((f) => f.nLevels), nested, fixefK: ssc.fixefK });
  const info: VcovInfo = { spec, label: vcovLabel(spec), dofK: K, nClusters: [clustering.nClusters], ssc, fixedPsd: false, termDf: Object.freeze(termDf) };
  // The fit-level distribution is clubSandwich's naive t (G − 1); every coefficient's own test uses `termDf`.
  return { vcov: cr2.vcov, dist: { kind: 't', df: clustering.nClusters - 1 }, info, cr2 };
}

/**
 * The variance of an OLS fit under `spec`: the matrix, the reference distribution of its
 * statistics and what fixest records beside it (label, dof.K, clusters; Satterthwaite degrees of
 * freedom per coefficient for CR2).
 *
 * @throws {CausalPanelError} `invalid_option` (CRV3 where the fixed effects make it unavailable),
 *   `too_few_clusters`, `missing_column`, `no_convergence`
 * @example
 * olsVcov({ type: 'CRV1', clusters: ['id'] }, DEFAULT_SSC, state, 'feols').info.label; // 'Clustered (id)'
 */
export function olsVcov(spec: VcovSpec, ssc: Ssc, state: OlsState, fn: string): OlsVcov {
  const { design } = state;
  const n = design.n;
  const k = state.keptTerms.length;
  // Varying slopes add one entry of their count (fixest's K; formula/fixedEffects.ts).
  const fixefSizes = fixefSizesWithSlopes(design.fixedEffects);
  const hasSlopes = fixefSizes.length > design.fixedEffects.length;
  if (hasSlopes && (spec.type === 'CR2' || spec.type === 'CRV3' || (spec.type === 'hetero' && (spec.hc === 'HC2' || spec.hc === 'HC3')))) {
    throw new CausalPanelError('invalid_option', `${fn}: vcov ${spec.type === 'hetero' ? spec.hc : spec.type} is not available with varying slopes (fixed effects with [x]); use iid, hetero/HC1 or CRV1`, { fn, option: 'vcov' });
  }
  const clusterings = clusteringsFor(spec, state, fn);
  let nested: boolean[] | null = null;
  if (clusterings !== undefined && design.fixedEffects.length > 0) {
    nested = design.fixedEffects.map((fe) => clusterings.some((c) => c.name === fe.name || (fe.cycle !== undefined ? isCycleNestedIn(fe.cycle.period, fe.cycle.rows, c) : isNestedIn(fe.codes, fe.nLevels, c))));
    if (hasSlopes) {
      // fixest: slope-only effects (fe[[x]]) have no levels to remove; the slopes are never removed
      design.fixedEffects.forEach((fe, p) => {
        if (fe.constant === false) nested![p] = false;
      });
      nested.push(false);
    }
  }
  if (spec.type === 'CR2') return olsCR2(spec, ssc, state, clusterings![0]!, nested);
  if (spec.type === 'CRV3' && nested !== null && !nested.every(Boolean)) {
    throw new CausalPanelError('invalid_option', `${fn}: vcov CRV3 with fixed effects needs every fixed effect nested in the cluster (use explicit dummies for the others)`, { fn, option: 'vcov' });
  }
  const result = computeVcov({
    fn,
    spec,
    ssc,
    n,
    k,
    bread: state.bread,
    get scores() {
      return state.scores;
    },
    scoreFactors: state.scoreFactors,
    sumSquaredResiduals: state.rss,
    clusterings,
    fixefSizes,
    nested,
    // The full model's leverage (fixed-effect dummies included, as hatvalues() of the dummy lm).
    leverage: () =>
      design.fixedEffects.length === 0
        ? leverageOf(columnMatrix(state.XdColumns, n), n, k, state.bread, state.weights)
        : hatOperator({ fn, n, k, columns: state.XdColumns, bread: state.bread, weights: state.weights, fixedEffects: design.fixedEffects }).leverage(),
    jackknife: (clustering) => vcovJackknife(columnMatrix(state.XdColumns, n), state.yd, n, k, state.coefficients, clustering, state.weights),
    distKind: 't',
  });
  const info: VcovInfo = { spec, label: result.label, dofK: result.dofK, nClusters: result.nClusters, ssc, fixedPsd: result.fixedPsd };
  return { vcov: result.vcov, dist: result.dist, info };
}
