// causal-panel public API: re-exports only, grouped by layer.

// errors and notes
export { CausalPanelError, formatNote, type ErrorCode, type ErrorDetails, type Note } from './errors.js';

// ① data: tables in, clean numeric columns out
export { Frame, type Column } from './data/frame.js';
export { toFrame, type DataInput } from './data/fromInput.js';
export { parseCsv, type ParseCsvOptions } from './data/parseCsv.js';
export { factor, type Factor } from './data/factor.js';
export { completeRows, type CompleteRows } from './data/missing.js';

// ② numerics: distributions and seeded random numbers users may want directly
export { normalCdf, normalQuantile, tCdf, tQuantile, fCdf, chisqCdf, type Dist } from './numerics/distributions.js';
export { createRng, type Rng } from './numerics/random.js';

// ③ models: formulas, linear models with fixed effects, GLMs
export { parseFormula, parseVariableList, formulaColumns, type FormulaSpec, type FormulaTerm } from './models/formula/parse.js';
export { buildDesign, modelMatrix, type Design, type BuildDesignOptions, type ModelMatrix } from './models/formula/design.js';
export { feols, OlsFit, type FeolsOptions } from './models/feols.js';
export { glm, GlmFit, type GlmOptions } from './models/glm.js';

// ④ inference
export { waldInference, type WaldInference } from './inference/intervals.js';
export { type VcovOption } from './inference/vcovSpec.js';
export { type Ssc } from './inference/ssc.js';

// ⑤ estimators — regression DiD
export { did, type DidOptions } from './estimators/did/did.js';
export { DidResult, twoByTwoMeans, type DidResultInit, type DidMeans, type MeanCell } from './estimators/did/didResult.js';
export { eventStudy, type EventStudyOptions } from './estimators/did/eventStudy.js';
export { EventStudyResult, type EventTimeEstimate, type CohortEstimate } from './estimators/did/eventStudyResult.js';
export { waldPretest, type PreTest } from './estimators/did/waldPretest.js';
export { outcomeSd, standardizeEstimate, resolveStandardize, type Standardize, type StandardizeBasis } from './estimators/effectSize.js';
// ⑤ estimators — staggered DiD (Callaway–Sant'Anna)
export { attgt, AttgtResult, type AttgtOptions, type AttgtRow, type AttgtPretest } from './estimators/did/attgt.js';
export { AttgtAggregate, type AggregationType, type AggregateOptions, type AggregateRow } from './estimators/did/aggregate.js';
// ⑤ estimators — matching and PSM-DiD
export { matchit } from './estimators/matching/matchit.js';
export { MatchitResult, type MatchedSet } from './estimators/matching/matchitResult.js';
export { type MatchitOptions } from './estimators/matching/validateMatchit.js';
export { type BalanceRow } from './estimators/matching/balance.js';
export { matchedAtt, MatchedAttResult, type MatchedAttOptions } from './estimators/matching/matchedAtt.js';
export { psmDid, type PsmDidOptions } from './estimators/psmDid.js';
export { PsmDidResult } from './estimators/psmDidResult.js';
// ⑤ estimators — causal mediation
export { mediate, type MediateOptions, type MediationResult } from './estimators/mediation/mediate.js';
export { mediateMany, type MediateManyOptions, type MediateManyResult, type MediatorSpec } from './estimators/mediation/mediateMany.js';
export { medsens, type MedsensOptions, type MedsensResult } from './estimators/mediation/medsens.js';
export { productOfCoefficients, type ProductOfCoefficientsOptions, type ProductOfCoefficientsResult } from './estimators/mediation/productOfCoefficients.js';

// simulation: the SSP-style school panel used by the worked example
export { simulateSchoolPanel, SSP_TRUE_EFFECTS, SSP_MEDIATOR_EFFECTS, SSP_OUTCOMES, SSP_MEDIATORS, type SchoolPanelOptions, type TrueEffect } from './simulate/simulateSchoolPanel.js';

// ⑥ report: results → text tables and SVG plots
export { type Estimate, ESTIMATE_FIELDS } from './estimate.js';
export { renderSummary, type SummaryInput } from './report/summary.js';
export { etable, type EtableOptions } from './report/etable.js';
export { type EtableModel, type EtableInput } from './report/etableModel.js';
export { eventStudyPlot, type EventStudyPlotOptions, type EventStudyLike } from './report/svg/eventStudyPlot.js';
export { coefPlot, type CoefPlotOptions, type Tidyable } from './report/svg/coefPlot.js';
export { attgtPlot } from './report/svg/attgtPlot.js';
export { lovePlot, type LovePlotOptions, type BalanceTables } from './report/svg/lovePlot.js';
export { overlapPlot, type OverlapPlotOptions, type OverlapGroups, type ScoresAndTreatment } from './report/svg/overlapPlot.js';
export { mediationPlot, type MediationPlotOptions } from './report/svg/mediationPlot.js';
export { mediationRows, type MediationEffects } from './report/svg/mediationPlot.js';
export { textTable, markdownTable, type TableOptions } from './report/textTable.js';
export { type EventRow } from './report/svg/eventStudyPlot.js';
export { type GroupTimeRow } from './report/svg/attgtPlot.js';
export { type BalancePoint } from './report/svg/lovePlot.js';
export { type PointRange } from './report/svg/coefPlot.js';
export { deltaMethodVcov, deltaMethodSe, numericJacobian } from './inference/deltaMethod.js';
export { aggregateAttgt, type AttgtCells } from './estimators/did/aggregate.js';
export { multiplierBootstrap, type MultiplierBootstrapResult } from './inference/bootstrap.js';
export { influenceSE, influenceVcov } from './inference/influence.js';

// types referenced by the exported signatures (so API docs and users can name them)
export type { RawMediateOptions, ProgressCallback, MediationTriple, MediationEstimate, MediationDraws, MediationFamily } from './estimators/mediation/mediate.js';
export type { SensitivityCurve, MediationLike } from './estimators/mediation/medsens.js';
export type { MatchedSample } from './estimators/matching/matchedAtt.js';
export type { DidColumns } from './estimators/did/did.js';
export type { FamilyName, LinkName } from './numerics/family.js';
export type { VcovInfo, SummaryParts } from './models/fit.js';
export type { FixefSize } from './models/feols.js';
export type { AggregationInference } from './estimators/did/aggregate.js';
export type { AttgtBootstrapOptions, AttgtParams } from './estimators/did/attgtOptions.js';
export type { DesignFixedEffect } from './models/formula/fixedEffects.js';
export type { DesignInfo } from './models/formula/terms.js';
export type { FixedEffectSpec, FormulaVariable, Level } from './models/formula/parse.js';
export type { Expr, CallArg, BinaryOp } from './models/formula/expr.js';
export type { EffectLeaf } from './report/svg/mediationPlot.js';
export type { Align } from './report/textTable.js';
export type { PlotOptions } from './report/svg/layout.js';
export type { InfluenceVcovOptions } from './inference/influence.js';
export type { MultiplierBootstrapOptions } from './inference/bootstrap.js';
export type { DidMethod } from './estimators/did/drdid.js';
export type { VariableCoding } from './models/formula/terms.js';
export type { VcovSpec } from './inference/vcovSpec.js';
export type { MedsensSystem } from './estimators/mediation/medsens.js';
export { irls, type IrlsOptions, type IrlsResult } from './numerics/irls.js';

// few-cluster inference: CR2 / Satterthwaite, Wald tests (issue 11)
export { waldTest, type WaldConstraints, type WaldTestOptions, type WaldTestResult } from './models/waldTest.js';

// wild cluster bootstrap and randomization inference (issue 11)
export { boottest, type BoottestOptions } from './estimators/boottest.js';
export { BoottestResult } from './estimators/boottestResult.js';
export { ritest, RitestResult, type RitestOptions } from './estimators/ritest.js';
export { type WildWeights, type WildPValueType } from './inference/wildBootstrap.js';

// effect sizes and attgt clustering (issue 11)
export {
  hedgesG,
  effectSize,
  EffectSizeResult,
  standardizeRows,
  standardizeBasis,
  type HedgesG,
  type HedgesGOptions,
  type EffectSizeOptions,
  type EffectSizeSource,
} from './estimators/effectSize.js';

// modern DiD: Goodman-Bacon, imputation, two-stage (issue 14)
export { baconDecomposition, type BaconOptions } from './estimators/did/bacon.js';
export { BaconResult, type BaconComparison, type BaconType } from './estimators/did/baconResult.js';
export { didImputation, type DidImputationOptions } from './estimators/did/didImputation.js';
export { DidImputationResult, type ImputationRow } from './estimators/did/didImputationResult.js';
export { did2s, type Did2sOptions } from './estimators/did/did2s.js';
export { Did2sResult, type Did2sRow } from './estimators/did/did2sResult.js';
export { baconPlot, type BaconPlotOptions, type BaconPoint } from './report/svg/baconPlot.js';
export { plotResult } from './report/svg/plotResult.js';
export { resultRecord, tidyCsv } from './report/resultRecord.js';

// HonestDiD sensitivity (issue 14)
export { honestDid, type HonestDidOptions, type HonestDidInput } from './estimators/did/honestDid.js';
export { HonestDidResult } from './estimators/did/honestDidResult.js';
export { standardFormLp, linearProgram, type LpSolution, type LinearProgram } from './numerics/linearProgram.js';
export { honestDidPlot, type HonestDidLike, type SensitivityInterval } from './report/svg/honestDidPlot.js';

// multiple estimation (issue 14)
export { feolsMulti, FeolsMulti, type FeolsMultiOptions, type MultiFitLabel } from './models/feolsMulti.js';
export { expandMultiple, type ExpandedFormula } from './models/formula/multiple.js';
export type { SunabAggregation } from './models/sunabAggregate.js';
export type { SunabDesign, SunabTermCell } from './models/formula/sunab.js';

// fixed-effect GLMs (issue 15)
export { feglm, fepois, type FeglmOptions } from './models/feglm.js';
export { FeglmFit } from './models/feglmFit.js';

// linear mixed models (issue 15)
export { lmm, type LmmOptions } from './models/lmm/lmm.js';
export { LmmFit, type VarCorrRow, type RanefGroup } from './models/lmm/lmmResult.js';
export { anova, LmmAnova, type AnovaRow } from './models/lmm/anova.js';
export { SparseCholesky, eliminationTree, type SparsePattern } from './numerics/sparseCholesky.js';
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './numerics/nelderMead.js';
export { richardsonHessian, richardsonJacobian } from './numerics/richardson.js';

// multilevel mediation: mediate with lmm fits (issue 15)
export { MultilevelMediationResult, type GroupMediationEffects, type MultilevelMediateOptions, type MultilevelMediateCommon, type MultilevelModel } from './estimators/mediation/mediate.js';

// file readers: Stata, SPSS, Parquet (issue 10)
export { parseDta, type ParseDtaOptions } from './data/parseDta.js';
export { parseSav, type ParseSavOptions } from './data/parseSav.js';
export { parseParquet, type ParseParquetOptions } from './data/parseParquet.js';
export type { ArrowTableLike } from './data/fromArrow.js';

// portable elementary functions and engines (issue 13)

// worker pool: both cores for replicates and cells (issue 12)
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from './parallel/pool.js';
export { type WorkersOption } from './parallel/workersOption.js';

// speed: feols and attgt internals (issue 12)
