/**
 * The ψ column of one balanced-panel ATT(g,t) of `attgt` (the last pass of `attgtPanelCell.ts`,
 * whose header derives the expression): ψᵢ·n₁/n = αᵢ·(ΔYᵢ − xᵢ'β) + κ·eᵢ − scoreᵢ·xᵢ'h over one
 * range of the sample's units, from the per-sample pieces α, e and score, or their interleaved
 * rows for k ≤ 2.
 */
/**
 * ψ[u] = αᵣ·(Y[yc + u] − Y[yb + u] − xᵣ'β) + κ·eᵣ − scoreᵣ·xᵣ'h for u in [a, b), sample row r
 * counting on from r0 (the intercept column is 1); returns the next r. Columns 1–2 of x in
 * scalars (k ≤ 3).
 */
export function influenceRange(
  Y: Float64Array,
  yc: number,
  yb: number,
  a: number,
  b: number,
  r0: number,
  X: Float64Array,
  n1: number,
  k: number,
  alpha: Float64Array,
  e: Float64Array,
  score: Float64Array,
  beta: Float64Array,
  h: Float64Array,
  kappa: number,
  psi: Float64Array,
): number {
  const withScore = score.length > 0;
  const b0 = beta[0]!;
  const b1 = k > 1 ? beta[1]! : 0;
  const b2 = k > 2 ? beta[2]! : 0;
  const h0 = h[0]!;
  const h1 = k > 1 ? h[1]! : 0;
  const h2 = k > 2 ? h[2]! : 0;
  const o1 = k > 1 ? n1 : 0;
  const o2 = k > 2 ? 2 * n1 : 0;
  let r = r0;
  for (let u = a; u < b; u++, r++) {
    let fit = b0;
    let xh = h0;
    if (k > 1) {
      const x1 = X[o1 + r]!;
      fit += x1 * b1;
      xh += x1 * h1;
    }
    if (k > 2) {
      const x2 = X[o2 + r]!;
      fit += x2 * b2;
      xh += x2 * h2;
    }
    for (let j = 3; j < k; j++) {
      const x = X[r + j * n1]!;
      fit += x * beta[j]!;
      xh += x * h[j]!;
    }
    const v = alpha[r]! * (Y[yc + u]! - Y[yb + u]! - fit) + kappa * e[r]!;
    psi[u] = withScore ? v - score[r]! * xh : v;
  }
  return r;
}

/**
 * {@link influenceRange} for k ≤ 2 from the interleaved rows: the same expression, with the
 * missing x₁ (k = 1) and score (reg) as 0 — exact: 0·b = 0 and v − 0·xh = v.
 */
export function influencePacked(Y: Float64Array, yc: number, yb: number, a: number, b: number, r0: number, packed: Float64Array, b0: number, b1: number, h0: number, h1: number, kappa: number, psi: Float64Array): number {
  let r = r0;
  for (let u = a; u < b; u++, r++) {
    const o = 4 * r;
    const x1 = packed[o + 3]!;
    const fit = b0 + x1 * b1;
    const xh = h0 + x1 * h1;
    const v = packed[o]! * (Y[yc + u]! - Y[yb + u]! - fit) + kappa * packed[o + 1]!;
    psi[u] = v - packed[o + 2]! * xh;
  }
  return r;
}
