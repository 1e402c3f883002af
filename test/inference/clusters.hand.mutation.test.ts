/**
 * Cluster coding (clusters.ts) on both of its paths — the dense lookup table and the Map — with
 * missing values, row subsets, negative and non-integral codes, and intersections, against codes
 * written out by hand. Written to kill surviving mutants (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { checkClusterCount, clusterCodes, combinedClusters, intersectClusters, isCycleNestedIn, isNestedIn, type ClusterCodes } from '../../src/inference/clusters.js';
import { thrown } from '../helpers/thrown.js';

const codesOf = (c: ClusterCodes) => [Array.from(c.codes), c.nClusters];

describe('clusterCodes: dense codes in order of first appearance', () => {
  it('integers (table path), negative ones included', () => {
    expect(codesOf(clusterCodes('id', Float64Array.of(7, 3, 7, 5)))).toEqual([[0, 1, 0, 2], 3]);
    expect(codesOf(clusterCodes('id', Float64Array.of(-3, 5, -3, 0)))).toEqual([[0, 1, 0, 2], 3]);
  });
  it('a row subset reads only those rows, in that order', () => {
    expect(codesOf(clusterCodes('id', Float64Array.of(7, 3, 7, 5), [3, 2, 0]))).toEqual([[0, 1, 1], 2]);
    expect(codesOf(clusterCodes('id', Float64Array.of(0.5, 3, 1.5, 9), [2, 0, 2]))).toEqual([[0, 1, 0], 2]);
    expect(codesOf(clusterCodes('s', ['a', 'b', 'c'], [2, 2, 1]))).toEqual([[0, 0, 1], 2]);
    // the range that sizes the lookup table is taken over the subset, not the first rows
    expect(codesOf(clusterCodes('id', Float64Array.of(1, 2, 50), [2, 2]))).toEqual([[0, 0], 1]);
  });
  it('NaN is missing (−1) and is not a cluster, on both paths', () => {
    expect(codesOf(clusterCodes('id', Float64Array.of(NaN, 4, 4, NaN, 2)))).toEqual([[-1, 0, 0, -1, 1], 2]);
    expect(codesOf(clusterCodes('id', Float64Array.of(0.5, NaN, 1.5, 0.5)))).toEqual([[0, -1, 1, 0], 2]);
  });
  it('non-integral values and a huge range take the Map path with the same coding', () => {
    expect(codesOf(clusterCodes('x', Float64Array.of(0.5, 1.5, 0.5, 2.25)))).toEqual([[0, 1, 0, 2], 3]);
    expect(codesOf(clusterCodes('x', Float64Array.of(0, 1e9, 0, -1e9)))).toEqual([[0, 1, 0, 2], 3]);
    expect(codesOf(clusterCodes('x', Float64Array.of(3, 3.5, 3)))).toEqual([[0, 1, 0], 2]);
  });
  it('text: null is missing', () => {
    expect(codesOf(clusterCodes('s', ['a', null, 'b', 'a']))).toEqual([[0, -1, 1, 0], 2]);
    expect(clusterCodes('s', ['a']).name).toBe('s');
  });
});

describe('intersectClusters and combinedClusters', () => {
  const a = clusterCodes('a', Float64Array.of(1, 1, 2, 2, NaN));
  const b = clusterCodes('b', Float64Array.of(1, 2, 2, 2, 1));
  const c = clusterCodes('c', Float64Array.of(1, 1, 1, 2, 1));
  it('one clustering is returned as is', () => {
    expect(intersectClusters([a])).toBe(a);
  });
  it('pairs: a missing component makes the row missing', () => {
    const ab = intersectClusters([a, b]);
    expect(codesOf(ab)).toEqual([[0, 1, 2, 2, -1], 3]);
    expect(ab.name).toBe('a & b');
    // missing in the second clustering only
    expect(codesOf(intersectClusters([b, a]))).toEqual([[0, 1, 2, 2, -1], 3]);
    const abc = intersectClusters([a, b, c]);
    expect(codesOf(abc)).toEqual([[0, 1, 2, 3, -1], 4]);
    expect(abc.name).toBe('a & b & c');
  });
  it('the Map path (G_a·G_b beyond the table size) codes the same', () => {
    const wideA: ClusterCodes = { name: 'a', codes: Int32Array.of(0, 1999, 0, 5, -1), nClusters: 2000 };
    const wideB: ClusterCodes = { name: 'b', codes: Int32Array.of(7, 7, 7, 7, 7), nClusters: 3000 };
    expect(codesOf(intersectClusters([wideA, wideB]))).toEqual([[0, 1, 0, 2, -1], 3]);
    const wideC: ClusterCodes = { name: 'c', codes: Int32Array.of(0, 0, 1, 0, 0), nClusters: 3000 };
    expect(codesOf(intersectClusters([wideA, wideC]))).toEqual([[0, 1, 2, 3, -1], 4]);
    expect(codesOf(intersectClusters([wideC, { name: 'd', codes: Int32Array.of(0, 0, 0, -1, 1), nClusters: 2 }]))).toEqual([[0, 0, 1, -1, 2], 3]);
    // pair keys a·G_b + b must not collide: (0, 1) and (G_b, 0) are different clusters
    const wideD: ClusterCodes = { name: 'd', codes: Int32Array.of(0, 2000, 0), nClusters: 3000 };
    const wideE: ClusterCodes = { name: 'e', codes: Int32Array.of(1, 0, 1), nClusters: 2000 };
    expect(codesOf(intersectClusters([wideD, wideE]))).toEqual([[0, 1, 0], 2]);
  });
  it("combinedClusters: fixest's a^b name on the intersection", () => {
    const ab = combinedClusters('a^b', [a, b]);
    expect(ab.name).toBe('a^b');
    expect(codesOf(ab)).toEqual([[0, 1, 2, 2, -1], 3]);
  });
});

describe('isNestedIn and checkClusterCount', () => {
  const g = clusterCodes('g', Float64Array.of(5, 5, 6, 6));
  it('nested when every level sits in one cluster; missing levels are skipped', () => {
    expect(isNestedIn(Int32Array.of(0, 0, 1, 2), 3, g)).toBe(true);
    expect(isNestedIn(Int32Array.of(0, 1, 1, 2), 3, g)).toBe(false);
    expect(isNestedIn(Int32Array.of(-1, 0, 1, 1), 2, g)).toBe(true);
    expect(isNestedIn(Int32Array.of(0, -1, 0, 1), 2, g)).toBe(false);
  });
  it('fewer than two clusters is too_few_clusters naming the column', () => {
    const error = thrown(() => checkClusterCount(clusterCodes('id', Float64Array.of(1, 1)), 'feols'));
    expect(error.code).toBe('too_few_clusters');
    expect(error.message).toBe('feols: clustering by "id" needs at least 2 clusters (found 1)');
    expect(error.details).toMatchObject({ fn: 'feols', column: 'id', value: 1 });
    expect(() => checkClusterCount(clusterCodes('id', Float64Array.of(1, 2)), 'feols')).not.toThrow();
  });
});

describe('isCycleNestedIn = isNestedIn on the codes i mod period', () => {
  it('agrees on nested, not nested and late-breaking clusterings', () => {
    const period = 3;
    const rows = 12;
    const codes = Int32Array.from({ length: rows }, (_, i) => i % period);
    const clusterings = [
      clusterCodes('a', Float64Array.from({ length: rows }, (_, i) => i % period)),
      clusterCodes('b', Float64Array.from({ length: rows }, (_, i) => Math.floor(i / period))),
      clusterCodes('c', Float64Array.from({ length: rows }, (_, i) => (i === rows - 1 ? 9 : i % period))),
      clusterCodes('d', Float64Array.from({ length: rows }, () => 1)),
    ];
    const expected = [true, false, false, true];
    clusterings.forEach((g, j) => {
      expect(isNestedIn(codes, period, g)).toBe(expected[j]);
      expect(isCycleNestedIn(period, rows, g)).toBe(expected[j]);
    });
  });
});

describe('isCycleNestedIn with clusters in blocks (codes ⌊i/B⌋ not read)', () => {
  it('agrees with isNestedIn on the built codes', () => {
    for (const [period, B, rows] of [[3, 3, 12], [2, 6, 12], [4, 2, 8], [1, 4, 8]] as const) {
      const codes = Int32Array.from({ length: rows }, (_, i) => Math.floor(i / B));
      const clustering = { name: 'b', get codes(): Int32Array { throw new Error('read'); }, nClusters: rows / B, blocks: { length: B } };
      const levels = Int32Array.from({ length: rows }, (_, i) => i % period);
      expect(isCycleNestedIn(period, rows, clustering)).toBe(isNestedIn(levels, period, { name: 'b', codes, nClusters: rows / B }));
    }
  });
});
