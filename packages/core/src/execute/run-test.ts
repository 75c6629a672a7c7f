// Data tests: the compiled test selects failing rows; count them as dbt's test materialization does
// (fail_calc, warn_if, error_if, limit), optionally keep them in an audit table, and map the counts
// to pass / warn / fail through the test's severity.
import type { Dialect, RelationRef } from '../adapter/types.js';
import type { CompiledModel } from '../compile/compile-project.js';
import { TsdbtError } from '../errors.js';
import { compileWithWarehouse, warehouseAccess } from '../compile/async-render.js';
import type { TestNode } from '../parse/nodes.js';
import { planTable } from '../plan/materializations/table.js';
import { planView } from '../plan/materializations/view.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type MaterializationPlan } from '../plan/plan.js';
import type { NodeHandler, NodeOutcome, NodeRunContext, RunFlags } from './node-handler.js';
import { runStatements } from './session.js';

export { runUnitTest } from './run-unit-test.js';

/** dbt's get_test_sql: one row with the failure count and both threshold checks. */
export function testQuery(mainSql: string, failCalc: string, warnIf: string, errorIf: string, limit: number | undefined): string {
  return [
    'select',
    `  ${failCalc} as failures,`,
    `  ${failCalc} ${warnIf} as should_warn,`,
    `  ${failCalc} ${errorIf} as should_error`,
    'from (',
    mainSql.trim().replace(/;\s*$/, ''),
    ...(limit !== undefined ? [`  limit ${limit}`] : []),
    ') dbt_internal_test',
  ].join('\n');
}

export interface TestCounts {
  failures: number;
  shouldWarn: boolean;
  shouldError: boolean;
}

/** dbt's TestRunner status rules: error severity + should_error → fail; else should_warn → warn; else pass. */
export function testStatus(config: Record<string, unknown>, counts: TestCounts): Pick<NodeOutcome, 'status' | 'message' | 'failures'> {
  const severity = String(config.severity ?? 'ERROR').toUpperCase();
  const got = `Got ${counts.failures} result${counts.failures === 1 ? '' : 's'}`;
  if (severity === 'ERROR' && counts.shouldError) return { status: 'fail', message: `${got}, configured to fail if ${String(config.error_if ?? '!= 0')}`, failures: counts.failures };
  if (counts.shouldWarn) return { status: 'warn', message: `${got}, configured to warn if ${String(config.warn_if ?? '!= 0')}`, failures: counts.failures };
  return { status: 'pass', message: 'PASS', failures: counts.failures };
}

/** `store_failures` in the test's config wins; unset, the `--store-failures` flag decides. */
export function storesFailures(test: TestNode, flags: RunFlags): boolean {
  const own = test.config.store_failures;
  const on = own === undefined || own === null ? flags.storeFailures : own === true || own === 'true';
  return on && test.config.store_failures_as !== 'ephemeral';
}

function limitOf(test: TestNode): number | undefined {
  const v = test.config.limit;
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new TsdbtError('config', `test \`${test.name}\`: \`limit\` must be a whole number, got \`${String(v)}\``, { location: { file: test.originalFilePath } });
  return n;
}

const truthy = (v: unknown) => v === true || v === 1 || v === 'true' || (typeof v === 'number' && v !== 0);

export const runTest: NodeHandler = async (node, ctx) => {
  const test = node as TestNode;
  const store = storesFailures(test, ctx.flags);
  // The flag counts as config for the test macros (not_null selects `*` when storing failures);
  // that variant is never cached, so it cannot stand in for the plain one later.
  const effective: TestNode = store && test.config.store_failures == null ? { ...test, volatile: true, config: { ...test.config, store_failures: true } } : test;
  let compiled: CompiledModel;
  let limit: number | undefined;
  try {
    compiled = await compileWithWarehouse(ctx.compiler, effective, warehouseAccess(ctx.conn, ctx.introspector));
    limit = limitOf(test);
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message };
  }
  const cfg = test.config;
  try {
    let mainSql = compiled.compiledSql;
    let storedIn: string | undefined;
    if (store) {
      const rel = test.relation!;
      await ctx.ensureSchema(rel.schema, rel.database);
      await storeFailureRows(ctx, rel, compiled.compiledSql, cfg.store_failures_as === 'view' ? 'view' : 'table');
      storedIn = ctx.dialect.relationName(rel);
      mainSql = `select * from ${storedIn}`;
    }
    const sql = testQuery(mainSql, String(cfg.fail_calc ?? 'count(*)'), String(cfg.warn_if ?? '!= 0'), String(cfg.error_if ?? '!= 0'), limit);
    const row = (await ctx.conn.execute(sql)).rows[0] ?? {};
    const failures = Number(row['failures'] ?? 0);
    const outcome = testStatus(cfg, { failures: Number.isFinite(failures) ? failures : 0, shouldWarn: truthy(row['should_warn']), shouldError: truthy(row['should_error']) });
    const message = storedIn && outcome.status !== 'pass' ? `${outcome.message}\nSee test failures: select * from ${storedIn}` : outcome.message;
    return { ...outcome, message, compiled };
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message, compiled };
  }
};

/** Replace the audit relation with this run's failing rows (built under a temp name, then swapped in). */
async function storeFailureRows(ctx: NodeRunContext, rel: RelationRef, sql: string, kind: 'table' | 'view'): Promise<void> {
  const plan = planFailures(ctx.dialect, rel, sql, kind, ctx);
  await runStatements(ctx.conn, plan.statements.map((s) => s.sql), ctx.dialect.capabilities.transactionalDdl);
  ctx.relations.set(rel.schema, rel.identifier, plan.resultKind);
  ctx.relations.set(rel.schema, `${rel.identifier}${TEMP_SUFFIX}`, undefined);
  ctx.relations.set(rel.schema, `${rel.identifier}${BACKUP_SUFFIX}`, undefined);
}

function planFailures(dialect: Dialect, rel: RelationRef, sql: string, kind: 'table' | 'view', ctx: NodeRunContext): MaterializationPlan {
  const leftovers = [TEMP_SUFFIX, BACKUP_SUFFIX]
    .map((s) => ({ identifier: `${rel.identifier}${s}`, kind: ctx.relations.get({ ...rel, identifier: `${rel.identifier}${s}` }) }))
    .filter((l): l is { identifier: string; kind: 'table' | 'view' } => l.kind !== undefined);
  const state = { existing: ctx.relations.get(rel), leftovers };
  return kind === 'view' ? planView(dialect, rel, sql, state) : planTable(dialect, rel, sql, state);
}
