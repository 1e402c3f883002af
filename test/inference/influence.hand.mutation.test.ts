/**
 * Influence-function variances (influence.ts) on hand-summed examples: offsets, cluster sums,
 * clusters inferred or given, and the zero-weight skip of combineInfluence. Written to kill
 * surviving mutants (docs/validation.md, "Mutation testing").
 */
import { describe, expect, it } from 'vitest';
import { clusterCodesOption, clusterSums, combineInfluence, influenceSE, influenceVcov } from '../../src/inference/influence.js';
import { thrown } from '../helpers/thrown.js';

describe('influenceSE: √(Σψ²)/n', () => {
  it('whole vector and a slice (offset 1, length 2: √(9 + 16)/2 = 2.5)', () => {
    expect(influenceSE(Float64Array.of(1, -1, 1, -1))).toBe(0.5);
    expect(influenceSE(Float64Array.of(9, 3, 4, 100), 1, 2)).toBe(2.5);
    expect(influenceSE(Float64Array.of(7, 3, 4), 1)).toBe(2.5);
  });
});

describe('clusterSums', () => {
  it('sums rows within clusters, column by column', () => {
    // ψ = [[1, 10], [2, 20], [3, 30]], clusters (1, 0, 1)
    expect(Array.from(clusterSums(Float64Array.of(1, 2, 3, 10, 20, 30), 3, 2, Int32Array.of(1, 0, 1), 2))).toEqual([2, 4, 20, 40]);
  });
  it('a code outside 0..G−1 is invalid_option naming the (1-based) row and code', () => {
    const high = thrown(() => clusterSums(Float64Array.of(1, 2), 2, 1, Int32Array.of(0, 2), 2));
    expect(high.code).toBe('invalid_option');
    expect(high.message).toBe('clusterSums: cluster code out of range (row 2: 2)');
    expect(high.details).toMatchObject({ fn: 'clusterSums', row: 1, value: 2 });
    expect(thrown(() => clusterSums(Float64Array.of(1, 2), 2, 1, Int32Array.of(-1, 0), 2)).details).toMatchObject({ row: 0, value: -1 });
    expect(Array.from(clusterSums(Float64Array.of(1, 2), 2, 1, Int32Array.of(1, 1), 2))).toEqual([0, 3]);
  });
});

describe('influenceVcov: ΨᵀΨ/n², or cluster sums in place of Ψ', () => {
  const psi = Float64Array.of(1, 2, 3, 4, 1, 1, 0, 0);
  it('no clusters: [[30, 3], [3, 2]]/16', () => {
    expect(Array.from(influenceVcov(psi, 4, 2))).toEqual([30 / 16, 3 / 16, 3 / 16, 2 / 16]);
  });
  it('clusters (0, 0, 1, 1): sums [[3, 2], [7, 0]] → [[58, 6], [6, 4]]/16, with G given or inferred', () => {
    const expected = [58 / 16, 6 / 16, 6 / 16, 4 / 16];
    expect(Array.from(influenceVcov(psi, 4, 2, { cluster: Int32Array.of(0, 0, 1, 1), nClusters: 2 }))).toEqual(expected);
    expect(Array.from(influenceVcov(psi, 4, 2, { cluster: Int32Array.of(0, 0, 1, 1) }))).toEqual(expected);
    // an empty extra cluster adds nothing; the scale stays 1/n², not 1/G²
    expect(Array.from(influenceVcov(psi, 4, 2, { cluster: Int32Array.of(0, 0, 1, 1), nClusters: 5 }))).toEqual(expected);
  });
  it('three columns: every entry of the symmetric result is filled', () => {
    // Ψ columns (1, 0, 1, 0), (0, 1, 1, 0), (1, 1, 0, 2): ΨᵀΨ = [[2, 1, 1], [1, 2, 1], [1, 1, 6]]
    const p3 = Float64Array.of(1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 2);
    expect(Array.from(influenceVcov(p3, 4, 3), (v) => v * 16)).toEqual([2, 1, 1, 1, 2, 1, 1, 1, 6]);
  });
  it('the cluster option must be an Int32Array, nClusters a positive integer; unknown keys are refused', () => {
    const notCodes = thrown(() => influenceVcov(psi, 4, 2, { cluster: [0, 0, 1, 1] as never }));
    expect(notCodes.code).toBe('invalid_option');
    expect(notCodes.message).toContain('influenceVcov');
    expect(notCodes.message).toContain('an Int32Array of cluster codes');
    const zero = thrown(() => influenceVcov(psi, 4, 2, { cluster: Int32Array.of(0, 0, 0, 0), nClusters: 0 }));
    expect(zero.code).toBe('invalid_option');
    expect(zero.message).toContain('nClusters');
    expect(thrown(() => influenceVcov(psi, 4, 2, { clusters: Int32Array.of(0, 0, 1, 1) } as never)).code).toBe('unknown_option');
    expect(clusterCodesOption(undefined, { fn: 'f', key: 'cluster' })).toBeUndefined();
  });
});

describe('combineInfluence: Ψw over chosen columns', () => {
  it('weights the chosen columns; a zero weight skips its column, NaNs included', () => {
    const psi = Float64Array.of(1, 2, 3, 4, NaN, NaN);
    expect(Array.from(combineInfluence(psi, 2, [0, 1, 2], [0.5, 2, 0]))).toEqual([6.5, 9]);
    expect(Array.from(combineInfluence(psi, 2, [1], [-1]))).toEqual([-3, -4]);
  });
});
