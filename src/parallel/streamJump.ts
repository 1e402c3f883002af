/**
 * Where a block of replicates starts in the one seeded stream, so that workers draw exactly the
 * numbers the single-threaded loop draws. xoshiro128**'s state update is linear over GF(2) (xors,
 * shifts and rotations of its four words), so advancing it by m outputs is a 128×128 bit matrix
 * Tᵐ applied to the state (Blackman & Vigna 2018, §7 "jumping"), computed by repeated squaring.
 * The state behind `createRng(seed)` is recovered from the stream itself: its output
 * rotl(s₁·5, 7)·9 is invertible, so each output gives the word s₁ — a linear function of the
 * initial state — and 8 outputs give more than the 128 independent equations that pin the state
 * down (the seeding stays in one place, numerics/random.ts).
 *
 * Used for replicate loops whose draw b takes a fixed number of outputs (Rademacher, Mammen and
 * Webb weights: one uniform, two outputs, per weight); normal weights (a rejection method) are
 * drawn by the caller instead.
 */
import { CausalPanelError } from '../errors.js';
import { createRng } from '../numerics/random.js';

/** A 128-bit state as words [s0, s1, s2, s3]; a matrix as its 128 columns (column c = image of bit c). */
type Bits = Int32Array;

/** One xoshiro128** state update (the output is irrelevant here), as numerics/random.ts. */
function step(s: Bits): Bits {
  let [s0, s1, s2, s3] = s as unknown as [number, number, number, number];
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  return Int32Array.of(s0, s1, s2, s3);
}

function bit(v: Bits, c: number): number {
  return (v[c >>> 5]! >>> (c & 31)) & 1;
}

/** out[o..o+4) = M·v[vo..vo+4). */
function applyInto(M: Bits, v: Bits, vo: number, out: Bits, o: number): void {
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  for (let c = 0; c < 128; c++) {
    if (((v[vo + (c >>> 5)]! >>> (c & 31)) & 1) === 0) continue;
    const m = c * 4;
    w0 ^= M[m]!;
    w1 ^= M[m + 1]!;
    w2 ^= M[m + 2]!;
    w3 ^= M[m + 3]!;
  }
  out[o] = w0;
  out[o + 1] = w1;
  out[o + 2] = w2;
  out[o + 3] = w3;
}

/** M·v. */
function apply(M: Bits, v: Bits): Bits {
  const out = new Int32Array(4);
  applyInto(M, v, 0, out, 0);
  return out;
}

/**
 * A·B (column c of the product is A applied to column c of B), by the "four Russians" method: the
 * xors of A's columns for every byte value are tabulated once (16 tables of 256), so each of the
 * 128 products takes 16 lookups instead of 128 bit tests.
 */
function multiply(A: Bits, B: Bits): Bits {
  const table = new Int32Array(16 * 256 * 4);
  for (let t = 0; t < 16; t++) {
    const base = t * 1024;
    for (let bit = 0; bit < 8; bit++) {
      const column = (t * 8 + bit) * 4;
      const size = 1 << bit;
      // entries [size, 2·size) = entries [0, size) xor this column
      for (let e = 0; e < size; e++) {
        const from = base + e * 4;
        const to = base + (e + size) * 4;
        table[to] = table[from]! ^ A[column]!;
        table[to + 1] = table[from + 1]! ^ A[column + 1]!;
        table[to + 2] = table[from + 2]! ^ A[column + 2]!;
        table[to + 3] = table[from + 3]! ^ A[column + 3]!;
      }
    }
  }
  const out = new Int32Array(512);
  for (let c = 0; c < 128; c++) {
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    for (let t = 0; t < 16; t++) {
      const byte = (B[c * 4 + (t >>> 2)]! >>> ((t & 3) * 8)) & 255;
      const e = t * 1024 + byte * 4;
      w0 ^= table[e]!;
      w1 ^= table[e + 1]!;
      w2 ^= table[e + 2]!;
      w3 ^= table[e + 3]!;
    }
    out[c * 4] = w0;
    out[c * 4 + 1] = w1;
    out[c * 4 + 2] = w2;
    out[c * 4 + 3] = w3;
  }
  return out;
}

/** The one-step matrix T. */
function stepMatrix(): Bits {
  const T = new Int32Array(512);
  for (let c = 0; c < 128; c++) {
    const e = new Int32Array(4);
    e[c >>> 5] = 1 << (c & 31);
    T.set(step(e), c * 4);
  }
  return T;
}

/** Tᵐ by repeated squaring. */
function power(T: Bits, m: number): Bits {
  let result: Bits | null = null;
  let square = T;
  for (let rest = m; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) result = result === null ? square : multiply(square, result);
    if (rest > 1) square = multiply(square, square);
  }
  if (result === null) {
    result = new Int32Array(512);
    for (let c = 0; c < 128; c++) result[c * 4 + (c >>> 5)] = 1 << (c & 31);
  }
  return result;
}

/** s₁ from one output o = rotl(s₁·5, 7)·9 (9⁻¹ = 0x38e38e39, 5⁻¹ = 0xcccccccd mod 2³²). */
function wordOne(output: number): number {
  const x = Math.imul(output, 0x38e38e39);
  const rotated = (x >>> 7) | (x << 25);
  return Math.imul(rotated, 0xcccccccd);
}

/** The initial state of createRng(seed), solved from its first outputs by Gaussian elimination over GF(2). */
function seededState(seed: number): Bits {
  const rng = createRng(seed);
  const T = stepMatrix();
  // Rows: 128 coefficient bits in 4 words plus the right-hand side bit in word 4.
  const rows: Int32Array[] = [];
  let Tt = power(T, 0);
  for (let t = 0; t < 8; t++) {
    const s1 = wordOne(rng.nextUint32());
    for (let j = 0; j < 32; j++) {
      const row = new Int32Array(5);
      for (let c = 0; c < 128; c++) if (((Tt[c * 4 + 1]! >>> j) & 1) === 1) row[c >>> 5]! |= 1 << (c & 31);
      row[4] = (s1 >>> j) & 1;
      rows.push(row);
    }
    Tt = multiply(T, Tt);
  }
  const state = new Int32Array(4);
  const pivotRow: Int32Array[] = [];
  let next = 0;
  for (let c = 0; c < 128; c++) {
    const found = rows.findIndex((row, i) => i >= next && bit(row, c) === 1);
    if (found < 0) throw new CausalPanelError('invalid_option', `streamJump: the generator state could not be recovered (column ${c})`, { fn: 'streamJump' });
    [rows[next], rows[found]] = [rows[found]!, rows[next]!];
    const pivot = rows[next]!;
    for (let i = 0; i < rows.length; i++) {
      if (i !== next && bit(rows[i]!, c) === 1) for (let w = 0; w < 5; w++) rows[i]![w]! ^= pivot[w]!;
    }
    pivotRow[c] = pivot;
    next++;
  }
  for (let c = 0; c < 128; c++) if ((pivotRow[c]![4]! & 1) === 1) state[c >>> 5]! |= 1 << (c & 31);
  return state;
}

/**
 * The generator states at which blocks start: block i starts `i · stride` outputs into the stream
 * of `createRng(seed)`; returned as `blocks × 4` words for `createRngFromState`.
 *
 * @throws {CausalPanelError} if the seeded state cannot be recovered (never for a valid seed)
 * @example
 * const starts = blockStarts(1, 3, 10);
 * const rng = createRngFromState([starts[4]!, starts[5]!, starts[6]!, starts[7]!]);
 * // rng.nextUint32() equals the 11th output of createRng(1)
 */
export function blockStarts(seed: number, blocks: number, stride: number): Int32Array {
  const out = new Int32Array(blocks * 4);
  let state = seededState(seed);
  const jump = power(stepMatrix(), stride);
  for (let i = 0; i < blocks; i++) {
    out.set(state, i * 4);
    if (i + 1 < blocks) state = apply(jump, state);
  }
  return out;
}
