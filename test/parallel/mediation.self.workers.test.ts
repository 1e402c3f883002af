/**
 * mediate's bootstrap (bootstrapDraws, the general loop) with 2 workers against the loop on one
 * thread: every draw bit for bit and the generator left in the same state (the full-sample draw
 * that mediate takes next), for a binomial mediator (probit and logit, rows and clusters) and a
 * gaussian mediator whose noise cancels; a gaussian mediator with noise runs on this thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapDraws, type BootstrapOptions } from '../../src/estimators/mediation/bootstrap.js';
import { readMediateOptions } from '../../src/estimators/mediation/mediateOptions.js';
import { prepareMediation } from '../../src/estimators/mediation/prepareMediation.js';
import { validateMediate } from '../../src/estimators/mediation/validateMediate.js';
import { toFrame } from '../../src/data/fromInput.js';
import { createRng } from '../../src/numerics/random.js';
import { createWorkerPool } from '../../src/parallel/pool.js';
import { loadDataset } from '../helpers/oracle.js';

const jobs = toFrame(loadDataset('jobs.csv'), 'test');
const pool = createWorkerPool(2);
afterAll(() => pool.close());

function prepared(options: Record<string, unknown>) {
  const params = readMediateOptions({ data: jobs, treat: 'treat', sims: 10, ...options });
  const { frame } = validateMediate(jobs, params);
  return prepareMediation(frame, params);
}

const cases: [string, Record<string, unknown>, boolean][] = [
  ['binomial (probit) mediator', { mediator: 'job_dich', mediatorModel: 'job_dich ~ treat + econ_hard + sex + age', mediatorFamily: { family: 'binomial', link: 'probit' }, outcomeModel: 'depress2 ~ treat + job_dich + econ_hard + sex + age' }, false],
  ['binomial (logit) mediator, cluster resampling', { mediator: 'job_dich', mediatorModel: 'job_dich ~ treat + econ_hard + sex + age', mediatorFamily: 'binomial', outcomeModel: 'depress2 ~ treat + job_dich + econ_hard + sex + age', cluster: 'occp' }, true],
  ['binomial outcome, gaussian mediator (noise matters: this thread)', { mediator: 'job_seek', mediatorModel: 'job_seek ~ treat + econ_hard + sex + age', outcomeModel: 'comply ~ treat + job_seek + econ_hard + sex + age', outcomeFamily: { family: 'binomial', link: 'probit' } }, false],
];

describe('bootstrapDraws: workers 2 equals one thread bit for bit', () => {
  for (const [name, options, clustered] of cases) {
    it(name, () => {
      const p = prepared(options);
      const common: BootstrapOptions = { clusterCodes: clustered ? p.clusterCodes : null, nClusters: clustered ? p.nClusters : 0 };
      const rngOne = createRng(5);
      const one = bootstrapDraws(p.mediator, p.outcome, 120, rngOne, common);
      const rngTwo = createRng(5);
      const two = bootstrapDraws(p.mediator, p.outcome, 120, rngTwo, { ...common, pool, seed: 5 });
      for (const key of ['d1', 'd0', 'z1', 'z0'] as const) expect(Array.from(two[key])).toEqual(Array.from(one[key]));
      expect(one.d0.some((x) => x !== 0 && Number.isFinite(x))).toBe(true);
      // the generator is where the loop left it: the next draws agree
      expect([rngTwo.nextUint32(), rngTwo.uniform(), rngTwo.normal()]).toEqual([rngOne.nextUint32(), rngOne.uniform(), rngOne.normal()]);
      // the workers were used exactly where a draw takes a fixed number of outputs (a closed pool is an error there)
      const closed = { ...pool, closed: true } as typeof pool;
      const run = () => bootstrapDraws(p.mediator, p.outcome, 5, createRng(5), { ...common, pool: closed, seed: 5 });
      if (name.includes('this thread')) expect(run().d0).toHaveLength(5);
      else expect(run).toThrow(/closed worker pool/);
    });
  }
});

describe('mediate({ boot: true, workers }) through the public entry', () => {
  it('workers: 2 and a pool give the one-thread result bit for bit; a bad value is a typed error', async () => {
    const { mediate } = await import('../../src/estimators/mediation/mediate.js');
    const options = {
      data: jobs, treat: 'treat', mediator: 'job_dich', boot: true, sims: 60, seed: 9,
      mediatorModel: 'job_dich ~ treat + econ_hard + sex + age', mediatorFamily: 'binomial' as const,
      outcomeModel: 'depress2 ~ treat + job_dich + econ_hard + sex + age',
    };
    const one = mediate(options);
    const two = mediate({ ...options, workers: 2 });
    const pooled = mediate({ ...options, workers: pool });
    expect(two.tidy()).toEqual(one.tidy());
    expect(pooled.tidy()).toEqual(one.tidy());
    expect(Array.from(two.draws().acmeTreated)).toEqual(Array.from(one.draws().acmeTreated));
    expect(Array.from(two.draws().adeControl)).toEqual(Array.from(one.draws().adeControl));
    expect(() => mediate({ ...options, workers: 0 })).toThrow(/mediate: option "workers" must be an integer from 1 to 16/);
  });
});
