// The docs site end to end: build examples/quickstart (plus a few data tests), `docs generate` with
// @tsdbt/docs-site's renderSite, then drive target/index.html from disk (file://) in headless
// Chromium: search, open a model, check its columns and upstream nodes, click a node in the graph,
// filter the graph with the CLI's selection syntax. Screenshots go to test-output/docs-site/.
// Last, the first render of generated 1,000- and 10,000-model projects is measured and printed.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, docsGenerate, loadProject, type DocsNode, type DocsSiteData } from '@tsdbt/core';
import { renderSite } from '@tsdbt/docs-site';
import { repoRoot } from './support/project.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.join(repoRoot, 'test-output', 'docs-site');

/** quickstart's silver model gets tests and a tag, so the site has test statuses and `tag:` to filter on. */
const SILVER_YML = `version: 2
models:
  - name: stg_payments
    description: One row per payment, with the amount **collected**.
    config:
      tags: ['finance']
    columns:
      - name: payment_id
        description: Primary key.
        data_tests: [unique, not_null]
      - name: customer_id
        data_tests: [not_null]
`;

let dir: string;
let data: DocsSiteData;
let html: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

const node = (name: string): DocsNode => data.nodes.find((n) => n.name === name)!;

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(450); // camera animations
  await page.screenshot({ path: path.join(OUT, name) });
}

async function filter(expression: string): Promise<void> {
  await page.fill('#graph-filter', expression);
  await page.press('#graph-filter', 'Enter');
  await page.waitForFunction((e) => window.__tsdbtDocs!.applied === e, expression);
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`).toBe(true);
  mkdirSync(OUT, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-docs-site-'));
  cpSync(path.join(repoRoot, 'examples', 'quickstart'), dir, { recursive: true, filter: (src) => !/\.duckdb|target/.test(path.basename(src)) });
  writeFileSync(path.join(dir, 'models', 'silver', '_silver.yml'), SILVER_YML);
  const built = await build(await loadProject({ projectDir: dir }));
  expect(built.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);
  const result = await docsGenerate(await loadProject({ projectDir: dir }), { render: renderSite });
  data = result.data;
  html = readFileSync(result.indexPath!, 'utf8');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(pathToFileURL(result.indexPath!).href);
  await page.waitForFunction(() => window.__tsdbtDocs?.ready === true);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('docs site (examples/quickstart)', () => {
  it('is one self-contained file: no external scripts, styles or fetches, data embedded', () => {
    expect(html).not.toMatch(/<script[^>]+\bsrc=|<link[^>]+\bhref=/i);
    expect(html).toContain('id="tsdbt-index"');
    // The embedded JSON cannot end its <script> early.
    const index = html.slice(html.indexOf('id="tsdbt-index">'), html.indexOf('</script>', html.indexOf('id="tsdbt-index">')));
    expect(index).not.toContain('<');
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('draws the lineage graph and shows the project overview', async () => {
    const probe = await page.evaluate(() => ({ view: window.__tsdbtDocs!.view, error: window.__tsdbtDocs!.error, first: window.__tsdbtDocs!.firstRenderMs }));
    expect(probe.error).toBeUndefined();
    expect(probe.view).toMatchObject({ drawn: 4, total: 4, engine: 'dagre' });
    await expect(page.textContent('#overview-page h1')).resolves.toBe('quickstart');
    await expect(page.textContent('#graph-status')).resolves.toContain('4 of 4 nodes');
    // bronze → silver → gold as layers in the tree.
    const layers = await page.$$eval('#tree details.folder.layer > summary .layer-pill', (els) => els.map((e) => e.textContent));
    expect(layers).toEqual(['bronze', 'silver', 'gold']);
    await shot('overview.png');
  });

  it('finds a model by search, opens it, and shows its columns (catalog types, column lineage) and upstream nodes', async () => {
    await page.fill('#search', 'revenue');
    await page.waitForSelector('#search-results a.item');
    await expect(page.$$eval('#search-results a.item .name', (els) => els.map((e) => e.textContent))).resolves.toEqual(['revenue_by_plan']);
    await page.click('#search-results a.item');
    await page.waitForSelector('#node-page[data-id="model.quickstart.revenue_by_plan"]');
    await expect(page.textContent('#node-page h1')).resolves.toBe('revenue_by_plan');

    const expected = node('revenue_by_plan');
    const rows = await page.$$eval('#columns-section tr[data-column]', (trs) =>
      trs.map((tr) => ({ name: tr.getAttribute('data-column'), type: tr.querySelector('.type')?.textContent ?? '', upstream: tr.querySelector('.upstream-cols')?.textContent ?? '' })),
    );
    expect(rows.map((r) => r.name)).toEqual(['plan', 'customers', 'expected_revenue', 'collected_revenue', 'leakage', 'failure_rate']);
    expect(rows.map((r) => r.type)).toEqual(expected.columns.map((c) => c.type ?? ''));
    expect(rows.find((r) => r.name === 'plan')!.type).toBe('VARCHAR');
    if (expected.columnLineageError) {
      await expect(page.textContent('#lineage-error')).resolves.toContain(expected.columnLineageError);
    } else {
      for (const c of expected.columns) {
        const row = rows.find((r) => r.name === c.name)!;
        for (const u of c.upstream ?? []) expect(row.upstream).toContain(`${u.node.split('.').pop()}.${u.column}`);
      }
      expect(rows.find((r) => r.name === 'leakage')!.upstream).toMatch(/stg_payments\.amount_due.*stg_payments\.amount_collected|stg_payments\.amount_collected.*stg_payments\.amount_due/s);
    }

    const upstream = await page.$$eval('#upstream a', (as) => as.map((a) => a.textContent).sort());
    expect(upstream).toEqual(['raw_customers', 'stg_payments']);
    await expect(page.$$eval('#downstream', (els) => els.length)).resolves.toBe(0);
    await expect(page.textContent('#node-page .md')).resolves.toContain('Expected vs collected revenue');
    await expect(page.textContent('#sql-section')).resolves.toContain('group by c.plan');
    // Selected in the tree; its lineage highlighted in the graph.
    await expect(page.textContent('#tree a.item.active')).resolves.toBe('revenue_by_plan');
    await shot('model-page.png');
  });

  it('traces a column through the graph', async () => {
    await page.click('#columns-section tr[data-column="leakage"] .col-name');
    await page.waitForSelector('#column-trace:not([hidden])');
    const trace = (await page.textContent('#column-trace'))!;
    for (const u of node('revenue_by_plan').columns.find((c) => c.name === 'leakage')!.upstream ?? []) expect(trace).toContain(`${u.node.split('.').pop()}.${u.column}`);
    await shot('column-lineage.png');
  });

  it('opens a node clicked in the graph, with its tests and their last status', async () => {
    const at = await page.evaluate(() => window.__tsdbtDocs!.nodePosition!('model.quickstart.stg_payments'));
    expect(at).toBeDefined();
    await page.mouse.click(at!.x, at!.y);
    await page.waitForSelector('#node-page[data-id="model.quickstart.stg_payments"]');
    await expect(page.textContent('#node-page h1')).resolves.toBe('stg_payments');
    const tests = await page.$$eval('#tests-section tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(tests.map((t) => [t[0], t[1], t[2]]).sort()).toEqual([
      ['not_null_stg_payments_customer_id', 'customer_id', 'pass'],
      ['not_null_stg_payments_payment_id', 'payment_id', 'pass'],
      ['unique_stg_payments_payment_id', 'payment_id', 'pass'],
    ]);
    await expect(page.$$eval('#upstream a', (as) => as.map((a) => a.textContent))).resolves.toEqual(['raw_payments']);
    await expect(page.$$eval('#downstream a', (as) => as.map((a) => a.textContent))).resolves.toEqual(['revenue_by_plan']);
    await shot('graph-click.png');
  });

  it('filters the graph with the CLI selection syntax and shows selector errors inline', async () => {
    const drawn = () => page.evaluate(() => window.__tsdbtDocs!.view!.drawn);
    await filter('+stg_payments');
    expect(await drawn()).toBe(3); // stg_payments, raw_payments, raw_customers
    await expect(page.textContent('#graph-status')).resolves.toContain('3 of 4 nodes');
    await shot('filter-upstream.png');
    await filter('tag:finance');
    expect(await drawn()).toBe(1);
    await filter('gold.*');
    expect(await drawn()).toBe(1);
    await filter('bronze.* --exclude raw_payments');
    expect(await drawn()).toBe(1);
    await filter('+revenue_by_plan');
    expect(await drawn()).toBe(4);
    await shot('lineage-graph.png');

    await filter('colour:red');
    await expect(page.isVisible('#graph-error')).resolves.toBe(true);
    await expect(page.textContent('#graph-error')).resolves.toContain('Unknown selector method `colour`');
    await expect(page.getAttribute('#graph-filter', 'class')).resolves.toContain('invalid');
    expect(await drawn()).toBe(4); // the last good view stays
    await shot('filter-error.png');
    await filter('nothing_like_this');
    await expect(page.textContent('#graph-error')).resolves.toContain('Nothing matched `nothing_like_this`');
    expect(pageErrors).toEqual([]);
  });
});

describe('docs site first render on generated projects', () => {
  it('prints the time to first render for 1,000 and 10,000 models (not asserted)', async () => {
    // @ts-expect-error plain ESM script without types
    const bench = (await import('../bench/docs-render.mjs')) as {
      benchDocsRender(o: Record<string, unknown>): Promise<Record<string, unknown>>;
      formatRow(r: Record<string, unknown>): string;
      HEADER: string;
    };
    const base = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-docs-bench-'));
    const rows = [];
    for (const models of [1000, 10000]) rows.push(await bench.benchDocsRender({ models, out: path.join(base, `p${models}`), runs: 1, executablePath: CHROMIUM }));
    console.log(['docs site first render (headless Chromium, site data from parse):', bench.HEADER, ...rows.map(bench.formatRow)].join('\n'));
    for (const r of rows) expect(r.firstRenderMs).toBeGreaterThan(0);
  }, 300_000);
});
