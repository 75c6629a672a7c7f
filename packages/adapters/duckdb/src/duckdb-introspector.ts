// Catalog queries through information_schema, with bound parameters. DuckDB resolves names
// case-insensitively (even quoted ones), so matching here is case-insensitive too.
import type { ColumnMeta, Connection, DependentView, Dialect, Introspector, RelationInfo, RelationRef } from '@tsdbt/core';

// Without a database, look in the current one (information_schema spans every attached catalog).
const CATALOG_FILTER = 'lower(table_catalog) = lower(coalesce($2::VARCHAR, current_database()))';

const LIST_RELATIONS_SQL = `select table_schema, table_name, table_type
from information_schema.tables
where lower(table_schema) = lower($1) and ${CATALOG_FILTER}
order by table_name`;

const GET_COLUMNS_SQL = `select column_name, data_type
from information_schema.columns
where lower(table_schema) = lower($1) and ${CATALOG_FILTER} and lower(table_name) = lower($3)
order by ordinal_position`;

const DEPENDENT_VIEWS_SQL = `select schema_name, view_name, sql
from duckdb_views()
where not internal and not temporary and contains(lower(sql), lower($1))
  and lower(database_name) = lower(coalesce($2::VARCHAR, current_database()))`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class DuckDBIntrospector implements Introspector {
  async listRelations(conn: Connection, schema: string, database?: string): Promise<RelationInfo[]> {
    const { rows } = await conn.execute(LIST_RELATIONS_SQL, [schema, database ?? null]);
    return rows.map((r) => ({
      schema: String(r['table_schema']),
      identifier: String(r['table_name']),
      // 'BASE TABLE' and 'LOCAL TEMPORARY' are tables.
      kind: r['table_type'] === 'VIEW' ? 'view' : 'table',
    }));
  }

  async getColumns(conn: Connection, rel: RelationRef): Promise<ColumnMeta[]> {
    const { rows } = await conn.execute(GET_COLUMNS_SQL, [rel.schema, rel.database ?? null, rel.identifier]);
    return rows.map((r) => ({ name: String(r['column_name']), type: String(r['data_type']) }));
  }

  /**
   * Views whose SQL names the relation's identifier (DuckDB records no view dependencies). They
   * survive a swap, bound by name, so core only checks them; a view that merely mentions the name
   * is checked too, which is harmless.
   */
  async dependentViews(conn: Connection, rel: RelationRef): Promise<DependentView[]> {
    const { rows } = await conn.execute(DEPENDENT_VIEWS_SQL, [rel.identifier, rel.database ?? null]);
    const word = new RegExp(`(^|[^\\w$])${escapeRegExp(rel.identifier)}($|[^\\w$])`, 'i');
    return rows
      .filter((r) => word.test(String(r['sql'])) && !(String(r['schema_name']).toLowerCase() === rel.schema.toLowerCase() && String(r['view_name']).toLowerCase() === rel.identifier.toLowerCase()))
      .map((r) => ({ relation: { schema: String(r['schema_name']), identifier: String(r['view_name']) }, selectSql: '', survivesSwap: true }));
  }

  async serverVersion(conn: Connection): Promise<string> {
    const { rows } = await conn.execute('select version() as version');
    return `DuckDB ${String(rows[0]?.['version'] ?? 'unknown')}`;
  }
}

export function createDuckDBIntrospector(_dialect?: Dialect): DuckDBIntrospector {
  return new DuckDBIntrospector();
}
