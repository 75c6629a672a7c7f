// Snapshots: SCD Type 2 history in one transaction. Reads what exists (the table's columns, the
// query's columns), plans with plan/materializations/snapshot.ts, then runs the plan as one
// transaction: a failed or killed run leaves the table exactly as it was.
import type { ColumnMeta, Connection, Dialect } from '../adapter/types.js';
import { TsdbtError } from '../errors.js';
import { compileWithWarehouse, warehouseAccess } from '../compile/async-render.js';
import type { SnapshotNode } from '../parse/nodes.js';
import { resolveSnapshotSpec } from '../parse/snapshot-config.js';
import { checkSnapshotTarget, missingSnapshotColumns, planSnapshotCreate, planSnapshotMerge, snapshotStagingSql, STAGING_SUFFIX } from '../plan/materializations/snapshot.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, withSuffix } from '../plan/plan.js';
import type { NodeHandler } from './node-handler.js';
import { runStatements } from './session.js';
import { nodeHooks, withHooks } from './hooks.js';

/** Column names and types of a query, without running it. */
async function columnsOf(conn: Connection, dialect: Dialect, sql: string): Promise<ColumnMeta[]> {
  return (await conn.execute(dialect.limitQuery(sql, 0))).columns;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const runSnapshot: NodeHandler = async (node, ctx) => {
  const snapshot = node as SnapshotNode;
  let compiled;
  try {
    compiled = await compileWithWarehouse(ctx.compiler, snapshot, warehouseAccess(ctx.conn, ctx.introspector));
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message };
  }
  try {
    const { conn, dialect, relations } = ctx;
    const spec = resolveSnapshotSpec(snapshot.config);
    const rel = snapshot.relation!;
    await ctx.ensureSchema(rel.schema, rel.database);
    const existing = relations.get(rel);
    if (existing === 'view') {
      throw new TsdbtError('database', `${dialect.relationName(rel)} is a view, and a snapshot needs a table there`, { hint: 'drop the view, or give the snapshot another schema or alias' });
    }
    const sql = compiled.compiledSql;
    const transactional = dialect.capabilities.transactionalDdl;
    // pre_hook / post_hook around the create or merge, inside its transaction (outside with `transaction: false`).
    const hooks = nodeHooks(snapshot, ctx.compiler, warehouseAccess(conn, ctx.introspector));
    const run = (statements: readonly string[]) => withHooks(conn, hooks, transactional, () => runStatements(conn, statements, false));

    if (existing === undefined) {
      const leftovers = [TEMP_SUFFIX, BACKUP_SUFFIX].flatMap((suffix) => {
        const kind = relations.get(withSuffix(rel, suffix));
        return kind ? [{ identifier: withSuffix(rel, suffix).identifier, kind }] : [];
      });
      const plan = planSnapshotCreate(dialect, rel, sql, spec, { leftovers });
      const counts = await run(plan.statements.map((s) => s.sql));
      relations.set(rel.schema, rel.identifier, 'table');
      for (const l of leftovers) relations.set(rel.schema, l.identifier, undefined);
      const rows = plan.rowsFrom === undefined ? undefined : counts[plan.rowsFrom];
      return { status: 'success', message: `SELECT ${rows ?? '?'}`, rowsAffected: rows, compiled };
    }

    const inputs = { queryColumns: await columnsOf(conn, dialect, sql), targetColumns: await ctx.introspector.getColumns(conn, rel) };
    checkSnapshotTarget(spec, rel, inputs.targetColumns);
    // Only when a meta column is missing from an older table is its type needed: read it from the staging query.
    const metaMissing = missingSnapshotColumns(spec, inputs).some((c) => !inputs.queryColumns.some((q) => q.name.toLowerCase() === c.toLowerCase()));
    const stagingColumns = metaMissing ? await columnsOf(conn, dialect, snapshotStagingSql(dialect, rel, sql, spec, inputs)) : undefined;
    const staging = withSuffix(rel, STAGING_SUFFIX);
    const plan = planSnapshotMerge(dialect, rel, sql, spec, { ...inputs, stagingColumns, stagingLeftover: relations.get(staging) !== undefined });
    const counts = await run(plan.statements.map((s) => s.sql));
    relations.set(staging.schema, staging.identifier, undefined);
    const closed = counts[plan.updateIndex] ?? 0;
    const inserted = counts[plan.insertIndex] ?? 0;
    const added = plan.addedColumns.length ? `, added ${plan.addedColumns.map((c) => `\`${c}\``).join(', ')}` : '';
    return { status: 'success', message: `SNAPSHOT ${plural(inserted, 'new version')}, ${closed} closed${added}`, rowsAffected: inserted + closed, compiled };
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message, compiled };
  }
};
