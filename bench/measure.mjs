#!/usr/bin/env node
// One cold measurement of the tsdbt core on a project, run in its own process by
// bench/parse-compile.mjs (so module loading, JIT and caches start cold every time).
//
// Usage (normally called by parse-compile.mjs):
//   node bench/measure.mjs --phase parse|compile --project-dir bench/out/p1000 [--clean-target]
//
//   parse    loadProject + parseProject (graph built, static ref/config extraction; no cache, no
//            full render)
//   compile  loadProject + compile(project): parse (reusing target/.tsdbt/ parse cache when
//            present) + render every model + write target/compiled/…
//   --clean-target  delete <project>/target first (cold compile)
//
// Needs the core built: run `npm run build` at the repository root (imports
// ../packages/core/dist/index.js).
// Prints one line `@@BENCH@@ {json}` with timings (seconds), peak RSS (MB, from
// process.resourceUsage().maxRSS), node/edge counts; on failure the JSON has `error`.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORE = path.resolve(here, '../packages/core/dist/index.js');
const MARK = '@@BENCH@@';

function args(argv) {
  const out = { phase: 'parse', projectDir: undefined, cleanTarget: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--phase') out.phase = argv[++i];
    else if (a === '--project-dir') out.projectDir = argv[++i];
    else if (a === '--clean-target') out.cleanTarget = true;
    else {
      console.error(`unknown argument ${a}\nusage: node bench/measure.mjs --phase parse|compile --project-dir DIR [--clean-target]`);
      process.exit(2);
    }
  }
  if (!out.projectDir || !['parse', 'compile'].includes(out.phase)) {
    console.error('usage: node bench/measure.mjs --phase parse|compile --project-dir DIR [--clean-target]');
    process.exit(2);
  }
  return out;
}

const sec = (ms) => +(ms / 1000).toFixed(3);
const rssMB = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1);

function report(result) {
  process.stdout.write(`${MARK} ${JSON.stringify({ ...result, maxRssMB: rssMB() })}\n`);
}

function errorText(e) {
  if (!e || typeof e !== 'object') return String(e);
  const parts = [`${e.name ?? 'Error'}${e.kind ? ` [${e.kind}]` : ''}: ${e.message}`];
  if (e.location) parts.push(`at ${JSON.stringify(e.location)}`);
  if (e.hint) parts.push(`hint: ${e.hint}`);
  return parts.join(' | ');
}

async function main() {
  const opts = args(process.argv.slice(2));
  const projectDir = path.resolve(opts.projectDir);
  const result = { phase: opts.phase, projectDir };
  const t0 = performance.now();
  let core;
  try {
    core = await import(pathToFileURL(CORE).href);
  } catch (e) {
    report({ ...result, error: `cannot import ${CORE} (run \`npm run build\` at the repo root): ${e.message}` });
    process.exitCode = 1;
    return;
  }
  const tImport = performance.now();
  result.importSeconds = sec(tImport - t0);
  let stage = 'loadProject';
  try {
    if (opts.cleanTarget) rmSync(path.join(projectDir, 'target'), { recursive: true, force: true });
    const tLoad0 = performance.now();
    const project = await core.loadProject({ projectDir });
    const tLoad1 = performance.now();
    result.loadSeconds = sec(tLoad1 - tLoad0);
    result.files = { models: project.files.models.length, properties: project.files.properties.length, macros: project.files.macros.length };
    let parsed;
    if (opts.phase === 'parse') {
      stage = 'parseProject';
      parsed = await core.parseProject(project);
      const t2 = performance.now();
      result.parseSeconds = sec(t2 - tLoad1);
      result.seconds = sec(t2 - tLoad0);
    } else {
      stage = 'compile';
      const res = await core.compile(project, {});
      const t2 = performance.now();
      parsed = res.parsed;
      result.compileSeconds = sec(t2 - tLoad1);
      result.seconds = sec(t2 - tLoad0);
      result.compiledModels = res.models.length;
      result.compiledBytes = res.models.reduce((n, m) => n + (m.compiledSql?.length ?? 0), 0);
      result.maxCompiledBytes = res.models.reduce((n, m) => Math.max(n, m.compiledSql?.length ?? 0), 0);
    }
    const nodes = [...parsed.nodes.values()];
    result.nodes = parsed.graph.order ?? nodes.length;
    result.edges = parsed.graph.size;
    result.models = nodes.filter((n) => n.resourceType === 'model').length;
    result.sources = nodes.filter((n) => n.resourceType === 'source').length;
    result.otherNodes = nodes.length - result.models - result.sources;
    result.renderedAtParse = nodes.filter((n) => n.renderedAtParse).length;
    result.ephemeral = nodes.filter((n) => n.config?.materialized === 'ephemeral').length;
    result.diagnostics = project.diagnostics.items.length;
    result.firstDiagnostics = project.diagnostics.items.slice(0, 5).map((d) => `${d.level}: ${d.message}${d.location?.file ? ` (${d.location.file})` : ''}`);
  } catch (e) {
    result.error = `${stage}: ${errorText(e)}`;
    result.stack = e?.stack?.split('\n').slice(0, 8).join('\n');
    result.seconds = sec(performance.now() - tImport);
    process.exitCode = 1;
  }
  report(result);
}

await main();
