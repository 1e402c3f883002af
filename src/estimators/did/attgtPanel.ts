/**
 * The balanced panel of `attgt`, as did 2.5.1's `pre_process_did2` builds it: the cohort must be
 * constant within a unit (did: "The treatment must be irreversible"), a unit seen twice in a
 * period is an error, units treated in the first period (+ anticipation) and units with gaps are
 * dropped (noted) — or, with `allowUnbalanced`, a panel with gaps goes to did's unbalanced-panel
 * path (`prepareRc` with unit ids) — and the rest is reshaped once into unit × period `Float64Array`s with units
 * sorted by (cohort, id), so that every treated or comparison group is a contiguous range.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { checkGroupSizes, prepareRc, type Columns, type PanelData, type RcData, type Sample } from './attgtData.js';
import type { AttgtParams } from './attgtOptions.js';
import { codePanelDirect, codePanelFactors, codePanelSorted, type Inconsistent } from './attgtPanelCoding.js';

const FN = 'attgt';

/**
 * The balanced panel of the kept rows (see the file header).
 *
 * @throws {CausalPanelError} `invalid_option` (cohort varying within a unit, a unit seen twice in
 *   a period), `no_rows_left`, `no_treated_units`, `no_control_units`
 * @example
 * const d = preparePanel(cols, params, selectSample(cols, params));
 * d.n; // 500 units on mpdta; d.Y is 500 × 5
 */
export function preparePanel(cols: Columns, p: AttgtParams, sample: Sample): PanelData | RcData {
  const { w, lastTreat, excludeFrom } = sample;
  const notes = cols.notes;
  // cohort per unit, the duplicate check and the gap counts in one pass over the rows
  const inconsistent: Inconsistent = (row, unitId, prev, c) => {
    throw new CausalPanelError(
      'invalid_option',
      `${FN}: column "${p.cohort}" must be constant within each unit (the treatment is irreversible), but unit ${unitId} has ${prev === Infinity ? 0 : prev} and ${c === Infinity ? 0 : c} (row ${row + 1})`,
      { fn: FN, column: p.cohort, row, value: c },
    );
  };
  const coding = codePanelSorted(cols, sample) ?? codePanelDirect(cols, sample.keep, inconsistent) ?? codePanelFactors(cols, sample.keep, inconsistent);
  const { cohortRaw, counts, duplicate, periods } = coding;
  let nU = coding.nU;
  const nT = coding.nT;
  // cohorts after the last period (+ anticipation) are never treated within the sample;
  // units already treated in the first period have no pre-period: dropped, as did
  const { cohortU, drop, early } = unitCohorts(cohortRaw, nU, lastTreat, periods[0]! + p.anticipation);
  if (early > 0) notes.push({ code: 'units_dropped', count: early, reason: `already treated in the first period${p.anticipation > 0 ? ` (anticipation ${p.anticipation})` : ''}` });
  if (duplicate >= 0) {
    const u = coding.units[coding.unitOf(duplicate)];
    const t = periods[coding.periodOf(duplicate)];
    throw new CausalPanelError('invalid_option', `${FN}: unit ${u} is observed more than once in period ${t}`, { fn: FN, value: u });
  }
  // an unbalanced panel with allowUnbalanced: did's repeated cross-section path with unit ids
  if (p.allowUnbalanced && hasGaps(counts, drop, nU, nT)) return unbalancedPanel(cols, p, sample, coding, drop);
  // units with gaps are dropped (did's balancing, its default allow_unbalanced_panel = FALSE)
  const gaps = dropGaps(counts, drop, nU, nT);
  if (gaps > 0) notes.push({ code: 'units_dropped', count: gaps, reason: 'missing in some periods (panel balanced by dropping them, as did; allowUnbalanced: true keeps them)' });
  // every period must still be observed; otherwise re-index on the remaining rows (rare)
  if (early + gaps > 0) {
    const seenPeriod = new Uint8Array(nT);
    const keep = sample.keep;
    for (let r = 0; r < keep.length; r++) if (drop[coding.unitOf(r)] === 0) seenPeriod[coding.periodOf(r)] = 1;
    if (seenPeriod.some((s) => s === 0)) {
      const kept = filterPositions(keep, (r) => drop[coding.unitOf(r)] === 0);
      if (kept.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no units left after dropping units treated in the first period or with gaps`, { fn: FN });
      return preparePanel(cols, p, { w, lastTreat, excludeFrom, keep: kept, keepIsColumns: false });
    }
  }
  // order the kept units by (cohort, id): every cohort is then a contiguous range
  const { cohortValues, unitSlot } = cohortSlots(cohortU, nU);
  const order = cohortValues.map((_, j) => j).sort((a, b) => cohortValues[a]! - cohortValues[b]!);
  const rankOfSlot = new Int32Array(cohortValues.length);
  order.forEach((j, r) => (rankOfSlot[j] = r));
  remapSlots(unitSlot, rankOfSlot, nU);
  cohortValues.sort((a, b) => a - b);
  const bucketCount = new Int32Array(cohortValues.length + 1);
  const nKept = countBuckets(unitSlot, drop, nU, bucketCount);
  if (nKept === 0) throw new CausalPanelError('no_rows_left', `${FN}: no units left after dropping units treated in the first period or with gaps`, { fn: FN });
  for (let j = 1; j < bucketCount.length; j++) bucketCount[j] += bucketCount[j - 1]!;
  const cohortStart = new Map<number, number>();
  const cohortEnd = new Map<number, number>();
  cohortValues.forEach((c, j) => {
    if (bucketCount[j + 1]! > bucketCount[j]!) {
      cohortStart.set(c, bucketCount[j]!);
      cohortEnd.set(c, bucketCount[j + 1]!);
    }
  });
  const rank = new Int32Array(nU).fill(-1);
  const fillPos = bucketCount.slice(0, cohortValues.length);
  const cohort = new Float64Array(nKept);
  // a copy of the ids (same element kind), every slot overwritten by placeUnits: one allocation, no transition
  const ids: (number | string)[] = coding.units.slice(0, nKept);
  placeUnits(drop, unitSlot, fillPos, cohortU, coding.units, nU, rank, cohort, ids);
  nU = nKept;
  // unit × period matrices (column-major by period), filled by one scatter pass over the rows
  const Y = new Float64Array(nU * nT);
  // covariates constant within every unit (checked on the rows when the coder can): period 0 only
  const compactX = cols.xs.length > 0 && coding.invariantCovariates ? coding.invariantCovariates(rank, nU) : null;
  const Xs = compactX ?? cols.xs.map(() => new Float64Array(nU * nT));
  const W = w ? new Float64Array(nU * nT) : undefined;
  const nobs = coding.scatter(rank, nU, Y, compactX ? [] : Xs, W, w);
  const covariatesInvariant = compactX !== null || Xs.every((M) => timeInvariant(M, nU, nT));
  const weightsInvariant = W ? timeInvariant(W, nU, nT) : true;
  const glist = [...cohortStart.keys()].filter((c) => Number.isFinite(c) && c > periods[0]! + p.anticipation && c < excludeFrom);
  if (glist.length === 0) {
    throw new CausalPanelError('no_treated_units', `${FN}: no treated cohort with a pre-treatment period (cohort column "${p.cohort}": first treated period, 0 = never treated)`, { fn: FN, column: p.cohort });
  }
  checkGroupSizes(cohortStart, cohortEnd, p.covariates.length, p, notes);
  // cohort shares use each unit's first-period weight, as did's time-invariant data
  const weightsU = W ? W.slice(0, nU) : new Float64Array(nU).fill(1);
  return { kind: 'panel', n: nU, nobs, ids, periods, glist: Float64Array.from(glist), cohort, weights: weightsU, notes, Y, Xs, covariatesInvariant, W, weightsInvariant, cohortStart, cohortEnd };
}

/** Rows keep[r] for the positions r where `test(r)` holds. */
function filterPositions(keep: Int32Array, test: (r: number) => boolean): Int32Array {
  const out = new Int32Array(keep.length);
  let m = 0;
  for (let r = 0; r < keep.length; r++) if (test(r)) out[m++] = keep[r]!;
  return out.slice(0, m);
}

// The per-unit loops of preparePanel, each in a small function of its own (docs/numerics.md, attgt).

/** Cohort per unit (after lastTreat → never), and the units treated by `firstLimit` (dropped). */
function unitCohorts(cohortRaw: Float64Array, nU: number, lastTreat: number, firstLimit: number): { cohortU: Float64Array; drop: Uint8Array; early: number } {
  const cohortU = new Float64Array(nU);
  const drop = new Uint8Array(nU);
  let early = 0;
  for (let u = 0; u < nU; u++) {
    const raw = cohortRaw[u]!;
    const c = raw > lastTreat ? Infinity : raw;
    cohortU[u] = c;
    if (Number.isFinite(c) && c <= firstLimit) {
      drop[u] = 1;
      early++;
    }
  }
  return { cohortU, drop, early };
}

/** Whether a kept unit is missing in some period. */
function hasGaps(counts: Int32Array, drop: Uint8Array, nU: number, nT: number): boolean {
  for (let u = 0; u < nU; u++) if (counts[u] !== nT && drop[u] === 0) return true;
  return false;
}

/**
 * did's unbalanced panel (`allow_unbalanced_panel = TRUE` on a panel with gaps): the kept rows
 * as repeated cross-sections whose influence functions are summed by unit (`prepareRc` with
 * each row's unit code).
 */
function unbalancedPanel(cols: Columns, p: AttgtParams, sample: Sample, coding: { units: (number | string)[]; unitOf(r: number): number }, drop: Uint8Array): RcData {
  const keep = sample.keep;
  const code = new Int32Array(cols.y.length).fill(-1);
  for (let r = 0; r < keep.length; r++) code[keep[r]!] = coding.unitOf(r);
  const kept = filterPositions(keep, (r) => drop[coding.unitOf(r)] === 0);
  if (kept.length === 0) throw new CausalPanelError('no_rows_left', `${FN}: no units left after dropping units treated in the first period`, { fn: FN });
  cols.notes.push({ code: 'design_adjusted', message: 'Unbalanced panel: estimated with the repeated cross-section 2×2s and influence functions summed by unit (as did with allow_unbalanced_panel = TRUE).' });
  return prepareRc(cols, p, { w: sample.w, lastTreat: sample.lastTreat, excludeFrom: sample.excludeFrom, keep: kept, keepIsColumns: false }, { code, ids: coding.units });
}

/** Marks the units not seen in every period as dropped; returns how many were newly dropped. */
function dropGaps(counts: Int32Array, drop: Uint8Array, nU: number, nT: number): number {
  let gaps = 0;
  for (let u = 0; u < nU; u++) {
    if (counts[u] !== nT && drop[u] === 0) {
      drop[u] = 1;
      gaps++;
    }
  }
  return gaps;
}

/** Distinct cohorts in order of appearance and each unit's index among them (a short scan: cohorts are few). */
function cohortSlots(cohortU: Float64Array, nU: number): { cohortValues: number[]; unitSlot: Int32Array } {
  const cohortValues: number[] = [];
  const unitSlot = new Int32Array(nU);
  for (let u = 0; u < nU; u++) {
    const c = cohortU[u]!;
    let j = 0;
    while (j < cohortValues.length && cohortValues[j] !== c) j++;
    if (j === cohortValues.length) cohortValues.push(c);
    unitSlot[u] = j;
  }
  return { cohortValues, unitSlot };
}

/** unitSlot[u] = rankOfSlot[unitSlot[u]] (a per-unit loop in a function of its own). */
function remapSlots(unitSlot: Int32Array, rankOfSlot: Int32Array, nU: number): void {
  for (let u = 0; u < nU; u++) unitSlot[u] = rankOfSlot[unitSlot[u]!]!;
}

/** bucketCount[slot + 1] += 1 per kept unit; returns the number of kept units. */
function countBuckets(unitSlot: Int32Array, drop: Uint8Array, nU: number, bucketCount: Int32Array): number {
  let nKept = 0;
  for (let u = 0; u < nU; u++) {
    if (drop[u] === 0) {
      bucketCount[unitSlot[u]! + 1]++;
      nKept++;
    }
  }
  return nKept;
}

/** Each kept unit's rank in (cohort, id) order, with its cohort and id at that rank. */
function placeUnits(
  drop: Uint8Array,
  unitSlot: Int32Array,
  fillPos: Int32Array,
  cohortU: Float64Array,
  unitIds: readonly (number | string)[],
  nU: number,
  rank: Int32Array,
  cohort: Float64Array,
  ids: (number | string)[],
): void {
  for (let u = 0; u < nU; u++) {
    if (drop[u] === 1) continue;
    const r = fillPos[unitSlot[u]!]!++;
    rank[u] = r;
    cohort[r] = cohortU[u]!;
    ids[r] = unitIds[u]!;
  }
}

/** Whether every period's column of the n × T matrix M equals the first. */
function timeInvariant(M: Float64Array, nU: number, nT: number): boolean {
  for (let tt = 1; tt < nT; tt++) {
    const o = tt * nU;
    for (let u = 0; u < nU; u++) if (M[o + u] !== M[u]) return false;
  }
  return true;
}
