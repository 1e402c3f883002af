/**
 * Contract of multilevel mediate (lmm fits): typed errors for groups that do not match between a
 * group-level mediator and the outcome, models on different rows, bad options; no mutation of
 * the caller's data; seed determinism; the group-specific effects average to the
 * population-average ones (exact identity of the estimator).
 */
import { describe, it, expect } from 'vitest';
import { lmm } from '../../../src/models/lmm/lmm.js';
import { mediate } from '../../../src/estimators/mediation/mediate.js';
import { createRng } from '../../../src/numerics/random.js';
import { CausalPanelError } from '../../../src/errors.js';

/** 30 schools × 12 students; school-level mediator `lead` driven by school treatment `prog`. */
function makeData(): { schools: Record<string, number[]>; students: Record<string, number[]> } {
  const rng = createRng(11);
  const schools = { school: [] as number[], prog: [] as number[], size: [] as number[], lead: [] as number[] };
  const students = { school: [] as number[], prog: [] as number[], ses: [] as number[], lead: [] as number[], y: [] as number[] };
  for (let s = 1; s <= 30; s++) {
    const prog = s % 2;
    const size = rng.normal();
    const lead = 0.5 * prog + 0.3 * size + 0.5 * rng.normal();
    schools.school.push(s);
    schools.prog.push(prog);
    schools.size.push(size);
    schools.lead.push(lead);
    const u = 0.4 * rng.normal();
    for (let i = 0; i < 12; i++) {
      const ses = rng.normal();
      students.school.push(s);
      students.prog.push(prog);
      students.ses.push(ses);
      students.lead.push(lead);
      students.y.push(1 + 0.3 * prog + 0.8 * lead + 0.5 * ses + u + rng.normal());
    }
  }
  return { schools, students };
}

const { schools, students } = makeData();
const outFit = lmm('y ~ prog + lead + ses + (1 | school)', students);
const groupLevel = { mediatorModel: 'lead ~ prog + size', mediatorData: schools, outcomeModel: outFit, treat: 'prog', mediator: 'lead', sims: 100, seed: 3 };

function errorOf(f: () => unknown): CausalPanelError {
  try {
    f();
  } catch (e) {
    if (e instanceof CausalPanelError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('mediate with lmm fits: contract', () => {
  it('links each student row to its school row and reports one group per school, in data order', () => {
    const res = mediate(groupLevel);
    expect(res.groupLevelMediator).toBe(true);
    expect(res.models).toEqual({ mediator: 'lm', outcome: 'lmm' });
    expect(res.groupName).toBe('school');
    expect(res.byGroup.map((g) => g.group)).toEqual(Array.from({ length: 30 }, (_, s) => String(s + 1)));
    expect(res.byGroup.every((g) => g.nobs === 12)).toBe(true);
    expect(res.nobs).toBe(360);
    expect(res.summary()).toContain('Group-specific effects');
    expect(JSON.parse(JSON.stringify(res.toJSON())).byGroup).toHaveLength(30);
  });

  it('group-specific effects average (by group size) to the population-average effects', () => {
    const res = mediate(groupLevel);
    const n = res.byGroup.reduce((a, g) => a + g.nobs, 0);
    const pick = [(g: typeof res) => g.acme.control.estimate, (g: typeof res) => g.ade.treated.estimate, (g: typeof res) => g.total.estimate] as const;
    for (const f of pick) {
      const pooled = res.byGroup.reduce((a, g) => a + (g.nobs * f(g as unknown as typeof res)) / n, 0);
      expect(pooled).toBeCloseTo(f(res), 12);
    }
  });

  it('is deterministic in the seed', () => {
    const a = mediate(groupLevel);
    const b = mediate(groupLevel);
    const c = mediate({ ...groupLevel, seed: 4 });
    expect(a.draws()).toEqual(b.draws());
    expect(a.byGroup[5]).toEqual(b.byGroup[5]);
    expect(c.acme.average.estimate).not.toBe(a.acme.average.estimate);
  });

  it('does not mutate the caller data', () => {
    const before = JSON.stringify({ schools, students });
    mediate(groupLevel);
    expect(JSON.stringify({ schools, students })).toBe(before);
  });

  it('a group of the outcome data without a row in the mediator data is a typed error', () => {
    const missing = Object.fromEntries(Object.entries(schools).map(([k, v]) => [k, v.slice(1)]));
    const e = errorOf(() => mediate({ ...groupLevel, mediatorData: missing }));
    expect(e.code).toBe('invalid_option');
    expect(e.message).toContain('group "1" of the outcome data has no row in the mediator data');
  });

  it('mismatched groups: an extra mediator group, a duplicated group row, no group column', () => {
    const extra = Object.fromEntries(Object.entries(schools).map(([k, v]) => [k, [...v, k === 'school' ? 99 : v[0]!]]));
    expect(errorOf(() => mediate({ ...groupLevel, mediatorData: extra })).message).toContain('group "99" of the mediator data has no row in the outcome data');
    const dup = Object.fromEntries(Object.entries(schools).map(([k, v]) => [k, [...v, v[0]!]]));
    expect(errorOf(() => mediate({ ...groupLevel, mediatorData: dup })).message).toContain('more than one row');
    const noGroup = { prog: schools.prog, size: schools.size, lead: schools.lead };
    expect(errorOf(() => mediate({ ...groupLevel, mediatorData: noGroup })).code).toBe('missing_column');
  });

  it('models on different rows, a bad groupOut, R options without a merMod counterpart', () => {
    const medFit = lmm('lead ~ prog + (1 | school)', { ...students, lead: students.lead.map((v, i) => v + (i % 3) * 0.1) });
    const half = Object.fromEntries(Object.entries(students).map(([k, v]) => [k, v.slice(0, 180)]));
    const outHalf = lmm('y ~ prog + lead + ses + (1 | school)', half);
    expect(errorOf(() => mediate({ mediatorModel: medFit, outcomeModel: outHalf, treat: 'prog', mediator: 'lead', sims: 10 })).message).toContain('use 360 and 180 rows');
    expect(errorOf(() => mediate({ ...groupLevel, groupOut: 'district' })).code).toBe('invalid_option');
    expect(errorOf(() => mediate({ ...groupLevel, boot: true } as never)).code).toBe('unknown_option');
    expect(errorOf(() => mediate({ ...groupLevel, mediatorData: undefined })).message).toContain('give mediatorData');
    expect(errorOf(() => mediate({ ...groupLevel, treatValue: 0 })).code).toBe('invalid_option');
  });

  it('an lmm mediator on the same rows: groups from the outcome by default, the mediator with groupOut', () => {
    const medFit = lmm('lead ~ prog + (1 | school)', { ...students, lead: students.lead.map((v, i) => v + (i % 3) * 0.1) });
    const res = mediate({ mediatorModel: medFit, outcomeModel: outFit, treat: 'prog', mediator: 'lead', sims: 50 });
    expect(res.models).toEqual({ mediator: 'lmm', outcome: 'lmm' });
    expect(res.groupLevelMediator).toBe(false);
    expect(res.byGroup).toHaveLength(30);
    // No interaction and no mediator slope: d0 = d1 in every draw.
    expect(res.acme.control.estimate).toBeCloseTo(res.acme.treated.estimate, 12);
  });
});

describe('mediate with lmm fits: R argument names', () => {
  it('group.out suggests groupOut', () => {
    const e = errorOf(() => mediate({ ...groupLevel, 'group.out': 'school' } as never));
    expect(e.code).toBe('unknown_option');
    expect(e.message).toContain('groupOut');
  });
});

describe('mediate with lmm fits: missing values', () => {
  it('a school row with a missing mediator is dropped with a note, and its students then have no mediator row', () => {
    const lead = [...schools.lead];
    lead[29] = NaN;
    const e = errorOf(() => mediate({ ...groupLevel, mediatorData: { ...schools, lead } }));
    expect(e.message).toContain('group "30" of the outcome data has no row in the mediator data');
    const size = [...schools.size];
    size[0] = NaN;
    const students2 = Object.fromEntries(Object.entries(students).map(([k, v]) => [k, v.slice(12)]));
    const fit2 = lmm('y ~ prog + lead + ses + (1 | school)', students2);
    const res = mediate({ ...groupLevel, outcomeModel: fit2, mediatorData: { ...schools, size } });
    expect(res.notes.some((n) => n.code === 'rows_dropped_missing')).toBe(true);
    expect(res.byGroup).toHaveLength(29);
  });
});

describe('mediate with an lmm mediator and a least-squares outcome', () => {
  it('groups by the mediator grouping factor; ACME equals a·b in expectation (d0 = d1 draw by draw)', () => {
    const lead = students.lead.map((v, i) => v + (i % 3) * 0.1);
    const data = { ...students, lead };
    const medFit = lmm('lead ~ prog + (1 | school)', data);
    const res = mediate({ mediatorModel: medFit, outcomeModel: 'y ~ prog + lead + ses', data, treat: 'prog', mediator: 'lead', sims: 100 });
    expect(res.models).toEqual({ mediator: 'lmm', outcome: 'lm' });
    expect(res.groupName).toBe('school');
    expect(res.byGroup).toHaveLength(30);
    const draws = res.draws();
    for (let s = 0; s < 100; s++) expect(draws.acmeControl[s]).toBeCloseTo(draws.acmeTreated[s]!, 12);
    expect(errorOf(() => mediate({ mediatorModel: medFit, outcomeModel: 'y ~ prog + lead + ses', data, treat: 'prog', mediator: 'lead', sims: 10, groupOut: 'district' })).code).toBe('invalid_option');
  });
});
