// Views built on a relation that a swap replaces. Where the warehouse drops them with the old
// relation (Postgres `DROP … CASCADE`), they are recreated in the swap's transaction; where they
// survive by name (DuckDB), they are checked to still work before the transaction commits.
import type { Connection, Dialect, DependentView, Introspector, RelationKind, RelationRef } from '../adapter/types.js';
import type { NodeRunContext } from './node-handler.js';

/** Views that depend on `rel` (transitively), in recreation order; empty when nothing depends on it. */
export async function findDependentViews(conn: Connection, introspector: Introspector, rel: RelationRef, existing: RelationKind | undefined): Promise<DependentView[]> {
  if (!existing || !introspector.dependentViews) return [];
  return introspector.dependentViews(conn, rel);
}

export interface RecreateOptions {
  /** The statements run in a transaction (then a view that may fail is tried under a savepoint). */
  transactional: boolean;
  /** Views that are models this run builds later: their own build replaces them. */
  builtLater(view: RelationRef): boolean;
}

const SAVEPOINT = 'tsdbt_dependent_view';

/**
 * Recreate `views` after `rel` was replaced. A view that cannot be recreated on the new relation
 * (it reads a column that is gone) fails the build, naming the view, so the transaction rolls back
 * and nothing is lost. Except a view this run rebuilds later (e.g. a column renamed in a table model
 * and in the view model on it, in one change): that one is left dropped for its own build. Returns
 * the views left dropped.
 */
export async function recreateViews(conn: Connection, dialect: Dialect, rel: RelationRef, views: readonly DependentView[], options: RecreateOptions): Promise<RelationRef[]> {
  const dropped: RelationRef[] = [];
  for (const view of views) {
    if (view.survivesSwap) {
      // Its own later build checks it; a failed statement would abort the whole transaction.
      if (options.builtLater(view.relation)) continue;
      await conn.execute(dialect.limitQuery(`select * from ${dialect.relationName(view.relation)}`, 0)).catch((e: unknown) => {
        throw new Error(`view ${dialect.relationName(view.relation)}, which is built on ${dialect.relationName(rel)}, would break on the new relation: ${(e as Error).message}`, { cause: e });
      });
      continue;
    }
    const sql = dialect.createView(view.relation, view.selectSql);
    if (!options.builtLater(view.relation)) {
      await conn.execute(sql).catch((e: unknown) => {
        const message = `view ${dialect.relationName(view.relation)}, which is built on ${dialect.relationName(rel)}, would break on the new relation: ${(e as Error).message}`;
        throw new Error(message, { cause: e });
      });
      continue;
    }
    // A failed statement aborts a Postgres transaction: the savepoint (standard SQL) keeps it usable.
    if (options.transactional) await conn.execute(`SAVEPOINT ${SAVEPOINT}`);
    try {
      await conn.execute(sql);
      if (options.transactional) await conn.execute(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    } catch {
      if (options.transactional) await conn.execute(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      dropped.push(view.relation);
    }
  }
  return dropped;
}

/** Whether a relation is that of a model this run builds after `uniqueId` (selected and downstream of it). */
export function modelsBuiltAfter(ctx: NodeRunContext, uniqueId: string): (rel: RelationRef) => boolean {
  const key = (r: RelationRef) => `${r.schema}\u0000${r.identifier}`;
  const later = new Set<string>();
  const seen = new Set<string>([uniqueId]);
  const queue = [uniqueId];
  while (queue.length > 0) {
    for (const next of ctx.parsed.graph.outNeighbors(queue.pop()!)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
      const n = ctx.parsed.nodes.get(next);
      if (n?.resourceType === 'model' && n.relation && ctx.selected.has(next)) later.add(key(n.relation));
    }
  }
  return (rel) => later.has(key(rel));
}
