/**
 * The clusters of an `attgt` fit above the unit (did's `clustervars`): one cluster code per row
 * of the influence matrix. did takes the cluster of each unit from its first row and refuses a
 * cluster column that varies within a unit ("Time-varying cluster variables are not supported");
 * so does this. Repeated cross-sections take each observation's cluster.
 *
 * The few-cluster warning follows the rule of thumb of Cameron & Miller (2015, J. Human
 * Resources 50(2), §VI): cluster-robust inference needs many clusters — fewer than 42 in all, or
 * fewer than 10 treated, is noted.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { checkClusterCount, clusterCodes, type ClusterCodes } from '../../inference/clusters.js';
import type { Columns, PanelData, RcData } from './attgtData.js';
import type { AttgtParams } from './attgtOptions.js';

const FN = 'attgt';

/** Fewer clusters than this, or fewer treated clusters than {@link FEW_TREATED}, get a note. */
export const FEW_CLUSTERS = 42;
/** Fewer treated clusters than this get a note. */
export const FEW_TREATED = 10;

/**
 * Cluster codes of the influence rows (units, or observations of repeated cross-sections), or
 * undefined when the fit is clustered by unit.
 *
 * @throws {CausalPanelError} `invalid_option` when the cluster varies within a unit,
 *   `too_few_clusters` with a single cluster
 * @example
 * influenceClusters(cols, params, d)?.nClusters; // 29 states on mpdta with clusters: 'state'
 */
export function influenceClusters(cols: Columns, p: AttgtParams, d: PanelData | RcData): ClusterCodes | undefined {
  const name = p.clusters;
  const column = cols.clusterCol;
  if (name === undefined || column === undefined) return undefined;
  let clustering: ClusterCodes;
  if (d.kind === 'rc' && d.unitRow === undefined) {
    // repeated cross-sections: ids are the input rows
    clustering = clusterCodes(name, column, Int32Array.from(d.ids as number[]));
  } else {
    const unitCol = cols.unitCol!;
    // one cluster per unit (the first row's), checked constant over the unit's rows
    const first = new Map<number | string | null, number>();
    const keep = cols.keep;
    for (let r = 0; r < keep.length; r++) {
      const row = keep[r]!;
      const unit = unitCol[row]!;
      const at = first.get(unit);
      if (at === undefined) first.set(unit, row);
      else if (!sameLabel(column[at]!, column[row]!)) {
        throw new CausalPanelError('invalid_option', `${FN}: cluster column "${name}" must be constant within each unit, but unit ${unit} has ${column[at]} and ${column[row]} (row ${row + 1}; as did: time-varying cluster variables are not supported)`, {
          fn: FN,
          column: name,
          row,
          value: column[row],
        });
      }
    }
    const rows = Int32Array.from(d.ids, (id) => first.get(id)!);
    clustering = clusterCodes(name, column, rows);
  }
  checkClusterCount(clustering, FN);
  return clustering;
}

/** Equal labels (NaN never occurs: rows with a missing cluster were dropped). */
function sameLabel(a: number | string | null, b: number | string | null): boolean {
  return a === b;
}

/**
 * The few-cluster note of a clustered fit: fewer than {@link FEW_CLUSTERS} clusters, or fewer
 * than {@link FEW_TREATED} clusters holding a treated unit; null when there are enough.
 *
 * @example
 * fewClustersNote(clustering, d.cohort); // { code: 'few_clusters', clusters: 29, treatedClusters: 21, … } on mpdta by state
 */
export function fewClustersNote(clustering: ClusterCodes, cohort: Float64Array): Note | null {
  const treated = new Uint8Array(clustering.nClusters);
  for (let i = 0; i < cohort.length; i++) if (Number.isFinite(cohort[i]!)) treated[clustering.codes[i]!] = 1;
  let nTreated = 0;
  for (const t of treated) nTreated += t;
  if (clustering.nClusters >= FEW_CLUSTERS && nTreated >= FEW_TREATED) return null;
  return {
    code: 'design_adjusted',
    message: `Few clusters: ${clustering.nClusters} clusters of "${clustering.name}", ${nTreated} with treated units (cluster-robust SEs and the multiplier bootstrap need many clusters; below ${FEW_CLUSTERS} clusters or ${FEW_TREATED} treated clusters they can be unreliable).`,
  };
}
