#!/usr/bin/env node
// Seed load benchmark on PostgreSQL: `tsdbt seed` against psql's own `\copy`, on one server.
//
// Usage (from the repository root; the packages must be built first):
//   npm run build
//   node bench/seed-load-pg.mjs [--rows 1500000] [--repeat 3] [--url postgres://…] [--regenerate] [--profile] [--json] [--per-column-typing]
//
// Generates (once, deterministic; the same generator and file shape as bench/seed-load.mjs) a
// 10-column CSV of mixed types as the only seed of a project in bench/out/seed-load-pg/, then,
// --repeat times, each in a fresh database on the server (--url, else TSDBT_TEST_PG_URL, else the
// local server), dropped afterwards:
//   tsdbt   loadProject + seed() from packages/core/dist with the adapter from
//           packages/adapters/postgres/dist (the library API): parse, connect, introspect, sample the
//           file's first rows for dbt's types, create the typed temp table, COPY the file in (every
//           value checked against its type while streaming), swap. Wall time.
//   psql    `psql <db> -c "\copy t from 'file' csv header"` into an empty table with the column
//           types tsdbt inferred: the practical floor for loading this file with these types.
//   reload  seed() again onto the existing table (dbt's delete + insert path, also COPY).
// Reports the best of each, rows/s and tsdbt / psql (goal: ≤ 1.2×). Every statement tsdbt sends
// goes through a tracing wrapper around the adapter's connections, which proves the load used
// Connection.copyCsv (COPY … FROM STDIN) and, with --profile, prints where the time went.
// --per-column-typing hides the dialect's checkSeedKinds and alterColumnTypes, for a before/after:
// core then infers every kind over every row and converts the columns one ALTER TABLE at a time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCsv, HEADER } from './seed-csv.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, 'out', 'seed-load-pg');
const projectDir = path.join(out, 'project');
const csvFile = path.join(projectDir, 'seeds', 'orders.csv');
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function parseArgs(argv) {
  const o = { rows: 1_500_000, repeat: 3, regenerate: false, json: false, profile: false, perColumnTyping: false, url: process.env.TSDBT_TEST_PG_URL || DEFAULT_URL };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rows') o.rows = Number(argv[++i]);
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--url') o.url = argv[++i];
    else if (a === '--regenerate') o.regenerate = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--json') o.json = true;
    else if (a === '--per-column-typing') o.perColumnTyping = true;
    else {
      console.error(`unknown argument ${a}\nusage: node bench/seed-load-pg.mjs [--rows N] [--repeat K] [--url URL] [--regenerate] [--profile] [--json] [--per-column-typing]`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.rows) || o.rows < 1 || !Number.isInteger(o.repeat) || o.repeat < 1) {
    console.error('--rows and --repeat take positive integers');
    process.exit(2);
  }
  return o;
}

// --- tracing: every statement tsdbt sends, with its time ------------------------------------

/** What a statement is, for the profile: the first words that say it. */
function statementKind(sql) {
  const s = sql.trim().replace(/\s+/g, ' ');
  if (/^ALTER TABLE .* TYPE /i.test(s)) return `ALTER TABLE … TYPE (${(s.match(/ TYPE /gi) ?? []).length} column${(s.match(/ TYPE /gi) ?? []).length === 1 ? '' : 's'})`;
  if (/^SELECT\s+CASE WHEN count\(/i.test(s)) return /LIMIT \d+\) AS __tsdbt_seed$/i.test(s) ? 'infer kinds (sample)' : 'infer kinds (all rows)';
  if (/^(BEGIN|COMMIT|ROLLBACK)$/i.test(s)) return s.toUpperCase();
  return s.split(' ').slice(0, 3).join(' ').slice(0, 40);
}

/** The adapter with connections that record { kind, ms } per call; `copyCsv` calls counted apart. */
function tracingAdapter(adapter, trace, { perColumnTyping }) {
  const wrap = (conn) => {
    const timed = async (kind, fn) => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        trace.push({ kind, ms: performance.now() - t0 });
      }
    };
    const w = Object.create(conn);
    w.execute = (sql, params) => timed(statementKind(sql), () => conn.execute(sql, params));
    w.begin = () => timed('BEGIN', () => conn.begin());
    w.commit = () => timed('COMMIT', () => conn.commit());
    w.rollback = () => timed('ROLLBACK', () => conn.rollback());
    w.cancel = () => conn.cancel?.();
    w.close = () => conn.close();
    if (typeof conn.copyCsv === 'function') w.copyCsv = (rel, file, options) => timed('copyCsv (COPY FROM STDIN + null strings)', () => conn.copyCsv(rel, file, options));
    return w;
  };
  return {
    ...adapter,
    createDialect(config) {
      const dialect = adapter.createDialect(config);
      if (!perColumnTyping) return dialect;
      const plain = Object.create(dialect);
      plain.checkSeedKinds = undefined;
      plain.alterColumnTypes = undefined;
      return plain;
    },
    createDriver(config, ctx) {
      const driver = adapter.createDriver(config, ctx);
      return { connect: async () => wrap(await driver.connect()), close: () => driver.close() };
    },
  };
}

// --- PostgreSQL helpers ---------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function admin(pg, url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function dbUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function psql(url, command) {
  const r = spawnSync('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-c', command], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run psql: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quoteIdent = (s) => `"${s.replaceAll('"', '""')}"`;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const stamp = path.join(out, 'generated.json');
  const want = JSON.stringify({ rows: o.rows, header: HEADER, version: 1 });
  if (o.regenerate || !existsSync(csvFile) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    const t0 = performance.now();
    await generateCsv(csvFile, o.rows);
    writeFileSync(path.join(projectDir, 'tsdbt_project.yml'), 'name: seed_bench_pg\nversion: "1.0.0"\nprofile: seed_bench_pg\n');
    writeFileSync(stamp, want);
    if (!o.json) console.log(`generated ${o.rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)}s: ${path.relative(root, csvFile)}`);
  }
  readFileSync(csvFile); // warm the OS page cache for both contenders

  const { default: pg } = await import('pg');
  const core = await import(pathToFileURL(path.join(root, 'packages/core/dist/index.js')).href);
  const { postgresAdapter } = await import(pathToFileURL(path.join(root, 'packages/adapters/postgres/dist/index.js')).href);
  const dialect = postgresAdapter.createDialect({ type: 'postgres', schema: 'main' });
  const loadPath = core.seedLoadPath ? core.seedLoadPath(dialect, true) : dialect.selectFromCsv ? 'query' : 'copy';

  const times = { tsdbt: [], psql: [], reload: [] };
  const nodeTimes = [];
  const traces = [];
  let rowsLoaded;
  let columns;
  for (let rep = 0; rep < o.repeat; rep++) {
    const name = `tsdbt_bench_${process.pid}_${rep}`;
    await admin(pg, o.url, `create database ${quoteIdent(name)}`);
    const url = dbUrl(o.url, name);
    try {
      writeFileSync(path.join(projectDir, 'profiles.yml'), `seed_bench_pg:\n  target: bench\n  outputs:\n    bench:\n      type: postgres\n      url: ${JSON.stringify(url)}\n      schema: main\n      threads: 1\n`);
      rmSync(path.join(projectDir, 'target'), { recursive: true, force: true });

      const trace = [];
      const adapters = [tracingAdapter(postgresAdapter, trace, o)];
      let t0 = performance.now();
      const result = await core.seed(await core.loadProject({ projectDir }), { adapters });
      times.tsdbt.push(performance.now() - t0);
      if (!result.success) throw new Error(`tsdbt seed failed: ${result.results.map((r) => r.message).join('\n')}`);
      rowsLoaded = result.results[0].rowsAffected;
      nodeTimes.push(result.results[0].executionTime * 1000);
      traces.push(trace.splice(0));
      const copies = traces.at(-1).filter((t) => t.kind.startsWith('copyCsv')).length;
      if (copies !== 1) throw new Error(`expected tsdbt to load through Connection.copyCsv once, saw ${copies} calls`);

      // The types tsdbt inferred, for psql's table.
      const cols = await admin(pg, url, `select attname as column_name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'main.orders'::regclass and attnum > 0 and not attisdropped order by attnum`);
      columns = cols.rows.map((r) => ({ name: r.column_name, type: r.type }));
      const count = Number((await admin(pg, url, 'select count(*) as n from main.orders')).rows[0].n);
      if (count !== o.rows) throw new Error(`main.orders has ${count} rows, expected ${o.rows}`);

      t0 = performance.now();
      const again = await core.seed(await core.loadProject({ projectDir }), { adapters });
      times.reload.push(performance.now() - t0);
      if (!again.success) throw new Error(`tsdbt seed (reload) failed: ${again.results.map((r) => r.message).join('\n')}`);
      trace.splice(0);

      await admin(pg, url, `create table public.psql_orders (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
      await admin(pg, url, 'checkpoint');
      t0 = performance.now();
      const copied = psql(url, `\\copy public.psql_orders from '${csvFile.replaceAll("'", "''")}' csv header`);
      times.psql.push(performance.now() - t0);
      if (copied !== `COPY ${o.rows}`) throw new Error(`psql said ${JSON.stringify(copied)}, expected COPY ${o.rows}`);
    } finally {
      // The pool may still be closing its sessions: WITH (FORCE) ends them.
      await sleep(50);
      await admin(pg, o.url, `drop database if exists ${quoteIdent(name)} with (force)`);
    }
  }

  const best = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)]));
  const bestRep = times.tsdbt.indexOf(best.tsdbt);
  const profile = new Map();
  for (const t of traces[bestRep]) {
    const p = profile.get(t.kind) ?? { ms: 0, calls: 0 };
    profile.set(t.kind, { ms: p.ms + t.ms, calls: p.calls + 1 });
  }
  const report = {
    rows: o.rows,
    rowsLoaded,
    repeat: o.repeat,
    loadPath,
    perColumnTyping: o.perColumnTyping,
    columns,
    bestMs: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.round(v)])),
    medianMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))])),
    rowsPerSecond: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.round(o.rows / (v / 1000))])),
    seedNodeBestMs: Math.round(Math.min(...nodeTimes)),
    ratio: Number((best.tsdbt / best.psql).toFixed(2)),
    reloadRatio: Number((best.reload / best.psql).toFixed(2)),
    profile: Object.fromEntries([...profile].map(([k, v]) => [k, { ms: Math.round(v.ms), calls: v.calls }])),
  };
  if (o.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const line = (label, k) => `${label.padEnd(40)} ${String(report.bestMs[k]).padStart(6)} ms  (median ${String(report.medianMs[k]).padStart(6)})  ${report.rowsPerSecond[k].toLocaleString('en-US').padStart(10)} rows/s`;
  console.log(`\n${o.rows.toLocaleString('en-US')} rows × 10 columns, best of ${o.repeat}; tsdbt load path: ${loadPath} (Connection.copyCsv → COPY FROM STDIN, 1 call)${o.perColumnTyping ? '; per-column typing' : ''}`);
  console.log(`types inferred: ${columns.map((c) => `${c.name} ${c.type}`).join(', ')}`);
  console.log(line('psql \\copy into a typed table', 'psql'));
  console.log(line('tsdbt seed (first load, temp + swap)', 'tsdbt'));
  console.log(`${'  of which the seed node itself'.padEnd(40)} ${String(report.seedNodeBestMs).padStart(6)} ms  (the rest: load project, parse, connect, list relations, artifacts)`);
  console.log(line('tsdbt seed (reload, delete + copy)', 'reload'));
  console.log(`tsdbt / psql: ${report.ratio}× (goal ≤ 1.2×); reload / psql: ${report.reloadRatio}×`);
  if (o.profile) {
    console.log('\nstatements of the best tsdbt run:');
    for (const [k, v] of Object.entries(report.profile).sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${String(v.ms).padStart(6)} ms  ${String(v.calls).padStart(2)}×  ${k}`);
  }
  if (rowsLoaded !== o.rows) console.log(`WARNING: tsdbt reported ${rowsLoaded} rows, expected ${o.rows}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
