// @tsdbt/duckdb: the DuckDB adapter (embedded, file or in-memory).
import type { Adapter } from '@tsdbt/core';
import { createDuckDBDialect } from './duckdb-dialect.js';
import { createDuckDBDriver } from './duckdb-driver.js';
import { createDuckDBIntrospector } from './duckdb-introspector.js';

export const duckdbAdapter: Adapter = {
  type: 'duckdb',
  createDialect: () => createDuckDBDialect(),
  createDriver: (config, ctx) => createDuckDBDriver(config, ctx),
  createIntrospector: (dialect) => createDuckDBIntrospector(dialect),
  secretKeys: [],
};

export default duckdbAdapter;

export { DuckDBDialect, createDuckDBDialect, stripTrailingSemicolons } from './duckdb-dialect.js';
export {
  DuckDBDriver,
  DuckDBDriverConnection,
  DuckDBError,
  createDuckDBDriver,
  resolveDatabasePath,
  toDuckDBError,
} from './duckdb-driver.js';
export type { DuckDBSettingValue, DuckDBTargetConfig } from './duckdb-driver.js';
export { DuckDBIntrospector, createDuckDBIntrospector } from './duckdb-introspector.js';
export { jsonSafeConverter, toDuckDBValue } from './duckdb-values.js';
