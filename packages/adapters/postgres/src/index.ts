// @tsdbt/postgres: the PostgreSQL adapter (PostgreSQL 15+, for MERGE).
// `pg` loads on the first connection only: parse and compile need just the dialect.
import type { Adapter, AdapterContext, Connection, Driver, TargetConfig } from '@tsdbt/core';
import { createPostgresDialect } from './postgres-dialect.js';
import { createPostgresIntrospector } from './postgres-introspector.js';

function lazyDriver(config: TargetConfig, ctx: AdapterContext): Driver {
  let driver: Promise<Driver> | undefined;
  const load = () => (driver ??= import('./postgres-driver.js').then((m) => m.createPostgresDriver(config, ctx)));
  return {
    connect: async (): Promise<Connection> => (await load()).connect(),
    close: async () => {
      if (driver) await (await driver).close();
    },
  };
}

export const postgresAdapter: Adapter = {
  type: 'postgres',
  createDialect: () => createPostgresDialect(),
  createDriver: (config, ctx) => lazyDriver(config, ctx),
  createIntrospector: (dialect) => createPostgresIntrospector(dialect),
  secretKeys: ['password', 'pass'],
};

export default postgresAdapter;

export { PostgresDialect, createPostgresDialect, POSTGRES_SEED_TYPES } from './postgres-dialect.js';
export { PostgresIntrospector, createPostgresIntrospector } from './postgres-introspector.js';
export type { PostgresTargetConfig, PostgresDriver, PostgresConnection, PostgresError } from './postgres-driver.js';
