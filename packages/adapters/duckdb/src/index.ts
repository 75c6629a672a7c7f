// @tsdbt/duckdb: the DuckDB adapter (embedded, file or in-memory).
// The native bindings load on the first connection only: parse and compile need just the dialect.
import type { Adapter, AdapterContext, Connection, Driver, TargetConfig } from '@tsdbt/core';
import { createDuckDBDialect } from './duckdb-dialect.js';
import { createDuckDBIntrospector } from './duckdb-introspector.js';

function lazyDriver(config: TargetConfig, ctx: AdapterContext): Driver {
  let driver: Promise<Driver> | undefined;
  const load = () => (driver ??= import('./duckdb-driver.js').then((m) => m.createDuckDBDriver(config, ctx)));
  return {
    connect: async (): Promise<Connection> => (await load()).connect(),
    close: async () => {
      if (driver) await (await driver).close();
    },
  };
}

export const duckdbAdapter: Adapter = {
  type: 'duckdb',
  createDialect: () => createDuckDBDialect(),
  createDriver: (config, ctx) => lazyDriver(config, ctx),
  createIntrospector: (dialect) => createDuckDBIntrospector(dialect),
  secretKeys: [],
};

export default duckdbAdapter;

export { DuckDBDialect, createDuckDBDialect, stripTrailingSemicolons } from './duckdb-dialect.js';
export { DuckDBIntrospector, createDuckDBIntrospector } from './duckdb-introspector.js';
export type { DuckDBDriver, DuckDBDriverConnection, DuckDBError, DuckDBSettingValue, DuckDBTargetConfig } from './duckdb-driver.js';
