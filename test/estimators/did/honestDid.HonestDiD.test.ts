/**
 * honestDid against HonestDiD 0.2.6 (fixtures/oracles/honestdid_mpdta_first.json), the fast
 * part: the original interval, relative magnitudes with the default C-LF, smoothness Conditional
 * and the FLCI (HonestDiD's simulated quantile). Every case on both oracles runs in the slow
 * project (honestDid.HonestDiD.all.test.ts); the tolerances and their reasons are in
 * test/helpers/honestDidOracle.ts.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeHonestOracle } from '../../helpers/honestDidOracle.js';

describeHonestOracle('honestdid_mpdta_first', ['original', 'rmClf', 'sdConditional', 'flciSimulated']);

it('the oracle file holds the blocks the battery reads (a renamed key would skip nothing silently)', () => {
  const results = JSON.parse(readFileSync(new URL('../../../fixtures/oracles/honestdid_mpdta_first.json', import.meta.url), 'utf8')).results;
  expect(Object.keys(results)).toEqual(expect.arrayContaining(['original', 'relativeMagnitudes', 'smoothness', 'betahat', 'sigma']));
  expect(results.relativeMagnitudes.CLF.length).toBeGreaterThan(0);
});
