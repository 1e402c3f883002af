/**
 * The few-cluster warning every clustered result carries. Cluster-robust t tests need many
 * clusters: with fewer than 42 (Angrist & Pischke 2009, *Mostly Harmless Econometrics* §8.2.3;
 * Cameron & Miller 2015, J. Human Resources 50(2):317–372, §VI, where "few" is 20–50), CRV1
 * standard errors are biased down and t(G − 1) tests over-reject; with fewer than 10 clusters
 * holding treated units they over-reject badly whatever the total (MacKinnon & Webb 2017,
 * J. Applied Econometrics 32(2):233–254; 2018, Econometrics Journal 21(2):114–135). The note
 * suggests CR2 with Satterthwaite degrees of freedom (Bell & McCaffrey 2002; Imbens & Kolesár
 * 2016; Pustejovsky & Tipton 2018) or the wild cluster bootstrap. CR2 results carry no note: the
 * correction the note suggests is already applied, and their Satterthwaite df shrink with the
 * effective number of clusters, treated ones included.
 */
import type { Note } from '../errors.js';

/** Fewer clusters than this get a note. */
export const FEW_CLUSTERS = 42;
/** Fewer clusters with treated units than this get a note. */
export const FEW_TREATED_CLUSTERS = 10;

/**
 * The `few_clusters` note of a clustered result, or null when there are enough clusters.
 *
 * @param cluster the clustering's name (`id`, `id & period`)
 * @param clusters its number of clusters (the smallest dimension for multiway)
 * @param treatedClusters clusters holding a treated unit, where the estimator knows the treatment
 * @example
 * fewClustersNote('grp', 9);       // { code: 'few_clusters', cluster: 'grp', clusters: 9, threshold: 42, treatedThreshold: 10 }
 * fewClustersNote('state', 50, 4); // { code: 'few_clusters', …, treatedClusters: 4 }
 * fewClustersNote('id', 108, 50);  // null
 */
export function fewClustersNote(cluster: string, clusters: number, treatedClusters?: number): Note | null {
  const few = clusters < FEW_CLUSTERS;
  const fewTreated = treatedClusters !== undefined && treatedClusters < FEW_TREATED_CLUSTERS;
  if (!few && !fewTreated) return null;
  return {
    code: 'few_clusters',
    cluster,
    clusters,
    ...(treatedClusters !== undefined ? { treatedClusters } : {}),
    threshold: FEW_CLUSTERS,
    treatedThreshold: FEW_TREATED_CLUSTERS,
  };
}
