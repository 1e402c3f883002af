/**
 * Several candidate mediators, one at a time, in one table — the analogue of R's
 * mediation::mediations(), which loops mediate() over mediator/outcome pairs. Each mediator gets
 * its own mediator model and outcome model (from `{mediator}` templates or explicit formulas);
 * the effects are not joint (see Imai & Yamamoto 2013 for multiple causally related mediators).
 */
import { CausalPanelError, type Note, withFunctionName } from '../../errors.js';
import { toFrame } from '../../data/fromInput.js';
import type { Estimate } from '../../estimate.js';
import { formatReal, formatPValues } from '../../report/format.js';
import { textTable } from '../../report/textTable.js';
import { mediate, type MediateOptions, type MediationResult } from './mediate.js';
import type { MediationFamily } from './validateMediate.js';

/** One mediator: its name, and optionally its own formulas and family. */
export interface MediatorSpec {
  mediator: string;
  mediatorModel?: string;
  outcomeModel?: string;
  mediatorFamily?: MediationFamily;
}

/** Options of {@link mediateMany}: those of `mediate` with `{mediator}` formula templates. */
export interface MediateManyOptions extends Omit<MediateOptions, 'mediator' | 'mediatorModel' | 'outcomeModel'> {
  /** Mediator names or specs. */
  mediators: readonly (string | MediatorSpec)[];
  /** Template, e.g. `'{mediator} ~ treat + econ_hard'` (used when a spec has no mediatorModel). */
  mediatorModel?: string;
  /** Template, e.g. `'depress2 ~ treat + {mediator} + econ_hard'`. */
  outcomeModel?: string;
}

/** Result of {@link mediateMany}. */
export interface MediateManyResult {
  kind: 'mediateMany';
  /** Mediator → its mediate() result, in input order. */
  results: ReadonlyMap<string, MediationResult>;
  notes: readonly Note[];
  /** All rows of every result, terms prefixed by the mediator (`job_seek: ACME (average)`). */
  tidy(): Estimate[];
  /** One line per mediator: ACME, ADE, total effect and proportion mediated (averages) with CIs. */
  summary(): string;
  toJSON(): object;
}

const FN = 'mediateMany';

function fill(template: string | undefined, mediator: string, option: string): string {
  if (template === undefined) {
    throw new CausalPanelError('invalid_option', `${FN}: ${option} is needed for mediator "${mediator}" (give a template with {mediator} or a spec)`, {
      fn: FN,
      option,
    });
  }
  return template.split('{mediator}').join(mediator);
}

/**
 * Runs {@link mediate} for each mediator (same options and seed) and collects the results.
 *
 * @throws {CausalPanelError} `invalid_option` (no mediators, duplicates, missing formulas) and
 *   everything `mediate` throws
 * @example
 * const many = mediateMany({
 *   data: jobs, treat: 'treat', mediators: ['job_seek', 'job_disc'], boot: true, seed: 1,
 *   mediatorModel: '{mediator} ~ treat + econ_hard + sex + age',
 *   outcomeModel: 'depress2 ~ treat + {mediator} + econ_hard + sex + age',
 * });
 * many.results.get('job_seek')?.acme.average.estimate; // -0.0157446 (as mediate alone)
 */
export function mediateMany(options: MediateManyOptions): MediateManyResult {
  return withFunctionName('mediateMany', () => mediateManyUnlabelled(options));
}

/** {@link mediateMany} itself; errors of inner public functions are relabelled by the wrapper above. */
function mediateManyUnlabelled(options: MediateManyOptions): MediateManyResult {
  const { mediators, mediatorModel, outcomeModel, ...common } = options;
  if (!Array.isArray(mediators) || mediators.length === 0) {
    throw new CausalPanelError('invalid_option', `${FN}: mediators must be a non-empty array (got ${JSON.stringify(mediators)})`, { fn: FN, option: 'mediators' });
  }
  // Convert once so that every mediate() call shares the same frame.
  const data = toFrame(common.data, FN);
  const results = new Map<string, MediationResult>();
  const { onProgress } = common;
  for (const [index, entry] of mediators.entries()) {
    const spec: MediatorSpec = typeof entry === 'string' ? { mediator: entry } : entry;
    if (results.has(spec.mediator)) {
      throw new CausalPanelError('invalid_option', `${FN}: mediator "${spec.mediator}" is listed twice`, { fn: FN, option: 'mediators', value: spec.mediator });
    }
    const result = mediate({
      ...common,
      data,
      mediator: spec.mediator,
      mediatorModel: spec.mediatorModel ?? fill(mediatorModel, spec.mediator, 'mediatorModel'),
      outcomeModel: spec.outcomeModel ?? fill(outcomeModel, spec.mediator, 'outcomeModel'),
      ...(spec.mediatorFamily !== undefined ? { mediatorFamily: spec.mediatorFamily } : {}),
      // One progress run over all mediators, not one restarting per mediator.
      ...(typeof onProgress === 'function' ? { onProgress: (done: number, total: number) => onProgress(index * total + done, mediators.length * total) } : {}),
    });
    results.set(spec.mediator, result);
  }
  const notes: Note[] = [];
  for (const [name, r] of results) for (const note of r.notes) notes.push(note.code === 'design_adjusted' ? { code: 'design_adjusted', message: `${name}: ${note.message}` } : note);
  const out: MediateManyResult = {
    kind: 'mediateMany',
    results,
    notes,
    tidy: () => [...results].flatMap(([name, r]) => r.tidy().map((row) => ({ ...row, term: `${name}: ${row.term}` }))),
    summary: () => {
      const rows = [...results];
      const level = rows[0]![1].level;
      const cells = rows.map(([name, r]) => {
        const q = [r.acme.average, r.ade.average, r.total, r.propMediated.average];
        const f = formatReal(q.flatMap((e) => [e.estimate, e.confLow, e.confHigh]), 3);
        const p = formatPValues(q.map((e) => e.pValue), 3);
        return [name, ...q.map((_, i) => `${f[3 * i]} [${f[3 * i + 1]}, ${f[3 * i + 2]}] p=${p[i]}`)];
      });
      const method = rows[0]![1].boot ? 'nonparametric bootstrap' : 'quasi-Bayesian';
      return [
        `Causal mediation, one mediator at a time (${method}, ${Number((100 * level).toPrecision(6))}% CIs)`,
        '',
        textTable(cells, { header: ['Mediator', 'ACME (average)', 'ADE (average)', 'Total Effect', 'Prop. Mediated (average)'] }),
      ].join('\n');
    },
    toJSON: () => {
      const byMediator: Record<string, object> = Object.create(null);
      for (const [k, v] of results) byMediator[k] = v.toJSON();
      return { kind: 'mediateMany', results: byMediator, notes };
    },
  };
  Object.defineProperty(out, Symbol.for('nodejs.util.inspect.custom'), { value: () => out.summary(), enumerable: false });
  return out;
}
