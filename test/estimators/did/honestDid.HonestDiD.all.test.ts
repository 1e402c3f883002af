/**
 * honestDid against HonestDiD 0.2.6: every case (original; relative magnitudes C-LF and
 * Conditional; smoothness C-LF, Conditional, FLCI with the simulated and the exact quantile, C-F)
 * on both oracles, fixtures/oracles/honestdid_mpdta_first.json (θ = first post period) and
 * honestdid_mpdta_average.json (θ = average of the post periods). Slow project (≈ 10 s of CPU);
 * tolerances and their reasons: test/helpers/honestDidOracle.ts.
 */
import { expect, it } from 'vitest';
import { ALL_HONEST_CASES, describeHonestOracle } from '../../helpers/honestDidOracle.js';

describeHonestOracle('honestdid_mpdta_first', ALL_HONEST_CASES);
describeHonestOracle('honestdid_mpdta_average', ALL_HONEST_CASES);

it('the battery covers every case of HonestDiD the oracles hold', () => {
  expect([...ALL_HONEST_CASES].sort()).toEqual(['cf', 'flciExact', 'flciSimulated', 'original', 'rmClf', 'rmConditional', 'sdClf', 'sdConditional']);
});
