// The SQL most warehouses share. An adapter's dialect extends this class and overrides only what
// its warehouse does differently (see DuckDBDialect, PostgresDialect).
import type { ColumnConstraint, ColumnMeta, ContractColumn, Dialect, DialectCapabilities, KeyMatchOptions, MergeOptions, RelationKind, RelationRef, TableConstraint } from './types.js';
import { stripTrailingSemicolons } from './sql-text.js';

/** dbt's aliases for the two sides of a merge/delete, which `incremental_predicates` refer to. */
export const MERGE_DEST = 'DBT_INTERNAL_DEST';
export const MERGE_SOURCE = 'DBT_INTERNAL_SOURCE';

export abstract class SqlDialect implements Dialect {
  abstract readonly name: string;
  abstract readonly capabilities: DialectCapabilities;

  /** Always quotes, doubling embedded quotes (ANSI). */
  quoteIdentifier(id: string): string {
    return `"${id.replaceAll('"', '""')}"`;
  }

  relationName(rel: RelationRef): string {
    const parts = rel.database ? [rel.database, rel.schema, rel.identifier] : [rel.schema, rel.identifier];
    return parts.map((p) => this.quoteIdentifier(p)).join('.');
  }

  /** Standard SQL literal: quotes doubled, backslash is not an escape. */
  stringLiteral(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  createSchema(schema: string, database?: string): string {
    const name = database ? `${this.quoteIdentifier(database)}.${this.quoteIdentifier(schema)}` : this.quoteIdentifier(schema);
    return `CREATE SCHEMA IF NOT EXISTS ${name}`;
  }

  // The user SQL goes on its own lines so a trailing `-- comment` cannot swallow the closing parenthesis.
  createTableAs(rel: RelationRef, selectSql: string): string {
    return `CREATE TABLE ${this.relationName(rel)} AS (\n${stripTrailingSemicolons(selectSql)}\n)`;
  }

  /** dbt's contract DDL: column definitions with inline constraints, then table constraints. */
  createTableWithColumns(rel: RelationRef, columns: readonly ContractColumn[], constraints: readonly TableConstraint[]): string {
    if (columns.length === 0) throw new RangeError('a contracted table needs at least one column');
    const defs = columns.map((c) => [this.quoteIdentifier(c.name), c.type, ...c.constraints.map((k) => this.columnConstraint(k))].join(' '));
    const table = constraints.map((k) => this.tableConstraint(k));
    return `CREATE TABLE ${this.relationName(rel)} (\n    ${[...defs, ...table].join(',\n    ')}\n)`;
  }

  /** dbt's render_column_constraint. */
  protected columnConstraint(k: ColumnConstraint): string {
    const prefix = k.name ? `CONSTRAINT ${this.quoteIdentifier(k.name)} ` : '';
    switch (k.type) {
      case 'not_null':
        return 'NOT NULL';
      case 'primary_key':
        return `${prefix}PRIMARY KEY`;
      case 'unique':
        return `${prefix}UNIQUE`;
      case 'check':
        return `${prefix}CHECK (${k.expression ?? ''})`;
      case 'foreign_key':
        return `${prefix}REFERENCES ${k.to ? `${k.to} (${this.columnList(k.toColumns ?? [])})` : (k.expression ?? '')}`;
      case 'custom':
        return `${prefix}${k.expression ?? ''}`;
    }
  }

  /** dbt's render_model_constraint. */
  protected tableConstraint(k: TableConstraint): string {
    const prefix = k.name ? `CONSTRAINT ${this.quoteIdentifier(k.name)} ` : '';
    switch (k.type) {
      case 'primary_key':
        return `${prefix}PRIMARY KEY (${this.columnList(k.columns)})`;
      case 'unique':
        return `${prefix}UNIQUE (${this.columnList(k.columns)})`;
      case 'check':
        return `${prefix}CHECK (${k.expression ?? ''})`;
      case 'foreign_key':
        return `${prefix}FOREIGN KEY (${this.columnList(k.columns)}) REFERENCES ${k.to ? `${k.to} (${this.columnList(k.toColumns ?? [])})` : (k.expression ?? '')}`;
      case 'custom':
        return `${prefix}${k.expression ?? ''}`;
      case 'not_null':
        throw new RangeError('not_null is a column constraint');
    }
  }

  createView(rel: RelationRef, selectSql: string): string {
    return `CREATE VIEW ${this.relationName(rel)} AS (\n${stripTrailingSemicolons(selectSql)}\n)`;
  }

  renameRelation(from: RelationRef, kind: RelationKind, toIdentifier: string): string {
    return `ALTER ${relationKeyword(kind)} ${this.relationName(from)} RENAME TO ${this.quoteIdentifier(toIdentifier)}`;
  }

  dropRelation(rel: RelationRef, kind: RelationKind): string {
    return `DROP ${relationKeyword(kind)} IF EXISTS ${this.relationName(rel)} CASCADE`;
  }

  limitQuery(selectSql: string, limit: number): string {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    return `select * from (\n${stripTrailingSemicolons(selectSql)}\n) as __tsdbt_limit limit ${limit}`;
  }

  /** `now()` is the start of the transaction (DuckDB, Postgres): every row of one snapshot run gets the same time. */
  snapshotTime(): string {
    return 'now()::timestamp';
  }

  insertInto(target: RelationRef, source: RelationRef, columns: readonly string[]): string {
    const cols = this.columnList(columns);
    return `INSERT INTO ${this.relationName(target)} (${cols})\nSELECT ${cols} FROM ${this.relationName(source)}`;
  }

  /** DELETE … USING: a target row matched by several source rows is deleted once. */
  deleteMatching(target: RelationRef, source: RelationRef, options: KeyMatchOptions): string {
    if (options.uniqueKey.length === 0) throw new RangeError('deleteMatching needs at least one key column');
    return [
      `DELETE FROM ${this.relationName(target)} AS ${MERGE_DEST}`,
      `USING ${this.relationName(source)} AS ${MERGE_SOURCE}`,
      `WHERE ${this.matchCondition(options.uniqueKey, options.predicates, options.nullFreeSourceKeys)}`,
    ].join('\n');
  }

  /** SQL:2008 MERGE; the SET list names target columns unqualified (Postgres requires it). */
  merge(target: RelationRef, source: RelationRef, options: MergeOptions): string {
    const lines = [`MERGE INTO ${this.relationName(target)} AS ${MERGE_DEST}`, `USING ${this.relationName(source)} AS ${MERGE_SOURCE}`, `ON ${this.matchCondition(options.uniqueKey, options.predicates, options.nullFreeSourceKeys)}`];
    if (options.uniqueKey.length > 0 && options.updateColumns.length > 0) {
      const sets = options.updateColumns.map((c) => `${this.quoteIdentifier(c)} = ${MERGE_SOURCE}.${this.quoteIdentifier(c)}`);
      lines.push(`WHEN MATCHED THEN UPDATE SET ${sets.join(', ')}`);
    }
    const values = options.columns.map((c) => `${MERGE_SOURCE}.${this.quoteIdentifier(c)}`);
    lines.push(`WHEN NOT MATCHED THEN INSERT (${this.columnList(options.columns)}) VALUES (${values.join(', ')})`);
    return lines.join('\n');
  }

  addColumn(rel: RelationRef, column: ColumnMeta): string {
    return `ALTER TABLE ${this.relationName(rel)} ADD COLUMN ${this.quoteIdentifier(column.name)} ${column.type}`;
  }

  dropColumn(rel: RelationRef, column: string): string {
    return `ALTER TABLE ${this.relationName(rel)} DROP COLUMN ${this.quoteIdentifier(column)}`;
  }

  /** Stored values are cast to the new type; a value that does not convert fails the statement. */
  alterColumnType(rel: RelationRef, column: string, type: string): string {
    return `ALTER TABLE ${this.relationName(rel)} ALTER COLUMN ${this.quoteIdentifier(column)} SET DATA TYPE ${type}`;
  }

  protected columnList(columns: readonly string[]): string {
    if (columns.length === 0) throw new RangeError('a column list needs at least one column');
    return columns.map((c) => this.quoteIdentifier(c)).join(', ');
  }

  /**
   * `(key equal, NULL-safe) AND (predicate) …`; no key matches nothing (`FALSE`), as in dbt. With
   * `nullFreeSourceKeys`, plain `=` is exact; this default keeps `IS NOT DISTINCT FROM` regardless.
   */
  protected matchCondition(uniqueKey: readonly string[], predicates: readonly string[] = [], _nullFreeSourceKeys = false): string {
    const keys = uniqueKey.map((k) => `${MERGE_SOURCE}.${this.quoteIdentifier(k)} IS NOT DISTINCT FROM ${MERGE_DEST}.${this.quoteIdentifier(k)}`);
    return [...(keys.length > 0 ? keys : ['FALSE']), ...predicates].map((p) => `(${p})`).join(' AND ');
  }
}

export function relationKeyword(kind: RelationKind): 'TABLE' | 'VIEW' {
  return kind === 'view' ? 'VIEW' : 'TABLE';
}
