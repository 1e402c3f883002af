/**
 * Loads a reference result from `fixtures/oracles/<name>.json` (R / statsmodels outputs with the
 * call that made them), and the datasets in `fixtures/datasets/`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../src/data/parseCsv.js';
import type { Frame } from '../../src/data/frame.js';

const ROOT = new URL('../../fixtures/', import.meta.url);

/** An oracle file: provenance plus results. */
export interface Oracle<R = Record<string, unknown>> {
  case?: string;
  package?: string;
  call?: string;
  data?: string;
  results: R;
  [key: string]: unknown;
}

/** Parsed `fixtures/oracles/<name>.json`. @example loadOracle('fixest_ols_hetero').results.nobs */
export function loadOracle<R = any>(name: string): Oracle<R> {
  const file = fileURLToPath(new URL(`oracles/${name.endsWith('.json') ? name : `${name}.json`}`, ROOT));
  return JSON.parse(readFileSync(file, 'utf8')) as Oracle<R>;
}

/** `fixtures/datasets/<name>` parsed as a Frame. @example loadDataset('base_did.csv').nrow */
export function loadDataset(name: string): Frame {
  const file = fileURLToPath(new URL(`datasets/${name}`, ROOT));
  return parseCsv(readFileSync(file, 'utf8'));
}

/** One coefficient row of a fixest oracle (`coeftable` columns). */
export interface OracleCoef {
  term: string;
  estimate: number;
  stdError: number;
  statistic: number;
  pValue: number;
}

/** One fitted model of a fixest oracle: coefficient table, sample size, vcov, number of clusters. */
export interface OracleFit {
  coefficients: OracleCoef[];
  nobs: number;
  vcov: number[][];
  nClusters: number | null;
}
