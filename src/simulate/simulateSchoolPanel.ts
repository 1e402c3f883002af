/**
 * A simulated school panel shaped like the SSP (school partnership programme) evaluation: lower
 * secondary schools, some of which join a partnership programme in 2019 (a few in 2020), with a
 * new grade-9 cohort tested every year. Rows are students; schools are the panel units.
 *
 * Data-generating process (all effects in SD units of the untreated outcome):
 * - School baseline covariates: `prior` achievement ~ N(0, 1); `size` (enrolment) log-normal;
 *   `migrant` share, higher where prior is lower; `teacherExp` (years).
 * - Selection: the `treatedSchools` schools with the highest score
 *   −0.8·prior + 0.3·z(migrant) + N(0, 1) join; `lateSchools` of them (at random) join in
 *   2020, the others in 2019. Selection is on observables (and noise independent of outcomes).
 * - Mediators (survey scales): `peer` and `teaching` (student level, variance 1 untreated) and
 *   `leadership` (school × year level, variance 0.46 untreated); treatment raises them by
 *   {@link SSP_MEDIATOR_EFFECTS}.
 * - Outcomes (`math`, `chinese`, `english`, `science`):
 *   y = β·prior + u_school + δ_year − trendOnPrior·prior·(year − firstYear)
 *       + b_peer·peer + b_lead·leadership + direct·treated + ε,
 *   with b = (mediated effect) / (effect on mediator), so that the total effect of treatment is
 *   {@link SSP_TRUE_EFFECTS} (+0.67 SD maths, +0.63 SD Chinese), mediated mostly by `peer`,
 *   partly by `leadership`, not by `teaching` (b_teach = 0). ε's variance is set so that the
 *   untreated outcome has variance exactly 1 in the first year.
 * - `trendOnPrior` (default 0.05) makes low-prior schools improve faster, so parallel trends
 *   hold only conditional on `prior`: a naive DiD is biased upwards, matching on prior (PSM-DiD)
 *   or conditioning on it (Callaway–Sant'Anna with covariates) removes the bias.
 *
 * Columns: school, year, student, cohort (first treated year, 0 = never), treat (ever treated),
 * post (year ≥ cohort; for never-treated schools year ≥ `startYear`), treated (treat × post),
 * math, chinese, english, science, peer, leadership, teaching, prior, size, migrant, teacherExp.
 */
import { invalidOption, opt, readOptions } from '../options.js';
import { Frame } from '../data/frame.js';
import { createRng } from '../numerics/random.js';
import { exp, pow } from '../numerics/elementary.js';

/**
 * Outcomes simulated by {@link simulateSchoolPanel}.
 *
 * @example
 * for (const y of SSP_OUTCOMES) SSP_TRUE_EFFECTS[y].total;
 */
export const SSP_OUTCOMES = ['math', 'chinese', 'english', 'science'] as const;
/**
 * Mediators simulated by {@link simulateSchoolPanel}.
 *
 * @example
 * SSP_MEDIATORS; // ['peer', 'leadership', 'teaching']
 */
export const SSP_MEDIATORS = ['peer', 'leadership', 'teaching'] as const;

/**
 * One outcome's true effects (SD units): total = direct + viaPeer + viaLeadership + viaTeaching.
 *
 * @example
 * const math: TrueEffect = SSP_TRUE_EFFECTS.math; // { total: 0.67, direct: 0.1, viaPeer: 0.4, viaLeadership: 0.17, viaTeaching: 0 }
 */
export interface TrueEffect {
  total: number;
  direct: number;
  viaPeer: number;
  viaLeadership: number;
  viaTeaching: number;
}

/**
 * True effects of the programme on each outcome, in SD units of the untreated outcome.
 *
 * @example
 * SSP_TRUE_EFFECTS.math.total; // 0.67
 */
export const SSP_TRUE_EFFECTS: Readonly<Record<(typeof SSP_OUTCOMES)[number], Readonly<TrueEffect>>> = Object.freeze({
  math: Object.freeze({ total: 0.67, direct: 0.1, viaPeer: 0.4, viaLeadership: 0.17, viaTeaching: 0 }),
  chinese: Object.freeze({ total: 0.63, direct: 0.1, viaPeer: 0.38, viaLeadership: 0.15, viaTeaching: 0 }),
  english: Object.freeze({ total: 0.3, direct: 0.05, viaPeer: 0.18, viaLeadership: 0.07, viaTeaching: 0 }),
  science: Object.freeze({ total: 0.25, direct: 0.04, viaPeer: 0.15, viaLeadership: 0.06, viaTeaching: 0 }),
});

/**
 * Effect of the programme on each mediator (in mediator units).
 *
 * @example
 * SSP_MEDIATOR_EFFECTS.peer; // 0.8
 */
export const SSP_MEDIATOR_EFFECTS: Readonly<Record<(typeof SSP_MEDIATORS)[number], number>> = Object.freeze({
  peer: 0.8,
  leadership: 0.5,
  teaching: 0.6,
});

/**
 * Options of {@link simulateSchoolPanel}.
 *
 * @example
 * const options: SchoolPanelOptions = { seed: 1, schools: 20, studentsPerSchool: 5, treatedSchools: 6, lateSchools: 2 };
 * simulateSchoolPanel(options).nrow; // 500 (20 schools × 5 students × 5 years)
 */
export interface SchoolPanelOptions {
  /** Seed of the random stream (required: the output is a pure function of the options). */
  seed: number;
  /** Number of schools (default 120). */
  schools?: number;
  /** Students tested per school and year (default 30). */
  studentsPerSchool?: number;
  /** Survey years, ascending (default 2017–2021). */
  years?: readonly number[];
  /** Schools that join the programme (default 40). */
  treatedSchools?: number;
  /** Of those, how many join one year late (default 8). */
  lateSchools?: number;
  /** Programme start year (default 2019); late joiners start a year later. */
  startYear?: number;
  /** Differential trend per year and SD of prior (default 0.05; 0 = unconditional parallel trends). */
  trendOnPrior?: number;
}

// Loadings shared by the DGP and its variance budget.
const PRIOR_LOADING = 0.45; // school prior achievement → outcome
const SCHOOL_SD = Math.sqrt(0.1); // unexplained school effect
const PEER = { prior: 0.2, school: 0.4, student: Math.sqrt(1 - 0.04 - 0.16) };
const LEAD = { prior: 0.1, school: 0.6, year: 0.3 };
const TEACH = { prior: 0.1, school: 0.5, student: Math.sqrt(1 - 0.01 - 0.25) };

const FN = 'simulateSchoolPanel';

const SCHOOL_PANEL_OPTIONS = {
  seed: opt.custom((value, at): number => {
    if (value === undefined) throw invalidOption(at, 'given (the output is a pure function of the seed)', value);
    return opt.seed().read(value, at)!;
  }),
  schools: opt.integer({ min: 2, default: 120 }),
  studentsPerSchool: opt.integer({ min: 1, default: 30 }),
  years: opt.custom((value, at): readonly number[] => {
    if (value === undefined) return Object.freeze([2017, 2018, 2019, 2020, 2021]);
    const ok = Array.isArray(value) && value.length >= 2 && value.every((y, i) => Number.isInteger(y) && (i === 0 || y > value[i - 1]));
    if (!ok) throw invalidOption(at, 'at least two ascending integers', value);
    return Object.freeze([...(value as number[])]);
  }),
  treatedSchools: opt.integer({ min: 1, default: 40 }),
  lateSchools: opt.integer({ min: 0, default: 8 }),
  startYear: opt.integer({ default: 2019 }),
  trendOnPrior: opt.number({ default: 0.05 }),
};

/** An option that must agree with another one (each was read on its own first). */
function within(ok: boolean, key: string, expected: string, value: unknown): void {
  if (!ok) throw invalidOption({ fn: FN, key }, expected, value);
}

/**
 * Simulates an SSP-like school panel (see the module comment for the data-generating process).
 *
 * @throws {CausalPanelError} `invalid_option` for a missing or non-finite seed, fewer than 2
 *   schools, treatedSchools ≥ schools, lateSchools > treatedSchools, years not ascending integers
 *   or without a pre-period, or fewer than 1 student per school; `unknown_option`
 * @example
 * const frame = simulateSchoolPanel({ seed: 2019 });
 * frame.nrow; // 18000 (120 schools × 5 years × 30 students)
 */
export function simulateSchoolPanel(options: SchoolPanelOptions): Frame {
  const { seed, schools, studentsPerSchool, years, treatedSchools, lateSchools, startYear, trendOnPrior } = readOptions(FN, options, SCHOOL_PANEL_OPTIONS);
  within(treatedSchools < schools, 'treatedSchools', `an integer in [1, schools) = [1, ${schools})`, treatedSchools);
  within(lateSchools <= treatedSchools, 'lateSchools', `an integer in [0, treatedSchools] = [0, ${treatedSchools}]`, lateSchools);
  within(years[0]! < startYear, 'startYear', `after the first year (${years[0]})`, startYear);

  const rng = createRng(seed);
  const firstYear = years[0]!;

  // School covariates.
  const prior = new Float64Array(schools);
  const size = new Float64Array(schools);
  const migrant = new Float64Array(schools);
  const teacherExp = new Float64Array(schools);
  for (let s = 0; s < schools; s++) {
    prior[s] = rng.normal();
    size[s] = Math.round(exp(6.3 + 0.35 * rng.normal()));
    migrant[s] = 1 / (1 + exp(-(-1 - 0.5 * prior[s]! + 0.7 * rng.normal())));
    teacherExp[s] = Math.min(35, Math.max(1, 14 + 1.5 * prior[s]! + 4 * rng.normal()));
  }

  // Selection into the programme on low prior achievement and high migrant share.
  let mMean = 0;
  for (let s = 0; s < schools; s++) mMean += migrant[s]! / schools;
  let mVar = 0;
  for (let s = 0; s < schools; s++) mVar += pow(migrant[s]! - mMean, 2) / (schools - 1);
  const mSd = Math.sqrt(mVar) || 1;
  const score = Array.from({ length: schools }, (_, s) => -0.8 * prior[s]! + 0.3 * ((migrant[s]! - mMean) / mSd) + rng.normal());
  const order = score.map((v, s) => [v, s] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const cohort = new Float64Array(schools);
  const chosen = order.slice(0, treatedSchools).map(([, s]) => s);
  for (const s of chosen) cohort[s] = startYear;
  // Late joiners: a random subset of the chosen schools (partial Fisher–Yates).
  const pool = [...chosen].sort((a, b) => a - b);
  for (let k = 0; k < lateSchools; k++) {
    const j = k + rng.int(pool.length - k);
    [pool[k], pool[j]] = [pool[j]!, pool[k]!];
    cohort[pool[k]!] = startYear + 1;
  }

  // School-level random effects.
  const uOutcome = SSP_OUTCOMES.map(() => new Float64Array(schools));
  const common = new Float64Array(schools);
  const peerSchool = new Float64Array(schools);
  const leadSchool = new Float64Array(schools);
  const teachSchool = new Float64Array(schools);
  for (let s = 0; s < schools; s++) {
    common[s] = rng.normal();
    for (const u of uOutcome) u[s] = SCHOOL_SD * Math.sqrt(0.5) * (common[s]! + rng.normal());
    peerSchool[s] = PEER.school * rng.normal();
    leadSchool[s] = LEAD.school * rng.normal();
    teachSchool[s] = TEACH.school * rng.normal();
  }
  const yearEffect = years.map((_, t) => 0.03 * t);

  // Outcome coefficients from the mediated effects; ε's SD closes the variance budget at 1.
  const coef = SSP_OUTCOMES.map((k) => {
    const e = SSP_TRUE_EFFECTS[k];
    const bPeer = e.viaPeer / SSP_MEDIATOR_EFFECTS.peer;
    const bLead = e.viaLeadership / SSP_MEDIATOR_EFFECTS.leadership;
    const priorTotal = PRIOR_LOADING + bPeer * PEER.prior + bLead * LEAD.prior;
    const systematic =
      pow(priorTotal, 2) + pow(SCHOOL_SD, 2) + pow(bPeer, 2) * (pow(PEER.school, 2) + pow(PEER.student, 2)) + pow(bLead, 2) * (pow(LEAD.school, 2) + pow(LEAD.year, 2));
    return { bPeer, bLead, direct: e.direct, sigma: Math.sqrt(1 - systematic) };
  });

  const n = schools * years.length * studentsPerSchool;
  const col = () => new Float64Array(n);
  const out = {
    school: col(), year: col(), student: col(), cohort: col(), treat: col(), post: col(), treated: col(),
    math: col(), chinese: col(), english: col(), science: col(),
    peer: col(), leadership: col(), teaching: col(),
    prior: col(), size: col(), migrant: col(), teacherExp: col(),
  };
  const outcomeCols = [out.math, out.chinese, out.english, out.science];
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  let i = 0;
  for (let s = 0; s < schools; s++) {
    const g = cohort[s]!;
    for (let t = 0; t < years.length; t++) {
      const year = years[t]!;
      const post = g > 0 ? year >= g : year >= startYear;
      const d = g > 0 && post ? 1 : 0;
      const lead = LEAD.prior * prior[s]! + leadSchool[s]! + LEAD.year * rng.normal() + SSP_MEDIATOR_EFFECTS.leadership * d;
      const trend = -trendOnPrior * prior[s]! * (year - firstYear);
      for (let j = 0; j < studentsPerSchool; j++, i++) {
        const peer = PEER.prior * prior[s]! + peerSchool[s]! + PEER.student * rng.normal() + SSP_MEDIATOR_EFFECTS.peer * d;
        const teach = TEACH.prior * prior[s]! + teachSchool[s]! + TEACH.student * rng.normal() + SSP_MEDIATOR_EFFECTS.teaching * d;
        out.school[i] = s + 1;
        out.year[i] = year;
        out.student[i] = i + 1;
        out.cohort[i] = g;
        out.treat[i] = g > 0 ? 1 : 0;
        out.post[i] = post ? 1 : 0;
        out.treated[i] = d;
        SSP_OUTCOMES.forEach((_, k) => {
          const c = coef[k]!;
          const y = PRIOR_LOADING * prior[s]! + uOutcome[k]![s]! + yearEffect[t]! + trend + c.bPeer * peer + c.bLead * lead + c.direct * d + c.sigma * rng.normal();
          outcomeCols[k]![i] = r4(y);
        });
        out.peer[i] = r4(peer);
        out.leadership[i] = r4(lead);
        out.teaching[i] = r4(teach);
        out.prior[i] = r4(prior[s]!);
        out.size[i] = size[s]!;
        out.migrant[i] = r4(migrant[s]!);
        out.teacherExp[i] = Math.round(teacherExp[s]! * 10) / 10;
      }
    }
  }
  return new Frame(out);
}
