/**
 * The Sun & Abraham (2021) cell construction and aggregation used by `eventStudy({ method:
 * 'sunab' })`. The implementation lives in `models/sunab.ts` so that feols's `sunab()` formula
 * term (models/ may not import estimators/) and the event study share one copy.
 */
export { absentCohortsAsNever, absentCohortsNote, aggregateCoefficients, classifyCohorts, sunabCells, type Aggregated, type CohortClasses, type SunabCell } from '../../models/sunab.js';
