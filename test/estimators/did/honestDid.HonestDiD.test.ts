/**
 * honestDid against HonestDiD 0.2.6 (fixtures/oracles/honestdid_mpdta_first.json), the fast
 * part: the original interval, relative magnitudes with the default C-LF, smoothness Conditional
 * and the FLCI (HonestDiD's simulated quantile). Every case on both oracles runs in the slow
 * project (honestDid.HonestDiD.all.test.ts); the tolerances and their reasons are in
 * test/helpers/honestDidOracle.ts.
 */
import { describeHonestOracle } from '../../helpers/honestDidOracle.js';

describeHonestOracle('honestdid_mpdta_first', ['original', 'rmClf', 'sdConditional', 'flciSimulated']);
