/**
 * clusterMeat with two factored score columns on clusters that come as one run each in code
 * order (data sorted by the cluster) takes a streaming path with no g×k array: it must give bit
 * for bit Σ_g ŝ_g ŝ_gᵀ from clusterScoreSums, summed in cluster order (the general path), and
 * fall back to the general path as soon as the pattern breaks.
 */
import { describe, expect, it } from 'vitest';
import { clusterMeat, clusterScoreSums } from '../../src/inference/sandwich.js';
import { createRng } from '../../src/numerics/random.js';

function reference(columns: Float64Array[], multiplier: Float64Array, codes: Int32Array, g: number): number[] {
  const n = codes.length;
  const sums = clusterScoreSums({ columns, multiplier }, n, 2, { name: 'c', codes, nClusters: g });
  const meat = [0, 0, 0, 0];
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let c = 0; c < g; c++) s += sums[c + a * g]! * sums[c + b * g]!;
      meat[a + b * 2] = s;
      meat[b + a * 2] = s;
    }
  }
  return meat;
}

describe('clusterMeat: clusters in contiguous runs', () => {
  const rng = createRng(5);
  const n = 5000;
  const columns = [0, 1].map(() => Float64Array.from({ length: n }, () => rng.normal()));
  const multiplier = Float64Array.from({ length: n }, () => rng.normal());
  it('sorted clusters of unequal sizes: bit for bit the general sums', () => {
    const codes = new Int32Array(n);
    let c = 0;
    for (let i = 1; i < n; i++) codes[i] = rng.uniform() < 0.2 ? ++c : c;
    const meat = clusterMeat({ columns, multiplier }, n, 2, { name: 'c', codes, nClusters: c + 1 });
    const expected = reference(columns, multiplier, codes, c + 1);
    for (let j = 0; j < 4; j++) expect(Object.is(meat[j], expected[j])).toBe(true);
  });
  it('a cluster revisited later (not one run each): the general path, same result as the reference', () => {
    const codes = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10) % 137);
    const meat = clusterMeat({ columns, multiplier }, n, 2, { name: 'c', codes, nClusters: 137 });
    const expected = reference(columns, multiplier, codes, 137);
    for (let j = 0; j < 4; j++) expect(Object.is(meat[j], expected[j])).toBe(true);
  });
  it('runs out of code order in the middle (first and last codes fit the pattern): the general path', () => {
    const codes = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10));
    for (let i = 2000; i < 2010; i++) codes[i] = 201; // rows of cluster 200 coded 201, then 201's own run
    const g = n / 10;
    const meat = clusterMeat({ columns, multiplier }, n, 2, { name: 'c', codes, nClusters: g });
    const expected = reference(columns, multiplier, codes, g);
    for (let j = 0; j < 4; j++) expect(Object.is(meat[j], expected[j])).toBe(true);
  });
});

describe('clusterMeat: clusters marked as blocks of B rows (codes ⌊i/B⌋)', () => {
  it('gives the bits of the general path without reading the codes', () => {
    const rng = createRng(6);
    const B = 7;
    const g = 300;
    const n = B * g;
    const columns = [0, 1].map(() => Float64Array.from({ length: n }, () => rng.normal()));
    const multiplier = Float64Array.from({ length: n }, () => rng.normal());
    const codes = Int32Array.from({ length: n }, (_, i) => Math.floor(i / B));
    let reads = 0;
    const clustering = { name: 'c', get codes(): Int32Array { reads++; return codes; }, nClusters: g, blocks: { length: B } };
    const meat = clusterMeat({ columns, multiplier }, n, 2, clustering);
    expect(reads).toBe(0);
    expect(Array.from(meat)).toEqual(reference(columns, multiplier, codes, g));
  });
});
