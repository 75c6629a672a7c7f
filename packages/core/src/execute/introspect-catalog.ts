// Read what the warehouse holds for each node's relation: kind, columns with types, row count.
import type { ColumnMeta, RelationKind, RelationRef } from '../adapter/types.js';
import type { GraphNode } from '../parse/nodes.js';
import type { Session } from './session.js';

export interface CatalogRelation {
  uniqueId: string;
  relation: RelationRef;
  kind: RelationKind;
  /** In ordinal order, with the warehouse's type names. */
  columns: ColumnMeta[];
  /** null when counting failed (a broken view). */
  rowCount: number | null;
}

export interface IntrospectOptions {
  /** Count rows (`select count(*)`) of every relation found, views included (default true). */
  rowCounts?: boolean | undefined;
}

/** Nodes that are relations in the warehouse: sources, seeds, snapshots and non-ephemeral models. */
export function hasRelation(node: GraphNode): boolean {
  if (!node.relation) return false;
  if (node.resourceType === 'model') return node.config.materialized !== 'ephemeral';
  return node.resourceType === 'source' || node.resourceType === 'seed' || node.resourceType === 'snapshot';
}

/**
 * Introspect the relations of `nodes`. Costs one listing per schema, then a column query and a
 * count per relation that exists; relations that don't exist are left out of the result.
 */
export async function introspectCatalog(session: Session, nodes: Iterable<GraphNode>, options: IntrospectOptions = {}): Promise<Map<string, CatalogRelation>> {
  const wanted = [...nodes].filter(hasRelation);
  const { pool, introspector, dialect } = session;
  // Which relations exist, and their kind: one listing per (database, schema).
  const schemaKey = (r: RelationRef) => `${r.database ?? ''}\u0000${r.schema}`.toLowerCase();
  const schemas = new Map<string, RelationRef>();
  for (const n of wanted) if (!schemas.has(schemaKey(n.relation!))) schemas.set(schemaKey(n.relation!), n.relation!);
  const kinds = new Map<string, RelationKind>();
  await Promise.all(
    [...schemas.entries()].map(([key, rel]) =>
      pool.withConnection(async (conn) => {
        for (const info of await introspector.listRelations(conn, rel.schema, rel.database)) kinds.set(`${key}\u0000${info.identifier.toLowerCase()}`, info.kind);
      }),
    ),
  );
  const out = new Map<string, CatalogRelation>();
  await Promise.all(
    wanted.map(async (node) => {
      const relation = node.relation!;
      const kind = kinds.get(`${schemaKey(relation)}\u0000${relation.identifier.toLowerCase()}`);
      if (!kind) return;
      const columns = await pool.withConnection((conn) => introspector.getColumns(conn, relation)).catch(() => [] as ColumnMeta[]);
      let rowCount: number | null = null;
      if (options.rowCounts !== false) {
        try {
          const res = await pool.withConnection((conn) => conn.execute(`select count(*) as row_count from ${dialect.relationName(relation)}`));
          const value = res.rows[0] ? Object.values(res.rows[0])[0] : undefined;
          rowCount = value === undefined || value === null ? null : Number(value);
        } catch {
          rowCount = null;
        }
      }
      out.set(node.uniqueId, { uniqueId: node.uniqueId, relation, kind, columns, rowCount });
    }),
  );
  return out;
}
