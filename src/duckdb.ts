/**
 * `causal-panel/duckdb`: data beyond memory through DuckDB (`@duckdb/node-api`, an optional peer
 * dependency the caller installs and connects). `fromDuckDB` reads the needed columns of a query
 * into a Frame; `didDuckDB`, `attgtDuckDB` and `cellMeansDuckDB` send SQL to DuckDB and bring back
 * group sums only, with the same numbers as `did()`, `attgt()` without covariates and the cell
 * means of an event-study plot. Nothing here imports DuckDB: the main entry and the browser
 * bundle never load it. See docs/duckdb.md.
 */
export { fromDuckDB, type FromDuckDBOptions } from './duckdb/fromDuckDB.js';
export { didDuckDB, DidDuckDBResult, type DidDuckDBOptions } from './duckdb/didDuckDB.js';
export { attgtDuckDB, AttgtDuckDBResult, type AttgtDuckDBOptions, type PushdownCell } from './duckdb/attgtDuckDB.js';
export { quoteIdentifier, sourceRelation, type DuckDBConnectionLike } from './duckdb/connection.js';
export { cellMeansDuckDB, CellMeansDuckDBResult, type CellMean, type CellMeansDuckDBOptions } from './duckdb/cellMeansDuckDB.js';
