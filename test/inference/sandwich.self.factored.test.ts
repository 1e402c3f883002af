/**
 * Clustered variance from factored scores (sᵢⱼ = x̃ᵢⱼ·wᵢeᵢ, never materialised) against the
 * materialised n×k scores: cluster sums by hand, and bit-identical one- and two-way CRV1
 * (fixest vcov_cluster_internal conventions, CGM 2011 inclusion–exclusion).
 */
import { describe, expect, it } from 'vitest';
import { clusterScoreSums, vcovClustered } from '../../src/inference/sandwich.js';
import { expectClose } from '../helpers/expectClose.js';

describe('clusterScoreSums / vcovClustered with ScoreFactors (fixest CRV1 meat)', () => {
  const x0 = Float64Array.of(1, 2, 3, 4);
  const x1 = Float64Array.of(0.5, -1, 2, 1);
  const e = Float64Array.of(1, -2, 0.5, 3);
  const codes = Int32Array.of(0, 1, 0, 1);
  const clustering = { name: 'g', codes, nClusters: 2 };
  const scores = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    scores[i] = x0[i]! * e[i]!;
    scores[4 + i] = x1[i]! * e[i]!;
  }

  it('cluster sums by hand: g0 = (1·1 + 3·0.5, 0.5·1 + 2·0.5), g1 = (2·−2 + 4·3, −1·−2 + 1·3)', () => {
    const sums = clusterScoreSums({ columns: [x0, x1], multiplier: e }, 4, 2, clustering);
    expectClose(sums[0]!, 2.5, 0, 'g0 x0');
    expectClose(sums[1]!, 8, 0, 'g1 x0');
    expectClose(sums[2]!, 1.5, 0, 'g0 x1');
    expectClose(sums[3]!, 5, 0, 'g1 x1');
    expect(Array.from(clusterScoreSums({ columns: [x0], multiplier: e }, 4, 1, clustering))).toEqual([2.5, 8]);
  });

  it('one- and two-way CRV1 equal the materialised-scores result bit for bit', () => {
    const bread = Float64Array.of(0.2, -0.05, -0.05, 0.3);
    const other = { name: 'h', codes: Int32Array.of(0, 0, 1, 1), nClusters: 2 };
    for (const clusterings of [[clustering], [clustering, other]]) {
      const a = vcovClustered(bread, { columns: [x0, x1], multiplier: e }, 4, 2, clusterings, { clusterAdj: true, clusterDf: 'min' });
      const b = vcovClustered(bread, scores, 4, 2, clusterings, { clusterAdj: true, clusterDf: 'min' });
      expect(Array.from(a.vcov)).toEqual(Array.from(b.vcov));
    }
  });
});
