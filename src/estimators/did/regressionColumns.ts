/**
 * The bridge between a DiD design and `feols`: the design's columns under formula-safe names
 * ({@link RegressionColumns}), the `vcov` option with its cluster columns aliased, and what the
 * estimators read back from the fit (the rows it kept, a term's index, the number of units and
 * clusters over those rows). Shared by did() and eventStudy().
 */
import { factor } from '../../data/factor.js';
import { Frame, type Column } from '../../data/frame.js';
import type { Note } from '../../errors.js';
import { fewClustersNote } from '../../inference/fewClusters.js';
import type { VcovOption, VcovSpec } from '../../inference/vcovSpec.js';
import type { OlsFit } from '../../models/feols.js';
import type { DidData } from './validateDid.js';

/** Names a regression formula can hold without quoting: plain identifiers, none of ours. */
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Builds the columns handed to `feols` under formula-safe names: a user's column keeps its name
 * when it is a plain identifier (so the fit reads naturally), otherwise it gets a generated
 * alias (`cp_v1`, …). Generated columns (`ATT`, event-time dummies) get fresh names. The caller's
 * data is never modified: the columns are collected into a new Frame.
 *
 * @example
 * const b = new RegressionColumns();
 * b.add('first.treat', col); // 'cp_v1'
 * b.add('y', y);             // 'y'
 */
export class RegressionColumns {
  private readonly store: Record<string, Column> = Object.create(null);
  private readonly names: string[] = [];
  private readonly byUserName = new Map<string, string>();
  private counter = 0;

  /** Adds a user column (once) and returns its formula-safe name. */
  add(userName: string, column: Column): string {
    const known = this.byUserName.get(userName);
    if (known !== undefined) return known;
    const alias = SAFE_NAME.test(userName) && !userName.startsWith('cp_') && !(userName in this.store) ? userName : this.fresh('cp_v');
    this.put(alias, column);
    this.byUserName.set(userName, alias);
    return alias;
  }

  /** Adds a generated column under `base` (or a fresh variant if taken) and returns its name. */
  addGenerated(base: string, column: Column): string {
    const name = !(base in this.store) && !this.reservedByUser(base) ? base : this.fresh(`cp_${base.replace(/[^A-Za-z0-9_]/g, '_')}_`);
    this.put(name, column);
    return name;
  }

  /** The collected columns as a Frame. */
  frame(): Frame {
    return new Frame(this.store, this.names);
  }

  private reservedByUser(name: string): boolean {
    for (const alias of this.byUserName.values()) if (alias === name) return true;
    return false;
  }

  private fresh(prefix: string): string {
    let name: string;
    do {
      this.counter += 1;
      name = `${prefix}${this.counter}`;
    } while (name in this.store);
    return name;
  }

  private put(name: string, column: Column): void {
    this.store[name] = column;
    this.names.push(name);
  }
}

/**
 * The feols `vcov` option for a validated spec, with the cluster columns under their aliases.
 *
 * @example vcovForFit({ type: 'CRV1', clusters: ['first.treat'] }, columns, data); // { CRV1: ['cp_v1'] }
 */
export function vcovForFit(spec: VcovSpec, columns: RegressionColumns, data: DidData): VcovOption {
  switch (spec.type) {
    case 'iid':
      return 'iid';
    case 'hetero':
      return spec.hc;
    case 'CRV1':
    case 'CRV3':
    case 'CR2': {
      // A combined term `a^b` aliases each component (names like `first.treat` are not
      // formula-safe) and re-joins them, so feols builds the same combined clustering.
      const aliases = spec.clusters.map((term) =>
        term
          .split('^')
          .map((name) => columns.add(name, data.frame.column(name, data.fn)))
          .join('^'),
      );
      return spec.type === 'CRV1' ? { CRV1: aliases } : spec.type === 'CRV3' ? { CRV3: aliases } : { CR2: aliases };
    }
  }
}

/**
 * Number of clusters of a clustered vcov over `rows` (the smallest dimension for multiway, as
 * fixest reports); NaN when not clustered.
 *
 * @example countClusters({ type: 'CRV1', clusters: ['id'] }, data, data.rows); // 108 on base_did
 */
export function countClusters(spec: VcovSpec, data: DidData, rows: ArrayLike<number>): number {
  if (spec.type !== 'CRV1' && spec.type !== 'CRV3' && spec.type !== 'CR2') return NaN;
  let smallest = Infinity;
  for (const term of spec.clusters) smallest = Math.min(smallest, countDistinct(termCodes(term, data), rows));
  return smallest;
}

/**
 * The few-cluster note of a DiD fit clustered by `spec` over `rows`, with the number of clusters
 * holding a treated row (the clustering with the fewest clusters, for multiway); null when not
 * clustered by CRV1/CRV3 (CR2 applies the correction the note would suggest) or when there are
 * enough clusters (`inference/fewClusters.ts`).
 *
 * @example fewClustersForDid({ type: 'CRV1', clusters: ['grp'] }, data, rows, (row) => treat[row] === 1);
 * // { code: 'few_clusters', cluster: 'grp', clusters: 9, treatedClusters: 5, threshold: 42, treatedThreshold: 10 }
 */
export function fewClustersForDid(spec: VcovSpec, data: DidData, rows: ArrayLike<number>, treated: (row: number) => boolean): Note | null {
  if (spec.type !== 'CRV1' && spec.type !== 'CRV3') return null;
  let best: { clusters: number; treatedClusters: number } | null = null;
  for (const term of spec.clusters) {
    const codes = termCodes(term, data);
    // Codes are dense (0 … levels − 1): a byte per cluster, 1 = seen, 2 = seen with a treated row.
    let levels = 0;
    for (let i = 0; i < codes.length; i++) if (codes[i]! >= levels) levels = codes[i]! + 1;
    const state = new Uint8Array(levels);
    let clusters = 0;
    let treatedClusters = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const c = codes[row]!;
      if (state[c] === 0) { state[c] = 1; clusters++; }
      if (state[c] === 1 && treated(row)) { state[c] = 2; treatedClusters++; }
    }
    if (best === null || clusters < best.clusters) best = { clusters, treatedClusters };
  }
  return fewClustersNote(spec.clusters.join(' & '), best!.clusters, best!.treatedClusters);
}

/** Codes of a cluster term over all rows: a plain column, or the observed combinations of `a^b`. */
function termCodes(term: string, data: DidData): Int32Array {
  const components = term.split('^').map((name) => factor(data.frame.column(name, data.fn), { order: 'appearance' }));
  if (components.length === 1) return components[0]!.codes;
  const index = new Map<string, number>();
  const codes = new Int32Array(data.frame.nrow);
  for (let row = 0; row < codes.length; row++) {
    const key = components.map((c) => c.codes[row]).join(',');
    let code = index.get(key);
    if (code === undefined) {
      code = index.size;
      index.set(key, code);
    }
    codes[row] = code;
  }
  return codes;
}

/**
 * Number of distinct codes among `rows`.
 *
 * @example countDistinct(Int32Array.of(0, 1, 0), [0, 2]); // 1
 */
export function countDistinct(codes: Int32Array, rows: ArrayLike<number>): number {
  // Codes are dense, non-negative factor codes: a byte per level instead of a hash set.
  let levels = 0;
  for (let i = 0; i < rows.length; i++) if (codes[rows[i]!]! >= levels) levels = codes[rows[i]!]! + 1;
  const seen = new Uint8Array(levels);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const c = codes[rows[i]!]!;
    if (seen[c] === 0) { seen[c] = 1; count++; }
  }
  return count;
}

/**
 * Rows of the caller's data used by a fit run on `data.frame.take(subset)`.
 *
 * @example fitRows(fit, Int32Array.of(3, 5, 8)); // the subset rows the fit kept, e.g. Int32Array [3, 8]
 */
export function fitRows(fit: OlsFit, subset: Int32Array): Int32Array {
  const rows = fit.rows;
  if (rows.length === subset.length) return subset;
  return Int32Array.from(rows, (r) => subset[r]!);
}

/**
 * Index of the term `name` in a fit's kept terms, or −1 when it was dropped.
 *
 * @example termIndex(fit, 'ATT'); // 0
 */
export function termIndex(fit: OlsFit, name: string): number {
  const index = fit.terms.indexOf(name);
  if (index < 0 || Number.isNaN(fit.coefficients[index]!)) return -1;
  return index;
}
