/**
 * The variance of a least-squares fit from its stored arrays, as fixest's `vcov` for `feols`:
 * the clusterings of a vcov specification resolved on the estimation rows (an absorbed fixed
 * effect reuses its codes; `a^b` clusters by observed combinations), then the sandwich of
 * `inference/sandwich.ts` with fixest's small-sample corrections and the nesting of the fixed
 * effects in the clusters (fixest `fixef.K = "nested"`).
 *
 * Dimension symbols: n = rows used, k = coefficients kept.
 */
import { CausalPanelError } from '../errors.js';
import type { Frame } from '../data/frame.js';
import { checkClusterCount, clusterCodes, combinedClusters, isNestedIn, type ClusterCodes } from '../inference/clusters.js';
import { computeVcov, leverage as leverageOf, vcovJackknife, type ScoreFactors } from '../inference/sandwich.js';
import type { Ssc } from '../inference/ssc.js';
import type { VcovSpec } from '../inference/vcovSpec.js';
import type { Dist } from '../numerics/distributions.js';
import type { Design } from './formula/design.js';
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
  if (spec.type !== 'CRV1' && spec.type !== 'CRV3') return undefined;
  const { design, frame } = state;
  // One column → codes on the estimation rows (an absorbed fixed effect reuses its codes).
  const single = (name: string): ClusterCodes => {
    const fe = design.fixedEffects.find((f) => f.name === name);
    if (fe !== undefined) return { name, codes: fe.codes, nClusters: fe.nLevels };
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

/**
 * The variance of an OLS fit under `spec`: the matrix, the reference distribution of its
 * statistics and what fixest records beside it (label, dof.K, clusters).
 *
 * @throws {CausalPanelError} `invalid_option` (HC2/HC3 or CRV3 where the fixed effects make them
 *   unavailable), `too_few_clusters`, `missing_column`
 * @example
 * olsVcov({ type: 'CRV1', clusters: ['id'] }, DEFAULT_SSC, state, 'feols').info.label; // 'Clustered (id)'
 */
export function olsVcov(spec: VcovSpec, ssc: Ssc, state: OlsState, fn: string): { vcov: Float64Array; dist: Dist; info: VcovInfo } {
  const { design } = state;
  const n = design.n;
  const k = state.keptTerms.length;
  const fixefSizes = design.fixedEffects.map((f) => f.nLevels);
  const clusterings = clusteringsFor(spec, state, fn);
  let nested: boolean[] | null = null;
  if (clusterings !== undefined && design.fixedEffects.length > 0) {
    nested = design.fixedEffects.map((fe) => clusterings.some((c) => c.name === fe.name || isNestedIn(fe.codes, fe.nLevels, c)));
  }
  if (spec.type === 'hetero' && (spec.hc === 'HC2' || spec.hc === 'HC3') && design.fixedEffects.length > 0) {
    throw new CausalPanelError('invalid_option', `${fn}: vcov "${spec.hc}" needs the leverage, which is not available with absorbed fixed effects (use explicit dummies, or "hetero")`, { fn, option: 'vcov', value: spec.hc });
  }
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
    leverage: () => leverageOf(columnMatrix(state.XdColumns, n), n, k, state.bread, state.weights),
    jackknife: (clustering) => vcovJackknife(columnMatrix(state.XdColumns, n), state.yd, n, k, state.coefficients, clustering, state.weights),
    distKind: 't',
  });
  const info: VcovInfo = { spec, label: result.label, dofK: result.dofK, nClusters: result.nClusters, ssc, fixedPsd: result.fixedPsd };
  return { vcov: result.vcov, dist: result.dist, info };
}
