// causal-panel public API: re-exports only, grouped by layer.

// errors
export { CausalPanelError, formatNote, type ErrorCode, type ErrorDetails, type Note } from './errors.js';

// ① data
export { Frame, type Column } from './data/frame.js';
export { toFrame, type DataInput } from './data/fromInput.js';
export { parseCsv, type ParseCsvOptions } from './data/parseCsv.js';

// ② numerics
export { normalCdf, normalQuantile, tCdf, tQuantile, fCdf, chisqCdf, type Dist } from './numerics/distributions.js';

// ④ inference
export { waldInference, type WaldInference } from './inference/intervals.js';

// ⑥ report
export { type Estimate } from './report/estimate.js';

// ⑤ estimators — regression DiD
export { did, type DidOptions } from './estimators/did/did.js';
export { DidResult, twoByTwoMeans, type DidResultInit, type DidMeans, type MeanCell } from './estimators/did/didResult.js';
export { eventStudy, EventStudyResult, waldPretest, type EventStudyOptions, type EventTimeEstimate, type CohortEstimate, type PreTest } from './estimators/did/eventStudy.js';
export { outcomeSd, standardizeEstimate, resolveStandardize, type Standardize, type StandardizeBasis } from './estimators/effectSize.js';
