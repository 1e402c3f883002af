/**
 * The match matrix of nearest-neighbour matching (MatchIt's `match.matrix`) and what MatchIt
 * derives from it: matching weights (`weights_matrixC`) and subclasses (`mm2subclass`).
 *
 * Dimension symbols: n = units, n1 = treated units, r = ratio.
 */
import { stableOrder } from './stableOrder.js';
import { pow } from '../../numerics/elementary.js';

/**
 * The match matrix: one row per treated unit in data order, `ratio` columns of 0-based rows (−1 = none).
 *
 * @example
 * // treated rows 0 and 3; row 0 matched to 2, row 3 unmatched
 * const mm: MatchMatrix = { treatedRows: Int32Array.of(0, 3), ratio: 1, controls: Int32Array.of(2, -1) };
 */
export interface MatchMatrix {
  /** Row indices of the treated units, in data order (MatchIt's `rownames(match.matrix)`). */
  readonly treatedRows: Int32Array;
  /** Number of columns (the ratio). */
  readonly ratio: number;
  /** n1 × ratio, row-major: `controls[t * ratio + c]` = 0-based row of the c-th match of treated t, or −1. */
  readonly controls: Int32Array;
}

/**
 * MatchIt's matching weights from a match matrix (`weights_matrixC`): a matched treated unit gets
 * 1; each control gets Σ over the treated units it is matched to of 1/(number of matches of that
 * treated unit); control weights are then rescaled to sum to the number of matched controls.
 * Unmatched units get 0. Source: MatchIt 4.5.1 `src/weights_matrixC.cpp`.
 *
 * @example
 * matchWeights({ treatedRows: Int32Array.of(0), ratio: 2, controls: Int32Array.of(1, 2) }, Uint8Array.of(1, 0, 0, 0));
 * // Float64Array [1, 1, 1, 0]
 */
export function matchWeights(matches: MatchMatrix, treat: Uint8Array): Float64Array {
  const n = treat.length;
  const { treatedRows, ratio, controls } = matches;
  const weights = new Float64Array(n);
  for (let t = 0; t < treatedRows.length; t++) {
    let count = 0;
    for (let c = 0; c < ratio; c++) if (controls[t * ratio + c]! >= 0) count++;
    if (count === 0) continue;
    const add = 1 / count;
    for (let c = 0; c < ratio; c++) {
      const unit = controls[t * ratio + c]!;
      if (unit >= 0) weights[unit] = weights[unit]! + add;
    }
    weights[treatedRows[t]!] = 1;
  }
  // Plain left-to-right sums over controls in data order, as the C++ loop.
  let sumControl = 0;
  let matchedControl = 0;
  for (let i = 0; i < n; i++) {
    if (treat[i] === 0) {
      sumControl += weights[i]!;
      if (weights[i]! > 0) matchedControl++;
    }
  }
  if (sumControl > 0) {
    for (let i = 0; i < n; i++) if (treat[i] === 0) weights[i] = (weights[i]! * matchedControl) / sumControl;
  }
  return weights;
}

/**
 * MatchIt's subclass (pair membership) for matching without replacement (`mm2subclass`): each
 * matched treated unit and its controls share a subclass; unmatched units get null.
 *
 * Numbering follows MatchIt. By default (MatchIt ≥ 4.6, `mm2subclassC`) the matched focal units
 * are numbered 1, 2, … in data order. With `textOrder` (MatchIt 4.5.1, `compat: '4.5.1'`) the
 * subclass is first labelled by the treated unit's 1-based row number *as text*, and R's
 * `factor()` sorts those labels as strings ("1" < "10" < "100" < "11" < … < "2"), then renumbers
 * them 1, 2, …; so subclass 2 belongs to row 10 when there are ≥ 10 treated rows.
 *
 * @example
 * matchSubclass({ treatedRows: Int32Array.of(0, 2), ratio: 1, controls: Int32Array.of(1, 3) }, 4);
 * // [1, 1, 2, 2]
 */
export function matchSubclass(matches: MatchMatrix, n: number, textOrder = false): (number | null)[] {
  const { treatedRows, ratio, controls } = matches;
  const matched: number[] = [];
  for (let t = 0; t < treatedRows.length; t++) if (controls[t * ratio]! >= 0) matched.push(t);
  if (!textOrder) return subclassFromNumbers(matches, n, matched, Int32Array.from(matched, (_, i) => i + 1));
  // Text order of positive integers without building strings: compare the digits left-aligned
  // (x·10^(D − digits(x))), then the shorter number first ("1" < "10" < "100" < "11").
  const label = Float64Array.from(matched, (t) => treatedRows[t]! + 1);
  const digits = Float64Array.from(label, (x) => {
    let count = 1;
    for (let v = x; v >= 10; v = Math.floor(v / 10)) count++;
    return count;
  });
  let maxDigits = 1;
  for (const d of digits) if (d > maxDigits) maxDigits = d;
  // One exact integer key (aligned·32 + digits, exact below 2^53: row numbers < 10^14), radix-sorted.
  const key = Float64Array.from(label, (x, i) => x * pow(10, maxDigits - digits[i]!) * 32 + digits[i]!);
  const ranks = stableOrder(key);
  const number = new Int32Array(matched.length);
  ranks.forEach((i, rank) => (number[i] = rank + 1));
  return subclassFromNumbers(matches, n, matched, number);
}

/** Subclass of every unit: focal unit `matched[i]` and its matches get `number[i]`, others null. */
function subclassFromNumbers(matches: MatchMatrix, n: number, matched: readonly number[], number: Int32Array): (number | null)[] {
  const { treatedRows, ratio, controls } = matches;
  const subclass: (number | null)[] = new Array<number | null>(n).fill(null);
  matched.forEach((t, i) => {
    const s = number[i]!;
    subclass[treatedRows[t]!] = s;
    for (let c = 0; c < ratio; c++) {
      const unit = controls[t * ratio + c]!;
      if (unit >= 0) subclass[unit] = s;
    }
  });
  return subclass;
}
