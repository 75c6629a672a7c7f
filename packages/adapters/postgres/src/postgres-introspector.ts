// Catalog queries with bound parameters. Names match exactly: tsdbt always quotes identifiers, and
// quoted identifiers are case-sensitive in PostgreSQL. Types come from format_type, so they carry
// their modifiers (`numeric(10,2)`, `character varying(20)`) and can be used to recreate a column.
import type { ColumnMeta, Connection, DependentView, Dialect, Introspector, RelationInfo, RelationRef } from '@tsdbt/core';

// Tables (plain and partitioned) and views.
const LIST_RELATIONS_SQL = `select n.nspname as schema_name, c.relname as name, c.relkind as kind
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('r', 'p', 'v')
order by c.relname`;

const GET_COLUMNS_SQL = `select a.attname as column_name, pg_catalog.format_type(a.atttypid, a.atttypmod) as data_type
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
order by a.attnum`;

// Views whose rewrite rule depends on the relation, then views on those, and so on; each at its
// greatest depth, so recreating in depth order always finds what a view reads.
const DEPENDENT_VIEWS_SQL = `with recursive deps(oid, depth) as (
  select r.ev_class, 1
  from pg_catalog.pg_depend d
  join pg_catalog.pg_rewrite r on r.oid = d.objid
  where d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refobjid = to_regclass($1) and r.ev_class <> d.refobjid
  union
  select r.ev_class, deps.depth + 1
  from deps
  join pg_catalog.pg_depend d on d.refobjid = deps.oid and d.classid = 'pg_catalog.pg_rewrite'::regclass
  join pg_catalog.pg_rewrite r on r.oid = d.objid
  where r.ev_class <> deps.oid and deps.depth < 100
)
select n.nspname as schema_name, c.relname as name, pg_catalog.pg_get_viewdef(c.oid) as definition, max(deps.depth) as depth
from deps
join pg_catalog.pg_class c on c.oid = deps.oid and c.relkind = 'v'
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
group by n.nspname, c.relname, c.oid
order by max(deps.depth), n.nspname, c.relname`;

const SERVER_VERSION_SQL = 'select version() as version';

export class PostgresIntrospector implements Introspector {
  constructor(private readonly dialect?: Dialect) {}

  async listRelations(conn: Connection, schema: string): Promise<RelationInfo[]> {
    const { rows } = await conn.execute(LIST_RELATIONS_SQL, [schema]);
    return rows.map((r) => ({
      schema: String(r['schema_name']),
      identifier: String(r['name']),
      kind: r['kind'] === 'v' ? 'view' : 'table',
    }));
  }

  async getColumns(conn: Connection, rel: RelationRef): Promise<ColumnMeta[]> {
    const { rows } = await conn.execute(GET_COLUMNS_SQL, [rel.schema, rel.identifier]);
    return rows.map((r) => ({ name: String(r['column_name']), type: String(r['data_type']) }));
  }

  async dependentViews(conn: Connection, rel: RelationRef): Promise<DependentView[]> {
    const name = this.dialect ? this.dialect.relationName(rel) : `"${rel.schema.replaceAll('"', '""')}"."${rel.identifier.replaceAll('"', '""')}"`;
    const { rows } = await conn.execute(DEPENDENT_VIEWS_SQL, [name]);
    return rows.map((r) => ({
      relation: { schema: String(r['schema_name']), identifier: String(r['name']) },
      selectSql: String(r['definition']).trim().replace(/;$/, ''),
    }));
  }

  async serverVersion(conn: Connection): Promise<string> {
    const { rows } = await conn.execute(SERVER_VERSION_SQL);
    return String(rows[0]?.['version'] ?? 'unknown');
  }
}

export function createPostgresIntrospector(dialect?: Dialect): PostgresIntrospector {
  return new PostgresIntrospector(dialect);
}
