/**
 * The clusters of an `attgt` fit above the unit (did's `clustervars`): one cluster code per row
 * of the influence matrix. did takes the cluster of each unit from its first row and refuses a
 * cluster column that varies within a unit ("Time-varying cluster variables are not supported");
 * so does this. Repeated cross-sections take each observation's cluster.
 * A clustered fit carries the shared `few_clusters` note when clusters are few.
 */
import { CausalPanelError, type Note } from '../../errors.js';
import { checkClusterCount, clusterCodes, type ClusterCodes } from '../../inference/clusters.js';
import { fewClustersNote } from '../../inference/fewClusters.js';
import type { Columns, PanelData, RcData } from './attgtData.js';
import type { AttgtParams } from './attgtOptions.js';

const FN = 'attgt';

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
      // (labels compare with ===: rows with a missing cluster were dropped, so no NaN)
      else if (column[at] !== column[row]) {
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

/**
 * The `few_clusters` note of a clustered fit (the shared rule of `inference/fewClusters.ts`:
 * fewer than 42 clusters, or fewer than 10 holding a treated unit), or null.
 *
 * @example
 * attgtFewClustersNote(clustering, d.cohort); // { code: 'few_clusters', cluster: 'state', clusters: 29, treatedClusters: 13, … } on mpdta
 */
export function attgtFewClustersNote(clustering: ClusterCodes, cohort: Float64Array): Note | null {
  const treated = new Uint8Array(clustering.nClusters);
  for (let i = 0; i < cohort.length; i++) if (Number.isFinite(cohort[i]!)) treated[clustering.codes[i]!] = 1;
  let nTreated = 0;
  for (const t of treated) nTreated += t;
  return fewClustersNote(clustering.name, clustering.nClusters, nTreated);
}
