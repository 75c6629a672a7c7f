#!/usr/bin/env node
// Seed load benchmark: `tsdbt seed` against DuckDB's own CSV load, side by side in one process.
//
// Usage (from the repository root; the core must be built first):
//   npm run build
//   node bench/seed-load.mjs [--rows 1500000] [--repeat 3] [--regenerate] [--json]
//
// Generates (once, deterministic: a seeded PRNG over fixed pools) a 10-column CSV of mixed types —
// integers, decimals, dates, strings, booleans — as the only seed of a project in
// bench/out/seed-load/, then, --repeat times, alternating:
//   duckdb  @duckdb/node-api directly: CREATE TABLE … AS SELECT * FROM read_csv(file) on a fresh
//           database file (DuckDB's sniffer defaults): the practical floor for loading this file.
//   tsdbt   loadProject + seed() from packages/core/dist (the library API) on a fresh database
//           file: parse, connect, introspect, read the header, load into a temp table in one
//           transaction, type text columns, swap. Wall time of the whole call.
//   reload  seed() again onto the existing table (dbt's truncate + insert path).
// Reports the best time of each, rows/s, and tsdbt / duckdb (goal: ≤ 1.2×).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCsv, HEADER } from './seed-csv.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, 'out', 'seed-load');
const projectDir = path.join(out, 'project');
const csvFile = path.join(projectDir, 'seeds', 'orders.csv');

function parseArgs(argv) {
  const o = { rows: 1_500_000, repeat: 3, regenerate: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rows') o.rows = Number(argv[++i]);
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--regenerate') o.regenerate = true;
    else if (a === '--json') o.json = true;
    else {
      console.error(`unknown argument ${a}\nusage: node bench/seed-load.mjs [--rows N] [--repeat K] [--regenerate] [--json]`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.rows) || o.rows < 1 || !Number.isInteger(o.repeat) || o.repeat < 1) {
    console.error('--rows and --repeat take positive integers');
    process.exit(2);
  }
  return o;
}

function dropDb(file) {
  rmSync(file, { force: true });
  rmSync(`${file}.wal`, { force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const stamp = path.join(out, 'generated.json');
  const want = JSON.stringify({ rows: o.rows, header: HEADER, version: 1 });
  if (o.regenerate || !existsSync(csvFile) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    const t0 = performance.now();
    await generateCsv(csvFile, o.rows);
    writeFileSync(path.join(projectDir, 'tsdbt_project.yml'), 'name: seed_bench\nversion: "1.0.0"\n');
    writeFileSync(stamp, want);
    if (!o.json) console.log(`generated ${o.rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)}s: ${path.relative(root, csvFile)}`);
  }
  readFileSync(csvFile); // warm the OS page cache for both contenders

  const { DuckDBInstance } = await import('@duckdb/node-api');
  const core = await import(pathToFileURL(path.join(root, 'packages/core/dist/index.js')).href);
  const rawDb = path.join(out, 'raw.duckdb');
  const tsdbtDb = path.join(projectDir, 'seed_bench.duckdb');

  const times = { duckdb: [], tsdbt: [], reload: [] };
  const nodeTimes = [];
  let rowsLoaded;
  for (let rep = 0; rep < o.repeat; rep++) {
    dropDb(rawDb);
    let t0 = performance.now();
    const instance = await DuckDBInstance.create(rawDb);
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${csvFile.replaceAll("'", "''")}')`);
    conn.closeSync();
    instance.closeSync();
    times.duckdb.push(performance.now() - t0);

    dropDb(tsdbtDb);
    rmSync(path.join(projectDir, 'target'), { recursive: true, force: true });
    t0 = performance.now();
    const result = await core.seed(await core.loadProject({ projectDir }));
    times.tsdbt.push(performance.now() - t0);
    if (!result.success) throw new Error(`tsdbt seed failed: ${result.results.map((r) => r.message).join('\n')}`);
    rowsLoaded = result.results[0].rowsAffected;
    nodeTimes.push(result.results[0].executionTime * 1000);

    t0 = performance.now();
    const again = await core.seed(await core.loadProject({ projectDir }));
    times.reload.push(performance.now() - t0);
    if (!again.success) throw new Error(`tsdbt seed (reload) failed: ${again.results.map((r) => r.message).join('\n')}`);
  }
  dropDb(rawDb);

  const best = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.min(...v)]));
  const report = {
    rows: o.rows,
    rowsLoaded,
    repeat: o.repeat,
    bestMs: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.round(v)])),
    medianMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))])),
    rowsPerSecond: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, Math.round(o.rows / (v / 1000))])),
    seedNodeBestMs: Math.round(Math.min(...nodeTimes)),
    ratio: Number((best.tsdbt / best.duckdb).toFixed(2)),
    reloadRatio: Number((best.reload / best.duckdb).toFixed(2)),
  };
  if (o.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const line = (name, k) => `${name.padEnd(38)} ${String(report.bestMs[k]).padStart(6)} ms  (median ${String(report.medianMs[k]).padStart(6)})  ${report.rowsPerSecond[k].toLocaleString('en-US').padStart(10)} rows/s`;
  console.log(`\n${o.rows.toLocaleString('en-US')} rows × 10 columns, best of ${o.repeat}:`);
  console.log(line('duckdb CREATE TABLE AS read_csv', 'duckdb'));
  console.log(line('tsdbt seed (first load, temp + swap)', 'tsdbt'));
  console.log(`${'  of which the seed node itself'.padEnd(38)} ${String(report.seedNodeBestMs).padStart(6)} ms  (the rest: load project, parse, connect, list relations, artifacts)`);
  console.log(line('tsdbt seed (reload, truncate + insert)', 'reload'));
  console.log(`tsdbt / duckdb: ${report.ratio}× (goal ≤ 1.2×); reload / duckdb: ${report.reloadRatio}×`);
  if (rowsLoaded !== o.rows) console.log(`WARNING: tsdbt reported ${rowsLoaded} rows, expected ${o.rows}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
