// Audit before publish (build): a table or incremental model's error-severity tests run inside the
// model's own transaction, after the new data is in place but before commit. Other connections
// still see the previous relation; a failing test rolls the whole build back, so consumers never
// see data that failed its tests (dbt-core #6035).
import { TsdbtError } from '../errors.js';
import { compileWithWarehouse, warehouseAccess } from '../compile/async-render.js';
import type { ModelNode, TestNode } from '../parse/nodes.js';
import type { NodeRunContext } from './node-handler.js';
import { testQuery, testStatus } from './run-test.js';

export class AuditFailed extends Error {}

/** The tests that gate publishing this model in this run (none outside `build`): error severity, reading only this model. */
export function auditTests(model: ModelNode, ctx: NodeRunContext): TestNode[] {
  if (ctx.flags.command !== 'build' || !ctx.dialect.capabilities.transactionalDdl) return [];
  if (model.config.materialized !== 'table' && model.config.materialized !== 'incremental') return [];
  if (model.config.audit_before_publish === false || model.config.audit_before_publish === 'false') return [];
  const tests: TestNode[] = [];
  for (const id of ctx.parsed.graph.outNeighbors(model.uniqueId)) {
    const n = ctx.parsed.nodes.get(id);
    if (n?.resourceType !== 'test' || n.attachedNode !== model.uniqueId || !ctx.selected.has(id)) continue;
    if (String(n.config.severity ?? 'error').toLowerCase() !== 'error') continue;
    // Only tests that read nothing but this model: others (relationships …) may need nodes not built yet.
    if (ctx.parsed.graph.inNeighbors(id).some((p) => p !== model.uniqueId)) continue;
    tests.push(n);
  }
  return tests;
}

/** A beforeCommit hook that runs the tests on the connection holding the uncommitted build. */
export function auditHook(model: ModelNode, tests: readonly TestNode[], ctx: NodeRunContext): () => Promise<void> {
  const published = ctx.relations.get(model.relation!) !== undefined;
  return async () => {
    const failed: string[] = [];
    for (const test of tests) {
      const compiled = await compileWithWarehouse(ctx.compiler, test, warehouseAccess(ctx.conn, ctx.introspector));
      const cfg = test.config;
      const limit = cfg.limit === undefined || cfg.limit === null ? undefined : Number(cfg.limit);
      const sql = testQuery(compiled.compiledSql, String(cfg.fail_calc ?? 'count(*)'), String(cfg.warn_if ?? '!= 0'), String(cfg.error_if ?? '!= 0'), limit);
      const row = (await ctx.conn.execute(sql)).rows[0] ?? {};
      const truthy = (v: unknown) => v === true || v === 1 || v === 'true';
      const outcome = testStatus(cfg, { failures: Number(row['failures'] ?? 0), shouldWarn: truthy(row['should_warn']), shouldError: truthy(row['should_error']) });
      if (outcome.status === 'fail') failed.push(`${test.name}: ${outcome.message}`);
    }
    if (failed.length) {
      const rel = ctx.dialect.relationName(model.relation!);
      throw new AuditFailed(
        `new data for \`${model.name}\` failed ${failed.length === 1 ? 'its test' : `${failed.length} tests`}; ${published ? `${rel} keeps its previous rows` : `${rel} was not published`}\n${failed.map((f) => `  ${f}`).join('\n')}\n(opt out with audit_before_publish: false)`,
      );
    }
  };
}

export function isAuditFailure(e: unknown): e is AuditFailed {
  return e instanceof AuditFailed;
}

