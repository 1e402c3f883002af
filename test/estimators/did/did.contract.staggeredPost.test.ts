/**
 * `did()` with a unit-specific (staggered) `post` (issue 13 item 7): the 2×2 design has no common
 * treatment date, the raw table's "control post" cell is empty, and the TWFE coefficient averages
 * comparisons with already-treated controls (Goodman-Bacon 2021). The result says so in a typed
 * note that names `attgt` and `eventStudy({ method: 'sunab' })`, instead of NA cells without
 * comment. Panel made here: 30 units × 6 periods, 10 never treated, 10 treated from period 3 and
 * 10 from period 5.
 */
import { describe, expect, it } from 'vitest';
import { did } from '../../../src/estimators/did/did.js';
import { formatNote } from '../../../src/errors.js';

function panel(staggered: boolean) {
  const cols = { id: [] as number[], period: [] as number[], treat: [] as number[], post: [] as number[], y: [] as number[] };
  for (let u = 1; u <= 30; u++) {
    const g = u <= 10 ? Infinity : u <= 20 ? 3 : 5;
    for (let t = 1; t <= 6; t++) {
      const post = staggered ? (t >= g ? 1 : 0) : t >= 4 ? 1 : 0;
      cols.id.push(u);
      cols.period.push(t);
      cols.treat.push(u > 10 ? 1 : 0);
      cols.post.push(post);
      cols.y.push(u * 0.1 + t * 0.3 + (t >= g ? 1 : 0) + ((u * 7 + t * 3) % 5) * 0.05);
    }
  }
  return cols;
}

const args = { outcome: 'y', unit: 'id', time: 'period', treat: 'treat', post: 'post' } as const;

describe('did: a staggered post is named in a note pointing to attgt / sunab', () => {
  const res = did({ ...args, data: panel(true) });

  it('the estimate stands; the note names the empty cells, the period and the estimators to use', () => {
    expect(Number.isFinite(res.att.estimate)).toBe(true);
    expect(res.means.control.post.n).toBe(0);
    const note = res.notes.find((n) => n.code === 'cells_not_estimated');
    expect(note).toBeDefined();
    expect(note).toMatchObject({ code: 'cells_not_estimated', cells: ['control post mean', 'raw DiD of means'] });
    const line = formatNote(note!);
    expect(line).toContain('"post" differs across units within period 3: did() fits one 2x2 design whose post indicator is a function of time alone');
    expect(line).toContain('With staggered adoption');
    expect(line).toContain('Goodman-Bacon 2021');
    expect(line).toContain('attgt()');
    expect(line).toContain("eventStudy({ method: 'sunab' })");
    expect(res.summary()).toContain('Goodman-Bacon 2021');
  });

  it('a common post (period ≥ 4 for every unit) gives no such note', () => {
    const common = did({ ...args, data: panel(false) });
    expect(common.notes.some((n) => n.code === 'cells_not_estimated' || n.code === 'design_adjusted')).toBe(false);
  });
});
