// The FineFinance pipeline: tsdbt used as a library from a short TypeScript program, the way a
// scheduler job in another repository would use it. One run:
//
//   1. load    generate the operational data into schema `app` over COPY (or, with --append, add
//              "today's" rows: new customers and accounts, profile changes, the day's transactions)
//   2. fresh   `sourceFreshness`: how old the newest row of each source table is
//   3. build   `build`: staging views, the customer snapshot, the marts and every data test
//   4. report  the direction's KPIs, read back with `show`
//
//   npm run pipeline -w examples/finefinance                        # 5,000 customers, 24 months
//   npm run pipeline -w examples/finefinance -- --customers 200 --months 6
//   npm run pipeline -w examples/finefinance -- --append            # one more day, incremental build
//
// Exit codes: 0 built and every test passed; 1 a node or test failed (or, with --fail-on-stale, a
// source is past its error_after); 2 a usage or project error.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  build,
  isTsdbtError,
  loadProject,
  parse,
  show,
  sourceFreshness,
  type FreshnessRunResult,
  type NodeResult,
  type Project,
  type RunEvent,
  type RunResult,
} from '@tsdbt/core';
import { appendDay, generate, type LoadStats } from '#generate';

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface PipelineOptions {
  /** Where the tsdbt project is (default: this example). */
  projectDir?: string;
  /** Connection URL; default: the profile's (FINEFINANCE_PG_URL, else FINEFINANCE_PG_* parts). */
  url?: string;
  /** Add one day of data to what is there instead of generating everything anew. */
  append?: boolean;
  customers?: number;
  months?: number;
  seed?: number;
  /** Last day of generated data (default the generator's, 2026-10-31). */
  endDate?: string;
  /** Stop before building when a source is past its error_after, as a live deployment would. */
  failOnStale?: boolean;
  threads?: number;
  /** One line of progress; default console.log. */
  log?: (line: string) => void;
}

export type Phase = 'load' | 'freshness' | 'build' | 'report';

export interface PipelineResult {
  success: boolean;
  loaded: LoadStats;
  freshness: FreshnessRunResult;
  /** Undefined when --fail-on-stale stopped the run before building. */
  build?: RunResult;
  kpis?: { growth: Record<string, unknown>[]; profiles: Record<string, unknown>[] };
  /** Wall time of each phase, in seconds. */
  seconds: Record<Phase | 'total', number>;
  project: Project;
}

export async function runPipeline(options: PipelineOptions = {}): Promise<PipelineResult> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const projectDir = path.resolve(options.projectDir ?? PROJECT_DIR);
  // profiles.yml reads FINEFINANCE_PG_URL: --url reaches tsdbt through the env it renders with.
  const env = options.url ? { ...process.env, FINEFINANCE_PG_URL: options.url } : process.env;
  const project = await loadProject({ projectDir, env, ...(options.threads ? { threads: options.threads } : {}) });
  // One source of truth for the connection: the generator writes where tsdbt reads.
  const configured = project.target.config['url'];
  if (typeof configured !== 'string') throw new UsageError(`the target \`${project.target.name}\` in ${project.target.profilesFile ?? 'profiles.yml'} has no url`);
  const url = configured;
  const seconds = { load: 0, freshness: 0, build: 0, report: 0, total: 0 };
  const timed = async <T>(phase: Phase, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      seconds[phase] = (performance.now() - t0) / 1000;
    }
  };

  // 1. Load the source.
  const progress = (msg: string) => log(`  ${msg}`);
  const loaded = await timed('load', () => load()).catch((e: unknown) => {
    // The database is unreachable, missing (--append needs a generated one), or holds other data.
    throw new LoadError(`${options.append ? 'appending a day' : 'generating the source data'} failed: ${(e as Error).message}`, { cause: e });
  });
  async function load(): Promise<LoadStats> {
    if (options.append) {
      log('load: appending one day to schema app');
      return appendDay({ url, seed: options.seed, onProgress: progress });
    }
    log('load: generating schema app from scratch');
    const stats = await generate({ url, customers: options.customers, months: options.months, seed: options.seed, endDate: options.endDate, reset: true, onProgress: progress });
    // The warehouse belongs to the old data (the snapshot's history above all): start it over.
    const schemas = await warehouseSchemas(project);
    log(`  new source data: dropping the warehouse schemas ${schemas.join(', ')}`);
    await withClient(url, async (c) => {
      for (const s of schemas) await c.query(`drop schema if exists "${s.replaceAll('"', '""')}" cascade`);
    });
    return stats;
  }

  // 2. Source freshness.
  const freshness = await timed('freshness', () =>
    sourceFreshness(project, {
      onEvent(e: RunEvent) {
        if (e.type === 'freshness_started') log(`freshness: ${e.total} source tables with thresholds`);
        else if (e.type === 'freshness_checked') {
          const r = e.result;
          const { warnAfter, errorAfter } = r.criteria;
          const limits = [warnAfter && `warn > ${period(warnAfter)}`, errorAfter && `error > ${period(errorAfter)}`].filter(Boolean).join(', ');
          const when = r.ageSeconds === undefined ? '' : r.ageSeconds < 0 ? `${age_(-r.ageSeconds)} in the future` : `${age_(r.ageSeconds)} old`;
          const age = r.ageSeconds === undefined ? '' : `newest row ${when} (${r.maxLoadedAt}; ${limits})`;
          log(`  ${pad(r.status.toUpperCase(), 6)} ${pad(`${r.sourceName}.${r.tableName}`, 18)} ${r.status === 'runtime error' ? (r.message ?? '') : age}`);
        } else if (e.type === 'diagnostic') log(`  warning: ${e.diagnostic.message}`);
      },
    }),
  );
  if (!freshness.ok) {
    log(
      options.failOnStale
        ? '  a source failed its freshness check: stopping before the build (--fail-on-stale)'
        : '  measured against the warehouse clock; the generated history ends on a fixed day (see README).\n' +
            '  A live deployment would stop here (--fail-on-stale). Building anyway.',
    );
    if (options.failOnStale) {
      seconds.total = (performance.now() - started) / 1000;
      return { success: false, loaded, freshness, seconds, project };
    }
  }

  // 3. Build: models, the snapshot and every test, in DAG order.
  const failures: NodeResult[] = [];
  let testsPassed = 0;
  const result = await timed('build', () =>
    build(project, {
      onEvent(e: RunEvent) {
        if (e.type === 'run_started') log(`build: ${e.total} nodes on ${e.adapter} with ${e.threads} threads`);
        else if (e.type === 'diagnostic') log(`  warning: ${e.diagnostic.message}`);
        else if (e.type === 'node_finished') {
          const r = e.result;
          if (r.status === 'error' || r.status === 'fail' || r.status === 'skipped') failures.push(r);
          if (r.resourceType === 'test' || r.resourceType === 'unit_test') {
            if (r.status === 'pass') testsPassed++;
            else log(`  ${r.status === 'warn' ? '!' : '✗'} test ${r.name}: ${firstLine(r.message)}`);
            return;
          }
          const mark = r.status === 'success' ? '✓' : r.status === 'skipped' ? '-' : '✗';
          const detail = r.status !== 'success' ? firstLine(r.message) : r.materialization === 'table' && r.rowsAffected !== undefined ? `${int(r.rowsAffected)} rows` : r.message;
          log(`  ${mark} ${pad(r.materialization, 11)} ${pad(r.name, 28)} ${pad(detail, 32)} ${fmt(r.executionTime)}`);
        }
      },
    }),
  );
  const tests = result.results.filter((r) => r.resourceType === 'test').length;
  log(`  tests: ${testsPassed} of ${tests} passed; build ${result.success ? 'succeeded' : 'FAILED'} in ${fmt(seconds.build)}`);
  for (const r of failures.filter((f) => f.status !== 'skipped')) log(`\n  failed ${r.name} (${r.originalFilePath})\n    ${r.message.split('\n').join('\n    ')}`);

  // 4. The direction's KPIs, when the marts were published.
  let kpis: PipelineResult['kpis'];
  if (result.success) {
    kpis = await timed('report', async () => {
      const q = async (sql: string) => (await show(project, { inline: sql, limit: -1 })).rows;
      const growth = await q("select * from (select * from {{ ref('kpi_monthly_growth') }} order by month desc limit 6) as last6 order by month");
      const profiles = await q("select * from {{ ref('kpi_customers_per_profile') }} where is_latest order by profile_order");
      return { growth, profiles };
    });
    printKpis(kpis, log);
  }

  seconds.total = (performance.now() - started) / 1000;
  log(
    `\nwall times: load ${fmt(seconds.load)}, freshness ${fmt(seconds.freshness)}, build ${fmt(seconds.build)}, ` +
      `report ${fmt(seconds.report)}; total ${fmt(seconds.total)}`,
  );
  return { success: result.success, loaded, freshness, build: result, kpis, seconds, project };
}

/** The schemas the project builds into (models and snapshots), from the parsed project. */
async function warehouseSchemas(project: Project): Promise<string[]> {
  const { parsed } = await parse(project);
  const schemas = new Set<string>();
  for (const node of parsed.nodes.values()) {
    if ((node.resourceType === 'model' || node.resourceType === 'snapshot') && node.relation?.schema) schemas.add(node.relation.schema);
  }
  return [...schemas].sort();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function printKpis(kpis: NonNullable<PipelineResult['kpis']>, log: (line: string) => void): void {
  log('\nMonthly growth (last 6 months; month-over-month change in parentheses)');
  log(
    table(
      ['month', 'revenue €', 'volume €', 'transactions', 'new customers', 'customers'],
      kpis.growth.map((r) => [
        `${String(r['month']).slice(0, 7)}${r['is_complete_month'] ? '' : '*'}`,
        `${eur(r['revenue'])} ${growth(r['revenue_growth_pct'])}`,
        `${eur(r['transaction_volume'])} ${growth(r['transaction_volume_growth_pct'])}`,
        `${int(r['transaction_count'])} ${growth(r['transaction_count_growth_pct'])}`,
        `${int(r['new_customers'])} ${growth(r['new_customers_growth_pct'])}`,
        int(r['total_customers']),
      ]),
      [1, 2, 3, 4, 5],
    ),
  );
  if (kpis.growth.some((r) => !r['is_complete_month'])) log('  * month in progress');
  log('\nCustomers per profile (now)');
  log(table(['profile', 'customers', 'share', 'change this month'], kpis.profiles.map((r) => [String(r['profile']), int(r['customers']), `${Number(r['share_pct']).toFixed(1)}%`, signed(r['change_from_previous_month'])]), [1, 2, 3]));
}

const int = (v: unknown) => Number(v).toLocaleString('en-US');
const eur = (v: unknown) => Number(v).toLocaleString('en-US', { maximumFractionDigits: 0 });
const signed = (v: unknown) => (v === null || v === undefined ? '' : `${Number(v) > 0 ? '+' : ''}${int(v)}`);
const growth = (v: unknown) => (v === null || v === undefined ? '(—)' : `(${Number(v) > 0 ? '+' : ''}${Number(v).toFixed(1)}%)`);
const fmt = (s: number) => `${s.toFixed(2)}s`;
const period = (t: { count: number; period: string }) => `${t.count} ${t.period}${t.count === 1 ? '' : 's'}`;
const pad = (s: string, n: number) => s.padEnd(n);
const firstLine = (s: string) => s.split('\n')[0] ?? '';

function age_(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  return d > 0 ? `${d}d ${h}h` : `${h}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** A plain text table; the columns in `right` are right-aligned. */
function table(headers: string[], rows: string[][], right: number[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (v: string, i: number) => (right.includes(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!));
  return [headers.map(cell).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => r.map(cell).join('  '))].map((l) => `  ${l.trimEnd()}`).join('\n');
}

class UsageError extends Error {}

/** The load phase failed: the message says why; the cause keeps the stack. */
export class LoadError extends Error {}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (name === 'seed' ? 0 : 1)) throw new UsageError(`--${name} must be a ${name === 'seed' ? 'non-negative' : 'positive'} integer, got "${value}"`);
  return n;
}

const USAGE = `usage: node dist/pipeline.js [--customers N] [--months N] [--seed N] [--end-date YYYY-MM-DD] [--append] [--url postgres://…] [--fail-on-stale] [--threads N]`;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { values } = parseArgs({
      options: {
        customers: { type: 'string' },
        months: { type: 'string' },
        seed: { type: 'string' },
        'end-date': { type: 'string' },
        append: { type: 'boolean' },
        url: { type: 'string' },
        'fail-on-stale': { type: 'boolean' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
    } else {
      if (values.append && (values.customers || values.months || values['end-date'])) throw new UsageError('--append adds one day to the data there: --customers, --months and --end-date apply to a full generation only');
      const { success } = await runPipeline({
        url: values.url,
        append: values.append,
        customers: positive('customers', values.customers),
        months: positive('months', values.months),
        seed: positive('seed', values.seed),
        endDate: values['end-date'],
        failOnStale: values['fail-on-stale'],
        threads: positive('threads', values.threads),
      });
      process.exitCode = success ? 0 : 1;
    }
  } catch (e) {
    if (isTsdbtError(e)) console.error(`error ${e.format()}`);
    else if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`error: ${(e as Error).message}\n${USAGE}`);
    else if (e instanceof LoadError) console.error(`error: ${e.message}`);
    else console.error(e); // a bug or a database outage: keep the stack
    process.exitCode = 2;
  }
}
