/**
 * The ATT(g,t) cells of `attgt` and their influence functions, as did 2.5.1's `compute.att_gt2`:
 * every ATT(g,t) is a 2×2 DiD (DRDID's estimators, `drdid*.ts`) between cohort g and the
 * comparison group — never-treated units, or units not yet treated by period max(t, base) +
 * anticipation — with base period g − 1 − anticipation for post-treatment cells and t − 1
 * (`varying`) or g − 1 − anticipation (`universal`) for pre-treatment cells. Covariates and
 * sampling weights are taken from the earlier of the two periods. Each cell's influence function
 * is rescaled by n/n₁ (n₁ = units in the 2×2) into column j of the n × p matrix ψ; an unbalanced
 * panel's cells are repeated-cross-section 2×2s whose observation-level influence functions are
 * summed by unit (did's `allow_unbalanced_panel`).
 *
 * The logit propensity score is fitted once per (cohort, comparison set, covariate period) and
 * reused across periods: it does not depend on t when covariates and weights are time-invariant
 * (did refits it, with identical results). The panel's units are sorted by cohort, so a 2×2
 * sample is a few contiguous unit ranges (`flat`: [start₀, end₀, start₁, end₁, …)).
 */
import { CausalPanelError } from '../../errors.js';
import type { AttgtParams } from './attgtOptions.js';
import type { PanelData, RcData } from './attgtData.js';
import { panelCellAtt, panelSample, releaseSample, type PanelSample, type SampleBuffers } from './attgtPanelCell.js';
import { drdidRc } from './drdidRc.js';

/** One ATT(g,t) cell. */
export interface Cell {
  group: number;
  time: number;
  att: number;
  /** True for post-treatment cells (group ≤ time). */
  post: boolean;
  /** Universal-base normalisation cell (att 0 by construction). */
  reference: boolean;
}

/** The cells, their n × p influence matrix ψ and, per cell, the row ranges ψ can be non-zero on. */
export interface Cells {
  cells: Cell[];
  psi: Float64Array;
  support: (Int32Array | undefined)[];
}

/**
 * Runs every ATT(g,t) 2×2, in did's order (cohort-major, then period), and fills the n × p
 * influence matrix. A cell whose 2×2 cannot be estimated is NaN with a `cells_not_estimated` note.
 *
 * @example
 * const { cells, psi } = estimateCells(preparePanel(cols, params, sample), params);
 * cells[0]; // { group: 2004, time: 2004, att: −0.0105, post: true, reference: false } on mpdta
 */
export function estimateCells(d: PanelData | RcData, p: AttgtParams): Cells {
  const { periods, glist, n } = d;
  const nT = periods.length;
  const varying = p.basePeriod === 'varying';
  const tfac = varying ? 1 : 0;
  const tCount = varying ? nT - 1 : nT;
  // the cells, in did's order (cohort-major, then period)
  const specs: { g: number; t0: number; cur: number; pret: number; pretG: number; post: boolean }[] = [];
  for (const g of glist) {
    // last period index with period + anticipation < g
    let pretG = -1;
    for (let j = 0; j < nT; j++) if (periods[j]! + p.anticipation < g) pretG = j;
    for (let t0 = 0; t0 < tCount; t0++) {
      const cur = t0 + tfac;
      const post = g <= periods[cur]!;
      const pret = post || !varying ? pretG : t0;
      if (pret < 0) continue; // no pre-treatment period for this cohort (did drops the cell)
      specs.push({ g, t0, cur, pret, pretG, post });
    }
  }
  const cells: Cell[] = [];
  const psi = new Float64Array(n * specs.length);
  const psCache = new Map<string, PanelSample>();
  // cells are cohort-major and a sample belongs to one cohort: when the cohort changes, the
  // previous cohort's samples are never read again and their arrays serve the next ones
  const buffers: SampleBuffers = { free: [] };
  let cacheCohort = NaN;
  const scratch: PanelScratch = { support: undefined, buffers };
  // per cell, the row ranges its ψ column can be non-zero on (panel cells: its 2×2 sample)
  const support: (Int32Array | undefined)[] = [];
  specs.forEach(({ g, t0, cur, pret, pretG, post }, j) => {
    const column = psi.subarray(j * n, (j + 1) * n);
    if (g !== cacheCohort) {
      for (const sample of psCache.values()) releaseSample(sample);
      psCache.clear();
      cacheCohort = g;
    }
    if (!varying && periods[pret] === periods[cur]) {
      // universal base period: the reference cell is 0 by construction
      cells.push({ group: g, time: periods[cur]!, att: 0, post, reference: true });
      support.push(new Int32Array(0)); // ψ ≡ 0
      return;
    }
    const cutoff = p.control === 'notyet' ? periods[Math.max(t0, pret) + tfac]! + p.anticipation : Infinity;
    const cell: Cell = { group: g, time: periods[cur]!, att: NaN, post, reference: false };
    scratch.support = undefined;
    try {
      const att = d.kind === 'panel' ? panelCell(d, p, g, cur, pret, pretG, Math.min(pret, t0), cutoff, psCache, scratch, column) : rcCell(d, p, g, cur, pret, cutoff, column);
      cell.att = att;
    } catch (e) {
      if (!(e instanceof CausalPanelError)) throw e;
      d.notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${periods[cur]})`], reason: `${e.message}; as did` });
    }
    if (Number.isNaN(cell.att)) {
      cell.att = NaN;
      column.fill(NaN);
    }
    support.push(Number.isNaN(cell.att) ? undefined : scratch.support);
    cells.push(cell);
  });
  return { cells, psi, support };
}

/** One panel ATT(g,t): treated = cohort g; controls = cohort > cutoff (≠ g). */
function panelCell(
  d: PanelData,
  p: AttgtParams,
  g: number,
  cur: number,
  pret: number,
  pretG: number,
  covPeriod: number,
  cutoff: number,
  cache: Map<string, PanelSample>,
  scratch: PanelScratch,
  psi: Float64Array,
): number {
  const n = d.n;
  const tStart = d.cohortStart.get(g)!;
  const tEnd = d.cohortEnd.get(g)!;
  // control range: units are sorted by cohort, so cohorts > cutoff (or never treated) form a suffix
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = d.cohort[mid]!;
    if (c > cutoff || c === Infinity) hi = mid;
    else lo = mid + 1;
  }
  const cStart = lo;
  // sample: the treated range, then the control ranges without it
  const ranges: [number, number][] = [[tStart, tEnd]];
  if (cStart < tStart) ranges.push([cStart, tStart]);
  if (Math.max(cStart, tEnd) < n) ranges.push([Math.max(cStart, tEnd), n]);
  if (ranges.length === 1) {
    d.notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${d.periods[cur]})`], reason: 'no comparison units, as did' });
    return NaN;
  }
  // design, treatment indicator, weights and propensity score depend on the sample and on the
  // covariate period only: built once and shared by every period of the cohort
  const invariant = d.covariatesInvariant && d.weightsInvariant;
  const key = `${g}|${cStart}|${invariant ? -1 : covPeriod}`;
  let sample = cache.get(key);
  if (!sample) {
    sample = panelSample(d, p, Int32Array.from(ranges.flat()), tStart, tEnd, covPeriod, pretG, scratch.buffers);
    cache.set(key, sample);
  }
  const att = panelCellAtt(d, p, sample, cur, pret, psi);
  scratch.support = sample.flat;
  return att;
}

/** The support of the last panel cell's ψ (row ranges, flat). */
interface PanelScratch {
  support: Int32Array | undefined;
  /** The call's pool of sample arrays. */
  buffers: SampleBuffers;
}

/** One repeated-cross-section ATT(g,t). */
function rcCell(d: RcData, p: AttgtParams, g: number, cur: number, pret: number, cutoff: number, psi: Float64Array): number {
  const n = d.obs;
  const rows: number[] = [];
  for (let r = 0; r < n; r++) {
    const per = d.period[r]!;
    if (per !== cur && per !== pret) continue;
    const c = d.obsCohort[r]!;
    if (c === g || (p.control === 'never' ? c === Infinity : c > cutoff)) rows.push(r);
  }
  const n1 = rows.length;
  const k = d.k;
  const y = new Float64Array(n1);
  const post = new Float64Array(n1);
  const D = new Float64Array(n1);
  const X = new Float64Array(n1 * k);
  const w = d.w ? new Float64Array(n1) : undefined;
  let c11 = 0;
  let c10 = 0;
  let c01 = 0;
  let c00 = 0;
  rows.forEach((r, i) => {
    y[i] = d.y[r]!;
    post[i] = d.period[r] === cur ? 1 : 0;
    D[i] = d.obsCohort[r] === g ? 1 : 0;
    for (let j = 0; j < k; j++) X[i + j * n1] = d.X[r + j * n]!;
    if (w) w[i] = d.w![r]!;
    if (D[i] === 1) post[i] === 1 ? c11++ : c10++;
    else post[i] === 1 ? c01++ : c00++;
  });
  if (c11 === 0 || c10 === 0 || c01 === 0 || c00 === 0) {
    d.notes.push({ code: 'cells_not_estimated', cells: [`ATT(${g},${d.periods[cur]})`], reason: 'an empty treated or comparison group in one of its periods, as did' });
    return NaN;
  }
  const res = drdidRc({ y, post, D, X, k, weights: w, method: p.method });
  // rescaled by (influence rows)/n₁; an unbalanced panel's observations are summed into their
  // unit's row, in row order (did: id_count/n₁, then rowsum by unit)
  const scale = d.n / n1;
  const unitRow = d.unitRow;
  if (unitRow) rows.forEach((r, i) => (psi[unitRow[r]!] += scale * res.influence[i]!));
  else rows.forEach((r, i) => (psi[r] = scale * res.influence[i]!));
  return res.att;
}
