#!/usr/bin/env node
// First render of the docs site (target/index.html) in headless Chromium, on generated projects.
//
// Usage (from the repository root; build first with `npm run build`):
//   node bench/docs-render.mjs [--models 1000,10000] [--runs 3] [--seed 1] [--compile] [--chromium /usr/bin/chromium]
//
// For each N: generates bench/out/p<N> with bench/generate-project.mjs when missing or stale; builds the
// site data from the parse alone (no warehouse: no catalog types or row counts, no run results; with
// --compile also the compiled SQL), renders it with @tsdbt/docs-site's renderSite into
// bench/out/p<N>/target/index.html, then opens that file (file://) in a fresh headless Chromium page
// `--runs` times and reports the median.
//
// First render = from navigation start until the lineage graph's first frame is drawn and the page
// answers again (the app's own mark: a task after the frame after sigma's first render), read from
// window.__tsdbtDocs.firstRenderMs. "wall" is the same seen from outside: page.goto() until that mark
// is observed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateProject, isGenerated } from './generate-project.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** DocsSiteData of a project from its parse (and optionally compile), without a warehouse. */
export async function siteDataFromParse(projectDir, { compile = false } = {}) {
  const core = await import(pathToFileURL(path.join(root, 'packages/core/dist/index.js')).href);
  const { buildSiteData } = await import(pathToFileURL(path.join(root, 'packages/core/dist/docs/build-site-data.js')).href);
  const project = await core.loadProject({ projectDir });
  let parsed;
  let compiled = new Map();
  if (compile) {
    const result = await core.compile(project, { cache: false });
    parsed = result.parsed;
    compiled = new Map(result.models.map((m) => [m.node.uniqueId, m]));
  } else {
    parsed = (await core.parse(project, { cache: false })).parsed;
  }
  return buildSiteData({
    parsed,
    project: { name: project.config.name, generatedAt: new Date().toISOString(), target: project.target.name, adapter: project.target.config.type, tsdbtVersion: core.TSDBT_VERSION },
    compiled,
    catalog: new Map(),
    lastResults: new Map(),
    lineage: new Map(),
    relationName: () => undefined,
  });
}

/** Time to first render of `file` (median of `runs` fresh pages). */
export async function measureFirstRender(file, { runs = 3, executablePath = '/usr/bin/chromium' } = {}) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const samples = [];
  try {
    for (let r = 0; r < runs; r++) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const started = Date.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__tsdbtDocs?.ready, null, { timeout: 120_000, polling: 20 });
      const wall = Date.now() - started;
      const docs = await page.evaluate(() => window.__tsdbtDocs);
      if (errors.length || docs.error) throw new Error(`page failed: ${[...errors, docs.error].filter(Boolean).join('; ')}`);
      samples.push({ firstRenderMs: docs.firstRenderMs, wallMs: wall, marks: docs.marks, view: docs.view });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { firstRenderMs: median(samples.map((s) => s.firstRenderMs)), wallMs: median(samples.map((s) => s.wallMs)), samples };
}

/** Generate (when needed), render and measure one project size. */
export async function benchDocsRender({ models, out, seed = 1, runs = 3, compile = false, executablePath, log = () => {} }) {
  if (!isGenerated(out, models, seed)) {
    log(`generating ${models} models into ${path.relative(root, out) || out} …`);
    generateProject({ models, out, seed });
  }
  let t = performance.now();
  const data = await siteDataFromParse(out, { compile });
  const siteDataMs = performance.now() - t;
  const { renderSite } = await import(pathToFileURL(path.join(root, 'packages/docs-site/dist/index.js')).href);
  t = performance.now();
  const html = renderSite(data);
  const renderSiteMs = performance.now() - t;
  const file = path.join(out, 'target', 'index.html');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, html);
  const measured = await measureFirstRender(file, { runs, executablePath });
  const view = measured.samples[0]?.view ?? {};
  return {
    models,
    nodes: data.nodes.length,
    drawn: view.drawn,
    edges: data.edges.length,
    htmlMB: html.length / 1e6,
    siteDataMs,
    renderSiteMs,
    layout: view.engine,
    ...measured,
    file,
  };
}

export function formatRow(r) {
  return [
    String(r.models).padStart(6),
    String(r.nodes).padStart(7),
    String(r.drawn ?? '').padStart(6),
    `${r.htmlMB.toFixed(1)} MB`.padStart(9),
    `${Math.round(r.renderSiteMs)} ms`.padStart(9),
    String(r.layout ?? '').padStart(8),
    `${r.firstRenderMs} ms`.padStart(13),
    `${r.wallMs} ms`.padStart(9),
  ].join('  ');
}

export const HEADER = ' model    nodes   drawn       html  renderSite    layout  first render       wall';

function parseArgs(argv) {
  const opts = { models: [1000, 10000], runs: 3, seed: 1, compile: false, chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--models') opts.models = val().split(',').map(Number);
    else if (a === '--runs') opts.runs = Number(val());
    else if (a === '--seed') opts.seed = Number(val());
    else if (a === '--compile') opts.compile = true;
    else if (a === '--chromium') opts.chromium = val();
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (opts.models.some((n) => !Number.isInteger(n) || n < 10)) usage('--models takes integers >= 10');
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs must be a positive integer');
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/docs-render.mjs [--models 1000,10000] [--runs 3] [--seed 1] [--compile] [--chromium /usr/bin/chromium]';
  if (error) {
    console.error(`error: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(root, 'packages/docs-site/dist/app.js'))) {
    console.error('error: packages/docs-site/dist/app.js is missing; run `npm run build` first');
    process.exit(2);
  }
  const rows = [];
  for (const n of opts.models) {
    const row = await benchDocsRender({ models: n, out: path.join(root, 'bench', 'out', `p${n}`), seed: opts.seed, runs: opts.runs, compile: opts.compile, executablePath: opts.chromium, log: (m) => console.error(m) });
    rows.push(row);
  }
  console.log(`docs site first render, headless Chromium (SwiftShader WebGL), median of ${opts.runs}${opts.compile ? ', with compiled SQL' : ', site data from parse'}`);
  console.log(HEADER);
  for (const r of rows) console.log(formatRow(r));
}
