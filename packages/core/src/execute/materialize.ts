// Build one model in the warehouse from its plan, tracking which relations exist.
import type { Connection, Dialect, RelationKind, RelationRef } from '../adapter/types.js';
import type { CompiledModel } from '../compile/compile-project.js';
import { planTable } from '../plan/materializations/table.js';
import { planView } from '../plan/materializations/view.js';
import { planIncrementalRebuild, shouldFullRefresh } from '../plan/materializations/incremental.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, withSuffix, type MaterializationPlan } from '../plan/plan.js';
import { materializeIncremental } from './materialize-incremental.js';
import type { NodeRunContext } from './node-handler.js';
import { findDependentViews, modelsBuiltAfter, recreateViews } from './dependent-views.js';
import { runStatements } from './session.js';
import { contractEnforced, contractTable, hasConstraints, type ContractTable } from './contract.js';
import type { ModelNode } from '../parse/nodes.js';
import { inTransaction, NO_HOOKS, runHookStatements, type ModelHooks } from './hooks.js';

/** What exists in the warehouse, by `schema.identifier` (lower-cased where the engine folds case). */
export class RelationCache {
  private readonly kinds = new Map<string, RelationKind>();
  private static key(schema: string, identifier: string): string {
    return `${schema}\u0000${identifier}`.toLowerCase();
  }
  set(schema: string, identifier: string, kind: RelationKind | undefined): void {
    const k = RelationCache.key(schema, identifier);
    if (kind) this.kinds.set(k, kind);
    else this.kinds.delete(k);
  }
  get(rel: RelationRef): RelationKind | undefined {
    return this.kinds.get(RelationCache.key(rel.schema, rel.identifier));
  }
}

export class UnsupportedMaterialization extends Error {}

export function planModel(dialect: Dialect, model: CompiledModel, cache: RelationCache, contract?: ContractTable): MaterializationPlan {
  if (model.node.resourceType !== 'model') throw new Error(`internal: planModel on ${model.node.uniqueId}`);
  const rel = model.node.relation!;
  const leftovers = [TEMP_SUFFIX, BACKUP_SUFFIX]
    .map((s) => ({ identifier: withSuffix(rel, s).identifier, kind: cache.get(withSuffix(rel, s)) }))
    .filter((l): l is { identifier: string; kind: RelationKind } => l.kind !== undefined);
  const state = { existing: cache.get(rel), leftovers };
  switch (model.node.config.materialized) {
    case 'table':
      return planTable(dialect, rel, model.compiledSql, state, contract);
    // The first run or a full refresh; incremental runs onto an existing table go through materializeIncremental.
    case 'incremental':
      return contract ? planTable(dialect, rel, model.compiledSql, state, contract) : planIncrementalRebuild(dialect, rel, model.compiledSql, state);
    case 'view':
      return planView(dialect, rel, model.compiledSql, state);
    default:
      throw new UnsupportedMaterialization(`materialization \`${model.node.config.materialized}\` is not supported yet (use view, table, incremental or ephemeral)`);
  }
}

/**
 * `beforeCommit` runs inside the transaction after the new relation is in place (audit before publish).
 * `hooks`: the model's rendered pre/post hooks — pre-hooks open the transaction, post-hooks close it
 * (before the audit), `transaction: false` ones run before BEGIN / after COMMIT.
 */
export async function materialize(conn: Connection, dialect: Dialect, model: CompiledModel, cache: RelationCache, ctx?: NodeRunContext, beforeCommit?: () => Promise<void>, hooks: ModelHooks = NO_HOOKS): Promise<{ rows?: number | undefined; message?: string | undefined }> {
  // Read (and checked) before anything runs, so a malformed constraint builds nothing.
  const contract = contractFor(dialect, model, ctx);
  await runHookStatements(conn, hooks.beforeBegin);
  const result = await materializeInTransaction(conn, dialect, model, cache, ctx, beforeCommit, hooks, contract);
  await runHookStatements(conn, hooks.afterCommit);
  return result;
}

/**
 * The contract DDL of a table or incremental model with an enforced contract (views keep theirs as
 * a pre-build check only; their constraints are ignored with a warning, as in dbt).
 */
function contractFor(dialect: Dialect, model: CompiledModel, ctx: NodeRunContext | undefined): ContractTable | undefined {
  const node = model.node as ModelNode;
  if (node.resourceType !== 'model' || !contractEnforced(node)) return undefined;
  const warn = (message: string) => ctx?.project.diagnostics.warn(message, { file: node.patchPath ?? node.originalFilePath });
  const materialized = node.config.materialized;
  if (materialized !== 'table' && materialized !== 'incremental') {
    if (hasConstraints(node)) warn(`model \`${node.name}\` is materialized as ${materialized}: its constraints are not applied (only tables and incremental models get them)`);
    return undefined;
  }
  return contractTable(node, dialect, ctx?.parsed.nodes.values() ?? [], warn);
}

async function materializeInTransaction(conn: Connection, dialect: Dialect, model: CompiledModel, cache: RelationCache, ctx: NodeRunContext | undefined, beforeCommit: (() => Promise<void>) | undefined, hooks: ModelHooks, contract: ContractTable | undefined): Promise<{ rows?: number | undefined; message?: string | undefined }> {
  // Same condition as the run-time is_incremental() the model was rendered with.
  const node = model.node;
  if (ctx && node.config.materialized === 'incremental' && cache.get(node.relation!) === 'table' && !shouldFullRefresh(node.config, ctx.flags.fullRefresh)) {
    const leftovers = [TEMP_SUFFIX, BACKUP_SUFFIX]
      .map((s) => ({ identifier: withSuffix(node.relation!, s).identifier, kind: cache.get(withSuffix(node.relation!, s)) }))
      .filter((l): l is { identifier: string; kind: RelationKind } => l.kind !== undefined);
    const afterApply = async () => {
      await runHookStatements(conn, hooks.post);
      await beforeCommit?.();
    };
    return materializeIncremental({ ...ctx, conn, dialect, relations: cache }, model, { existing: 'table', leftovers }, afterApply, hooks.pre);
  }
  const plan = planModel(dialect, model, cache, contract);
  const rel = model.node.relation!;
  const transactional = dialect.capabilities.transactionalDdl;
  const views = ctx ? await findDependentViews(conn, ctx.introspector, rel, cache.get(rel)) : [];
  const builtLater = ctx && views.length > 0 ? modelsBuiltAfter(ctx, node.uniqueId) : () => false;
  let dropped: RelationRef[] = [];
  const counts = await inTransaction(conn, transactional, async () => {
    await runHookStatements(conn, hooks.pre);
    const counts = await runStatements(conn, plan.statements.map((s) => s.sql), false);
    dropped = await recreateViews(conn, dialect, rel, views, { transactional, builtLater });
    await runHookStatements(conn, hooks.post);
    await beforeCommit?.();
    return counts;
  });
  for (const v of dropped) cache.set(v.schema, v.identifier, undefined);
  cache.set(rel.schema, rel.identifier, plan.resultKind);
  cache.set(rel.schema, withSuffix(rel, TEMP_SUFFIX).identifier, undefined);
  cache.set(rel.schema, withSuffix(rel, BACKUP_SUFFIX).identifier, undefined);
  const rows = plan.rowsFrom !== undefined && plan.resultKind === 'table' ? counts[plan.rowsFrom] : undefined;
  return { rows };
}
