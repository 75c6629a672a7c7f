// Run an incremental model onto its existing table: build the new rows into a temp table, read the
// columns of both, then reconcile and apply — one transaction, so a failure (or a killed process)
// leaves the table as it was. What to run is decided in plan/materializations/incremental.ts.
import type { CompiledModel } from '../compile/compile-project.js';
import { planIncremental, readIncrementalConfig } from '../plan/materializations/incremental.js';
import type { ExistingState } from '../plan/plan.js';
import type { ColumnMeta, RelationRef } from '../adapter/types.js';
import type { NodeRunContext } from './node-handler.js';
import { runHookStatements, type Hook } from './hooks.js';

/** `preHooks`: the model's rendered pre-hooks, run first inside the transaction (execute/hooks.ts). */
export async function materializeIncremental(ctx: NodeRunContext, model: CompiledModel, state: ExistingState, beforeCommit?: () => Promise<void>, preHooks: readonly Hook[] = []): Promise<{ rows: number | undefined; message: string }> {
  const { conn, dialect, introspector } = ctx;
  const node = model.node;
  const target = node.relation!;
  const config = readIncrementalConfig(node.config, node.originalFilePath);
  const plan = planIncremental(dialect, target, { name: node.name, file: node.originalFilePath, sql: model.compiledSql, config }, state);

  const transactional = dialect.capabilities.transactionalDdl;
  if (transactional) await conn.begin();
  let rows: number | undefined;
  let verb: string;
  try {
    await runHookStatements(conn, preHooks);
    for (const s of plan.build) await conn.execute(s.sql);
    // Read inside the transaction: the temp table is not visible to anyone else yet.
    const columns = { temp: await introspector.getColumns(conn, plan.temp), target: await introspector.getColumns(conn, target) };
    const apply = plan.apply({ ...columns, nullFreeKeys: await keysAreNullFree(ctx, plan.temp, columns.temp, config.uniqueKey) });
    for (const [i, s] of apply.statements.entries()) {
      const { rowsAffected } = await conn.execute(s.sql);
      if (i === apply.rowsFrom) rows = rowsAffected;
    }
    verb = apply.verb;
    if (beforeCommit) await beforeCommit();
    if (transactional) await conn.commit();
  } catch (e) {
    if (transactional) await conn.rollback().catch(() => undefined);
    throw e;
  }
  for (const l of state.leftovers ?? []) ctx.relations.set(target.schema, l.identifier, undefined);
  ctx.relations.set(target.schema, plan.temp.identifier, undefined);
  return { rows, message: `${verb} ${rows ?? '?'}` };
}

/** Whether no new row has a NULL in a key column (one cheap query over the temp table). */
async function keysAreNullFree(ctx: NodeRunContext, temp: RelationRef, tempCols: readonly ColumnMeta[], uniqueKey: readonly string[]): Promise<boolean> {
  if (uniqueKey.length === 0) return false;
  const names = uniqueKey.map((k) => tempCols.find((c) => c.name.toLowerCase() === k.toLowerCase())?.name);
  if (names.some((n) => n === undefined)) return false; // planApply reports the missing key
  const anyNull = names.map((n) => `${ctx.dialect.quoteIdentifier(n!)} IS NULL`).join(' OR ');
  const { rows } = await ctx.conn.execute(`select count(*) as n from (select 1 from ${ctx.dialect.relationName(temp)} where ${anyNull} limit 1) as keys_with_null`);
  return Number(Object.values(rows[0] ?? {})[0] ?? 1) === 0;
}
