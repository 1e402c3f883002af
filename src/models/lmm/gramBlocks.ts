/**
 * The block structure of ZᵀZ for the mixed-model system (what lme4 gets from the sparse product
 * `Zt %*% t(Zt)`): one block per level of each term (p × p, in u's order), the dense blocks
 * between levels of different terms that share observations (crossed or nested factors), and the
 * upper-triangle pattern of ΛᵀZᵀZΛ + I with, in every column of a block, the partner blocks' rows
 * first and the diagonal block last.
 *
 * Dimension symbols: n observations, q random effects.
 */
import type { SparsePattern } from '../../numerics/sparseCholesky.js';
import type { ReTerm } from './reTerms.js';

/**
 * A block of ZᵀZ between a level of an earlier term (its rows) and a level of a later term.
 *
 * @example
 * // (1 | School) + (1 | Minority:Sex): school 3 and group "No:Male" share 12 students
 * const block: OffBlock = { start: 3, term: 0, values: Float64Array.of(12), rel: 0 };
 */
export interface OffBlock {
  /** First row (random-effect index) of the partner block. */
  start: number;
  /** Its term. */
  term: number;
  /** Dense p_a × p_b values, column-major. */
  values: Float64Array;
  /** Offset of the block's rows within each column of the later block. */
  rel: number;
}

/**
 * The blocks of ZᵀZ and the pattern of the system matrix.
 *
 * @example
 * blockStructure(terms, Zs, n, q).pattern; // the SparsePattern the Cholesky factor analyses
 */
export interface BlockStructure {
  /** Term of each block (blocks are term levels, in u's order). */
  blockTerm: Int32Array;
  /** First random-effect index of each block. */
  blockStart: Int32Array;
  /** Per block: its partner blocks in earlier terms, by row. */
  partners: OffBlock[][];
  /** Per block: offset of the diagonal block's rows within each of its columns. */
  diagRel: Int32Array;
  pattern: SparsePattern;
}

/**
 * Builds the blocks from the (weighted) random-effects columns `Zs` (one n × p array per term).
 *
 * @example blockStructure(terms, terms.map((t) => t.Z), n, q);
 */
export function blockStructure(terms: readonly ReTerm[], Zs: readonly Float64Array[], n: number, q: number): BlockStructure {
  // Blocks between levels of different terms (crossed or nested factors).
  const nBlocks = terms.reduce((s, t) => s + t.nLevels, 0);
  const blockTerm = new Int32Array(nBlocks);
  const blockStart = new Int32Array(nBlocks);
  const firstBlock: number[] = [];
  let b0 = 0;
  terms.forEach((term, k) => {
    firstBlock.push(b0);
    for (let l = 0; l < term.nLevels; l++) {
      blockTerm[b0 + l] = k;
      blockStart[b0 + l] = term.offset + l * term.p;
    }
    b0 += term.nLevels;
  });
  const partners: OffBlock[][] = Array.from({ length: nBlocks }, () => []);
  for (let kb = 1; kb < terms.length; kb++) {
    const tb = terms[kb]!;
    const Zb = Zs[kb]!;
    for (let ka = 0; ka < kb; ka++) {
      const ta = terms[ka]!;
      const Za = Zs[ka]!;
      const index = new Map<number, OffBlock>();
      for (let i = 0; i < n; i++) {
        const la = ta.codes[i]!;
        const lb = tb.codes[i]!;
        const key = la * tb.nLevels + lb;
        let block = index.get(key);
        if (block === undefined) {
          block = { start: ta.offset + la * ta.p, term: ka, values: new Float64Array(ta.p * tb.p), rel: 0 };
          index.set(key, block);
          partners[firstBlock[kb]! + lb]!.push(block);
        }
        for (let c = 0; c < tb.p; c++) {
          const zc = Zb[i + c * n]!;
          for (let r = 0; r < ta.p; r++) block.values[r + c * ta.p]! += Za[i + r * n]! * zc;
        }
      }
    }
  }
  // Upper-triangle pattern: in every column of a block, the partner blocks' rows, then the diagonal block.
  const diagRel = new Int32Array(nBlocks);
  const colPtr = new Int32Array(q + 1);
  for (let bk = 0; bk < nBlocks; bk++) {
    const list = partners[bk]!.sort((x, y) => x.start - y.start);
    let rel = 0;
    for (const block of list) {
      block.rel = rel;
      rel += terms[block.term]!.p;
    }
    diagRel[bk] = rel;
    const pt = terms[blockTerm[bk]!]!.p;
    const start = blockStart[bk]!;
    for (let c = 0; c < pt; c++) colPtr[start + c + 1] = rel + c + 1;
  }
  for (let j = 0; j < q; j++) colPtr[j + 1] = colPtr[j + 1]! + colPtr[j]!;
  const rowIndex = new Int32Array(colPtr[q]!);
  for (let bk = 0; bk < nBlocks; bk++) {
    const pt = terms[blockTerm[bk]!]!.p;
    const start = blockStart[bk]!;
    for (let c = 0; c < pt; c++) {
      let at = colPtr[start + c]!;
      for (const block of partners[bk]!) for (let r = 0; r < terms[block.term]!.p; r++) rowIndex[at++] = block.start + r;
      for (let r = 0; r <= c; r++) rowIndex[at++] = start + r;
    }
  }
  return { blockTerm, blockStart, partners, diagRel, pattern: { n: q, colPtr, rowIndex } };
}
