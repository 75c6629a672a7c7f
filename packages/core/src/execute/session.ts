// A warehouse session for one command: adapter, dialect, driver and a connection pool.
import type { Adapter, Connection, Dialect, Introspector } from '../adapter/types.js';
import { resolveAdapter } from '../adapter/resolve-adapter.js';
import { TsdbtError } from '../errors.js';
import type { Project } from '../project/load-project.js';
import { ConnectionPool } from './connection-pool.js';
import { redact } from './redact.js';

export interface Session {
  adapter: Adapter;
  dialect: Dialect;
  introspector: Introspector;
  pool: ConnectionPool;
  close(): Promise<void>;
}

export async function dialectFor(project: Project, adapters?: readonly Adapter[]): Promise<{ adapter: Adapter; dialect: Dialect }> {
  const adapter = await resolveAdapter(project.target.config.type, adapters);
  for (const key of adapter.secretKeys ?? []) {
    const v = project.target.config[key];
    if (typeof v === 'string' && v) project.secrets.add(v);
  }
  return { adapter, dialect: adapter.createDialect(project.target.config) };
}

export async function openSession(project: Project, adapters?: readonly Adapter[], size = project.threads): Promise<Session> {
  const { adapter, dialect } = await dialectFor(project, adapters);
  const driver = adapter.createDriver(project.target.config, { projectDir: project.projectDir, projectName: project.config.name });
  const pool = new ConnectionPool(driver, size);
  // Connect once up front so a bad target fails before any node starts.
  try {
    await pool.withConnection(async () => undefined);
  } catch (e) {
    await pool.close().catch(() => undefined);
    throw new TsdbtError('database', `cannot connect to target \`${project.target.name}\` (${adapter.type}): ${redact(project, (e as Error).message)}`, {
      hint: 'check the target in profiles.yml, or run `tsdbt debug`',
    });
  }
  return { adapter, dialect, introspector: adapter.createIntrospector(dialect), pool, close: () => pool.close() };
}

/** Run statements in order, optionally in one transaction; rolls back on error. */
export async function runStatements(conn: Connection, statements: readonly string[], transactional: boolean, beforeCommit?: () => Promise<void>): Promise<Array<number | undefined>> {
  const counts: Array<number | undefined> = [];
  if (transactional) await conn.begin();
  try {
    for (const sql of statements) counts.push((await conn.execute(sql)).rowsAffected);
    // e.g. audit tests: they see the new relation, nobody else does yet; throwing rolls back.
    if (beforeCommit) await beforeCommit();
    if (transactional) await conn.commit();
  } catch (e) {
    if (transactional) await conn.rollback().catch(() => undefined);
    throw e;
  }
  return counts;
}
