// Views built on a relation that a swap replaces. Where the warehouse drops them with the old
// relation (Postgres `DROP … CASCADE`), they are recreated in the swap's transaction.
import type { Connection, Dialect, Introspector, RelationKind, RelationRef } from '../adapter/types.js';

/** CREATE VIEW statements to run after the old relation is dropped; empty when nothing depends on it. */
export async function recreateDependentViews(conn: Connection, dialect: Dialect, introspector: Introspector, rel: RelationRef, existing: RelationKind | undefined): Promise<string[]> {
  if (!existing || !introspector.dependentViews) return [];
  const views = await introspector.dependentViews(conn, rel);
  return views.map((v) => dialect.createView(v.relation, v.selectSql));
}
