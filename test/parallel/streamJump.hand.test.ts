/**
 * Block starts in the seeded stream: the generator started from block i's state gives exactly the
 * outputs i·stride, i·stride + 1, … of createRng(seed) (checked against the stream itself, for
 * seeds whose recovered state must be exact and strides of 1 and of real bootstrap blocks).
 */
import { describe, expect, it } from 'vitest';
import { blockStarts } from '../../src/parallel/streamJump.js';
import { createRng, createRngFromState } from '../../src/numerics/random.js';

describe('blockStarts', () => {
  for (const [seed, stride] of [[1, 1], [42, 3], [-7, 1000], [2 ** 40 + 3, 2 * 51 * 13]] as const) {
    it(`seed ${seed}, stride ${stride}: each block continues the one stream`, () => {
      const blocks = 4;
      const starts = blockStarts(seed, blocks, stride);
      const stream = createRng(seed);
      for (let b = 0; b < blocks; b++) {
        const rng = createRngFromState([starts[b * 4]!, starts[b * 4 + 1]!, starts[b * 4 + 2]!, starts[b * 4 + 3]!]);
        for (let i = 0; i < stride; i++) expect(rng.nextUint32()).toBe(stream.nextUint32());
      }
    });
  }
});
