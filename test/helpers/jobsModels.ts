/**
 * The JOBS II data (fixtures/datasets/jobs.csv, from R's mediation package) and the linear
 * mediator / outcome models of mediation's documentation example, shared by the mediation tests
 * (mediation 4.5.1, lavaan 0.6-14 and hand Sobel oracles all use these two models).
 */
import { loadDataset } from './oracle.js';

/** jobs.csv as a Frame. */
export const jobs = loadDataset('jobs.csv');

/** `mediate(lm(job_seek ~ treat + …), lm(depress2 ~ treat + job_seek + …), treat = 'treat', mediator = 'job_seek')`. */
export const jobsModels = {
  data: jobs,
  treat: 'treat',
  mediator: 'job_seek',
  mediatorModel: 'job_seek ~ treat + econ_hard + sex + age',
  outcomeModel: 'depress2 ~ treat + job_seek + econ_hard + sex + age',
};
