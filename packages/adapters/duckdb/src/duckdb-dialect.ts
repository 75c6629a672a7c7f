// DuckDB SQL generation. Pure string building: no I/O, no connection needed. The shared SQL
// (DDL, swap, merge, delete+insert) comes from core's SqlDialect; DuckDB adds its seed path.
import { SqlDialect } from '@tsdbt/core';
import type { ColumnMeta, CsvErrorInfo, CsvReadOptions, DialectCapabilities, RelationRef, SeedColumnKind } from '@tsdbt/core';
import * as csv from './duckdb-csv.js';

export { stripTrailingSemicolons } from '@tsdbt/core';

const CAPABILITIES: DialectCapabilities = Object.freeze({
  // DuckDB DDL is transactional: CREATE/ALTER/DROP roll back with the transaction.
  transactionalDdl: true,
  createOrReplace: true,
  // MERGE INTO exists since DuckDB 1.4 (verified against 1.5.6).
  merge: true,
});

/** Identifiers are always quoted; DuckDB matches them case-insensitively even when quoted. */
export class DuckDBDialect extends SqlDialect {
  readonly name = 'duckdb';
  readonly capabilities: DialectCapabilities = CAPABILITIES;
  /**
   * Contract constraints: DuckDB checks not_null, primary_key, unique and check. Its foreign keys
   * forbid dropping or renaming the referenced table, which every rebuild of that model does, so
   * they are left out with dbt's warning.
   */
  readonly constraintSupport = { foreign_key: 'not_supported' } as const;

  // Seeds: the query path, with read_csv (see duckdb-csv.ts).
  readonly seedTypes: Readonly<Record<SeedColumnKind, string>> = csv.DUCKDB_SEED_TYPES;

  selectFromCsv(file: string, options: CsvReadOptions): string {
    return csv.selectFromCsv(this, file, options);
  }

  explainCsvError(message: string): CsvErrorInfo | undefined {
    return csv.explainCsvError(message);
  }

  inferSeedKinds(rel: RelationRef, columns: readonly string[], limit?: number): string {
    return csv.inferSeedKinds(this, rel, columns, limit);
  }

  createTable(rel: RelationRef, columns: readonly ColumnMeta[], options: { quoteColumns: boolean }): string {
    return csv.createTable(this, rel, columns, options);
  }
}

export function createDuckDBDialect(): DuckDBDialect {
  return new DuckDBDialect();
}
