#!/usr/bin/env node
// Parse / compile benchmark of the tsdbt core on synthetic projects.
//
// Usage (from the repository root; the core must be built first):
//   npm run build
//   Columns: parse (cold), compile cold (no target/), compile warm (nothing changed), compile with one
//   model file edited (per-model cache), and the CLI end to end.
//   node bench/parse-compile.mjs [--models 1000,10000] [--seed 1] [--repeat 1] [--regenerate] [--no-cli] [--json]
//   (or: npm run bench -- --models 1000,10000)
//
// For each N: generates bench/out/p<N> with bench/generate-project.mjs when missing (or stale, or
// with --regenerate), then runs each measurement in a separate child process (bench/measure.mjs,
// via child_process.spawnSync(process.execPath, …)), so every one starts cold:
//   parse         loadProject + parseProject (graph, static extraction, renders only what must be
//                 rendered at parse; no parse cache)
//   compile cold  no target/ (moved aside first, deleted after), then loadProject + compile(project)
//                 (parse + render every model + write target/compiled/… and target/manifest.json)
//   compile warm  compile again with nothing changed (parse cache in target/.tsdbt/ reused)
//   cli parse     `node packages/cli/bin/tsdbt.js parse --project-dir …` wall time, end to end
//                 (Node startup included), with the parse cache warm and, without target/, cold
// --repeat K runs the whole sequence K times and reports the fastest run of each measurement
// (timings on a shared machine are noisy; creating 10k compiled files is especially I/O-bound).
// Project files are read once in this process first, so no run pays for a cold OS page cache.
// Times in the table are measured inside the child (import of the core excluded, reported
// separately); peak RSS is process.resourceUsage().maxRSS of the child; nodes / edges are the
// graph's order / size. Errors from the core are printed verbatim under the table.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject, isGenerated } from './generate-project.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const MEASURE = path.join(here, 'measure.mjs');
const CLI = path.join(root, 'packages/cli/bin/tsdbt.js');
const CORE = path.join(root, 'packages/core/dist/index.js');
const MARK = '@@BENCH@@';
/** Per child process; a hung core shows up as an error (SIGTERM) instead of a hung benchmark. */
const TIMEOUT_MS = 30 * 60 * 1000;

function parseArgs(argv) {
  const out = { models: [1000, 10000], seed: 1, repeat: 1, regenerate: false, cli: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (v) => (v === undefined ? usage(`${a} needs a value`) : v);
    if (a === '--models') out.models = list(val(argv[++i]));
    else if (a.startsWith('--models=')) out.models = list(a.slice(9));
    else if (a === '--seed') out.seed = Number(val(argv[++i]));
    else if (a === '--repeat') out.repeat = Number(val(argv[++i]));
    else if (a === '--regenerate') out.regenerate = true;
    else if (a === '--no-cli') out.cli = false;
    else if (a === '--json') out.json = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(out.repeat) || out.repeat < 1) usage('--repeat must be a positive integer');
  if (!out.models.length || out.models.some((n) => !Number.isInteger(n) || n < 10)) usage('--models takes a comma-separated list of integers >= 10');
  return out;
}

function list(s) {
  return s.split(',').filter(Boolean).map((x) => Number(x.trim()));
}

function usage(error) {
  const text = [
    'usage: node bench/parse-compile.mjs [--models 1000,10000] [--seed 1] [--repeat 1] [--regenerate] [--no-cli] [--json]',
    'Build the core first: `npm run build` at the repository root.',
  ].join('\n');
  if (error) {
    console.error(`error: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

/** Run bench/measure.mjs in a fresh Node process and return its JSON result. */
function measure(phase, projectDir, extra = []) {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [MEASURE, '--phase', phase, '--project-dir', projectDir, ...extra], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: TIMEOUT_MS,
  });
  const wall = (performance.now() - t0) / 1000;
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith(MARK));
  if (!line) {
    const why = child.error ? child.error.message : `exit ${child.status}${child.signal ? ` (${child.signal})` : ''}`;
    return { phase, error: `${why}: ${(child.stderr || child.stdout || '').trim().split('\n').slice(-8).join('\n')}`, wallSeconds: +wall.toFixed(3) };
  }
  return { ...JSON.parse(line.slice(MARK.length)), wallSeconds: +wall.toFixed(3), stderr: child.stderr?.trim() || undefined };
}

/** Time the CLI end to end (Node startup, module loading, parse, manifest write). */
function cliParse(projectDir) {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [CLI, 'parse', '--project-dir', projectDir], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUT_MS });
  const seconds = +((performance.now() - t0) / 1000).toFixed(3);
  if (child.status !== 0) {
    const out = `${child.stderr ?? ''}\n${child.stdout ?? ''}`.trim().split('\n').slice(0, 6).join('\n');
    return { seconds, error: `exit ${child.status}${child.signal ? ` (${child.signal})` : ''}: ${out || child.error?.message || ''}` };
  }
  return { seconds };
}

/**
 * Move target/ out of the way (a rename is instant); it is deleted after all runs: deleting 10k files just
 * before a measurement slows the measured writes down for seconds on some filesystems (ext4 with
 * `discard`), which would be charged to the core.
 */
function setTargetAside(projectDir) {
  const target = path.join(projectDir, 'target');
  if (!existsSync(target)) return () => undefined;
  const trash = path.join(path.dirname(projectDir), `.trash-${path.basename(projectDir)}-${process.pid}-${Date.now()}`);
  renameSync(target, trash);
  return () => rmSync(trash, { recursive: true, force: true });
}

/** Read every project file once so the first measurement does not pay for a cold page cache. */
function warmPageCache(dir) {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'target') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) bytes += warmPageCache(p);
    else if (e.isFile()) bytes += readFileSync(p).length;
  }
  return bytes;
}

/** The fastest of repeated runs (the least disturbed by other load); the first error if any failed. */
function best(results) {
  return results.find((r) => r.error) ?? results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const fmt = (v, digits = 2) => (v === undefined || v === null ? '—' : typeof v === 'number' ? v.toFixed(digits) : String(v));

/** Append a comment to one model file for the duration of `fn` (the edit-one-file loop). */
function withOneModelEdited(projectDir, fn) {
  const dir = path.join(projectDir, 'models', 'staging');
  const sub = readdirSync(dir, { withFileTypes: true }).find((d) => d.isDirectory());
  const folder = sub ? path.join(dir, sub.name) : dir;
  const file = path.join(folder, readdirSync(folder).find((f) => f.endsWith('.sql')));
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, `${original}\n-- edited ${Date.now()}\n`);
  try {
    return fn();
  } finally {
    writeFileSync(file, original);
  }
}

function table(rows) {
  const head = ['N', 'parse s', 'compile cold s', 'compile warm s', 'compile 1 edited s', 'peak RSS MB (p/c/w)', 'nodes', 'edges', 'rendered@parse', 'cli parse s (warm/cold)'];
  const body = rows.map((r) => [
    String(r.n),
    r.parse.error ? 'ERROR' : fmt(r.parse.seconds),
    r.cold.error ? 'ERROR' : fmt(r.cold.seconds),
    r.warm.error ? 'ERROR' : fmt(r.warm.seconds),
    r.edited.error ? 'ERROR' : fmt(r.edited.seconds),
    [r.parse, r.cold, r.warm].map((x) => fmt(x.maxRssMB, 0)).join(' / '),
    fmt(r.parse.nodes ?? r.cold.nodes, 0),
    fmt(r.parse.edges ?? r.cold.edges, 0),
    fmt(r.parse.renderedAtParse ?? r.cold.renderedAtParse, 0),
    r.cli ? `${r.cli.warm.error ? 'ERROR' : fmt(r.cli.warm.seconds)} / ${r.cli.cold.error ? 'ERROR' : fmt(r.cli.cold.seconds)}` : 'skipped',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(CORE)) {
    console.error(`error: ${path.relative(root, CORE)} is missing — run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
  const rows = [];
  const cleanups = []; // old target/ dirs, deleted once all measurements are done
  for (const n of opts.models) {
    const projectDir = path.join(here, 'out', `p${n}`);
    if (opts.regenerate || !isGenerated(projectDir, n, opts.seed)) {
      const meta = generateProject({ models: n, out: projectDir, seed: opts.seed });
      console.error(`generated ${path.relative(root, projectDir)}: ${n} models in ${meta.folders} folders, ${meta.seconds}s`);
    }
    warmPageCache(projectDir);
    const runs = { parse: [], cold: [], warm: [], edited: [], cliWarm: [], cliCold: [] };
    for (let k = 1; k <= opts.repeat; k++) {
      const of = opts.repeat > 1 ? ` (${k}/${opts.repeat})` : '';
      console.error(`N=${n}${of}: parse…`);
      runs.parse.push(measure('parse', projectDir));
      console.error(`N=${n}${of}: compile (cold)…`);
      cleanups.push(setTargetAside(projectDir));
      runs.cold.push(measure('compile', projectDir));
      console.error(`N=${n}${of}: compile (warm)…`);
      runs.warm.push(measure('compile', projectDir));
      console.error(`N=${n}${of}: compile (one model edited)…`);
      runs.edited.push(withOneModelEdited(projectDir, () => measure('compile', projectDir)));
      if (opts.cli) {
        console.error(`N=${n}${of}: cli parse (warm, cold)…`);
        runs.cliWarm.push(cliParse(projectDir));
        cleanups.push(setTargetAside(projectDir));
        runs.cliCold.push(cliParse(projectDir));
      }
    }
    const cli = opts.cli ? { warm: best(runs.cliWarm), cold: best(runs.cliCold) } : undefined;
    rows.push({ n, parse: best(runs.parse), cold: best(runs.cold), warm: best(runs.warm), edited: best(runs.edited), cli, all: opts.repeat > 1 ? runs : undefined });
  }

  for (const c of cleanups) c();
  console.log(table(rows));
  console.log('');
  for (const r of rows) {
    const p = r.parse;
    const c = r.cold;
    const w = r.warm;
    const parts = [`N=${r.n}:`];
    if (!p.error) parts.push(`parse = load ${fmt(p.loadSeconds)}s + parseProject ${fmt(p.parseSeconds)}s;`);
    if (!c.error) parts.push(`compile cold = load ${fmt(c.loadSeconds)}s + compile ${fmt(c.compileSeconds)}s (${c.compiledModels} models, ${(c.compiledBytes / 1e6).toFixed(1)} MB SQL, largest ${(c.maxCompiledBytes / 1e3).toFixed(1)} kB);`);
    if (!w.error) parts.push(`compile warm = load ${fmt(w.loadSeconds)}s + compile ${fmt(w.compileSeconds)}s;`);
    const imp = p.importSeconds ?? c.importSeconds;
    if (imp !== undefined) parts.push(`core import ${fmt(imp)}s (excluded);`);
    const ok = p.error ? c : p;
    if (!ok.error) parts.push(`${ok.models} models + ${ok.sources} sources${ok.otherNodes ? ` + ${ok.otherNodes} other` : ''}, ${ok.ephemeral} ephemeral, ${ok.diagnostics} diagnostics`);
    console.log(parts.join(' '));
    for (const [label, x] of [['parse', p], ['compile cold', c], ['compile warm', w], ['cli parse warm', r.cli?.warm], ['cli parse cold', r.cli?.cold]]) {
      if (x?.error) console.log(`  ${label} ERROR: ${x.error}${x.stack ? `\n    ${x.stack.split('\n').slice(1, 5).join('\n    ')}` : ''}`);
    }
    const diags = (p.firstDiagnostics ?? c.firstDiagnostics ?? []);
    if (diags.length) console.log(`  first diagnostics:\n    ${diags.join('\n    ')}`);
  }
  if (opts.json) console.log(JSON.stringify(rows, null, 2));
  if (rows.some((r) => r.parse.error || r.cold.error || r.warm.error)) process.exitCode = 1;
}

main();
