/**
 * Several candidate mediators, one at a time, in one table — the analogue of R's
 * mediation::mediations(), which loops mediate() over mediator/outcome pairs. Each mediator gets
 * its own mediator model and outcome model (from `{mediator}` templates or explicit formulas);
 * the effects are not joint (see Imai & Yamamoto 2013 for multiple causally related mediators).
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import { toFrame } from '../../data/fromInput.js';
import type { Estimate } from '../../estimate.js';
import type { GlmFamily } from '../../numerics/family.js';
import { invalidOption, opt, readOptions, type OptionPath } from '../../options.js';
import { formatPValues, formatReal } from '../../report/format.js';
import { Result, type SummaryParts } from '../../report/result.js';
import { textTable } from '../../report/textTable.js';
import { runMediate, type MediateOptions, type MediationResult } from './mediate.js';
import { MEDIATE_UNSUPPORTED, mediateParams, mediateSpec, type MediationFamily } from './mediateOptions.js';

/**
 * One mediator: its name, and optionally its own formulas and family.
 *
 * @example
 * const spec: MediatorSpec = { mediator: 'job_dich', mediatorFamily: 'binomial' };
 * mediateMany({ ...jobsTemplates, mediators: ['job_seek', spec], sims: 100 }).results.get('job_dich')?.acme.average.estimate; // ≈ -0.0246988
 */
export interface MediatorSpec {
  mediator: string;
  mediatorModel?: string;
  outcomeModel?: string;
  mediatorFamily?: MediationFamily;
}

/**
 * Options of {@link mediateMany}: those of `mediate` with `{mediator}` formula templates.
 *
 * @example
 * const jobsTemplates: Omit<MediateManyOptions, 'mediators'> = {
 *   data: jobs, treat: 'treat',
 *   mediatorModel: '{mediator} ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + {mediator} + econ_hard + sex + age',
 * };
 * [...mediateMany({ ...jobsTemplates, mediators: ['job_seek', 'job_dich'] }).results.keys()]; // ['job_seek', 'job_dich']
 */
export interface MediateManyOptions extends Omit<MediateOptions, 'mediator' | 'mediatorModel' | 'outcomeModel'> {
  /** Mediator names or specs. */
  mediators: readonly (string | MediatorSpec)[];
  /** Template, e.g. `'{mediator} ~ treat + econ_hard'` (used when a spec has no mediatorModel). */
  mediatorModel?: string;
  /** Template, e.g. `'depress2 ~ treat + {mediator} + econ_hard'`. */
  outcomeModel?: string;
}

const FN = 'mediateMany';

/** An optional formula (or `{mediator}` template) text. */
const optionalFormula = opt.custom((value: unknown, at: OptionPath): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim().length === 0) throw invalidOption(at, 'a formula "y ~ x"', value);
  return value;
});

const mediatorEntry = opt.object({
  mediator: opt.column({ required: true }),
  mediatorModel: optionalFormula,
  outcomeModel: optionalFormula,
  mediatorFamily: opt.custom((value, at): GlmFamily | undefined => (value === undefined ? undefined : mediateSpec.mediatorFamily.read(value, at))),
});

/** One read entry of the `mediators` option. */
type MediatorEntry = NonNullable<ReturnType<typeof mediatorEntry.read>>;

/** Reads the `mediators` option: names or specs, at least one, no duplicates. */
function readMediators(value: unknown, at: OptionPath): MediatorEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidOption(at, 'a non-empty array of mediator names or { mediator, mediatorModel?, outcomeModel?, mediatorFamily? }', value);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const key = `${at.key}[${index}]`;
    const read = mediatorEntry.read(typeof entry === 'string' ? { mediator: entry } : entry, { fn: at.fn, key })!;
    if (seen.has(read.mediator)) throw new CausalPanelError('invalid_option', `${FN}: mediator "${read.mediator}" is listed twice`, { fn: FN, option: key, value: read.mediator });
    seen.add(read.mediator);
    return read;
  });
}

const manySpec = {
  ...mediateSpec,
  mediators: opt.custom(readMediators),
  mediatorModel: optionalFormula,
  outcomeModel: optionalFormula,
};

function fill(template: string | undefined, mediator: string, option: string): string {
  if (template === undefined) {
    throw new CausalPanelError('invalid_option', `${FN}: option "${option}" is needed for mediator "${mediator}" (give a template with {mediator} or a spec)`, { fn: FN, option });
  }
  return template.split('{mediator}').join(mediator);
}

/**
 * Result of {@link mediateMany}: one `mediate` result per mediator.
 *
 * @example
 * many.results.get('job_seek')?.acme.average.estimate; // -0.0157446 (as mediate alone)
 * many.tidy()[0].term; // 'job_seek: ACME (control)'
 */
export class MediateManyResult extends Result {
  readonly kind = 'mediateMany' as const;
  /** Mediator → its mediate() result, in input order. */
  readonly results: ReadonlyMap<string, MediationResult>;

  /** @internal use {@link mediateMany}. */
  constructor(results: ReadonlyMap<string, MediationResult>) {
    const notes: Note[] = [];
    for (const [name, r] of results) for (const note of r.notes) notes.push(note.code === 'design_adjusted' ? { code: 'design_adjusted', message: `${name}: ${note.message}` } : note);
    super(notes);
    this.results = results;
  }

  /**
   * All rows of every result, terms prefixed by the mediator (`job_seek: ACME (average)`); fields
   * as `MediationResult.tidy`.
   * @example many.tidy(0.9).length; // 10 per mediator
   */
  tidy(level?: number): Estimate[] {
    return [...this.results].flatMap(([name, r]) => r.tidy(level).map((row) => ({ ...row, term: `${name}: ${row.term}` })));
  }

  /** One line per mediator: ACME, ADE, total effect and proportion mediated (averages) with CIs. */
  protected summaryParts(): SummaryParts {
    const rows = [...this.results];
    const first = rows[0]![1];
    const cells = rows.map(([name, r]) => {
      const q = [r.acme.average, r.ade.average, r.total, r.propMediated.average];
      const f = formatReal(q.flatMap((e) => [e.estimate, e.confLow, e.confHigh]), 3);
      const p = formatPValues(q.map((e) => e.pValue), 3);
      return [name, ...q.map((_, i) => `${f[3 * i]} [${f[3 * i + 1]}, ${f[3 * i + 2]}] p=${p[i]}`)];
    });
    const table = textTable(cells, { header: ['Mediator', 'ACME (average)', 'ADE (average)', 'Total Effect', 'Prop. Mediated (average)'] });
    return {
      title: 'Causal mediation, one mediator at a time',
      meta: [
        ['Confidence intervals', `${first.boot ? 'nonparametric bootstrap' : 'quasi-Bayesian'}, ${Number((100 * first.level).toPrecision(6))}%`],
        ['Simulations', String(first.sims)],
      ],
      rows: [],
      tables: [{ heading: 'Estimate [CI] and simulation p-value of each average effect', body: table }],
    };
  }

  protected jsonFields(): Record<string, unknown> {
    const byMediator: Record<string, unknown> = Object.create(null);
    for (const [k, v] of this.results) byMediator[k] = v.toJSON();
    return { results: byMediator };
  }
}

/**
 * Runs `mediate` for each mediator (same options and seed) and collects the results.
 *
 * @throws {CausalPanelError} `unknown_option`, `invalid_option` (no mediators, duplicates,
 *   missing formulas) and everything `mediate` throws
 * @example
 * const many = mediateMany({
 *   data: jobs, treat: 'treat', mediators: ['job_seek', 'job_disc'], boot: true, seed: 1,
 *   mediatorModel: '{mediator} ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + {mediator} + econ_hard + sex + age',
 * });
 * many.results.get('job_seek')?.acme.average.estimate; // -0.0157446 (as mediate alone)
 */
export function mediateMany(options: MediateManyOptions): MediateManyResult {
  return withFunctionName(FN, () => {
    const o = readOptions(FN, options, manySpec, MEDIATE_UNSUPPORTED);
    // Convert once so that every mediator's run shares the same frame.
    const data = toFrame(o.data, FN);
    const results = new Map<string, MediationResult>();
    const { onProgress } = o;
    const total = o.mediators.length;
    for (const [index, spec] of o.mediators.entries()) {
      const common = {
        ...o,
        mediatorFamily: spec.mediatorFamily ?? o.mediatorFamily,
        // One progress run over all mediators, not one restarting per mediator.
        onProgress: onProgress === undefined ? undefined : (done: number, sims: number) => onProgress(index * sims + done, total * sims),
      };
      const mediatorModel = spec.mediatorModel ?? fill(o.mediatorModel, spec.mediator, 'mediatorModel');
      const outcomeModel = spec.outcomeModel ?? fill(o.outcomeModel, spec.mediator, 'outcomeModel');
      results.set(spec.mediator, runMediate(data, mediateParams(FN, common, spec.mediator, mediatorModel, outcomeModel)));
    }
    return new MediateManyResult(results);
  });
}
