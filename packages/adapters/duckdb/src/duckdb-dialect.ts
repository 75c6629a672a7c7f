// DuckDB SQL generation. Pure string building: no I/O, no connection needed.
import type { CsvErrorInfo, CsvReadOptions, SeedColumnKind } from '@tsdbt/core';
import * as csv from './duckdb-csv.js';
import type { ColumnMeta, Dialect, DialectCapabilities, KeyMatchOptions, MergeOptions, RelationKind, RelationRef } from '@tsdbt/core';

const CAPABILITIES: DialectCapabilities = Object.freeze({
  // DuckDB DDL is transactional: CREATE/ALTER/DROP roll back with the transaction.
  transactionalDdl: true,
  createOrReplace: true,
  // MERGE INTO exists since DuckDB 1.4 (verified against 1.5.6).
  merge: true,
});

export class DuckDBDialect implements Dialect {
  readonly name = 'duckdb';
  readonly capabilities: DialectCapabilities = CAPABILITIES;

  /** Always quotes. Note DuckDB matches identifiers case-insensitively even when quoted. */
  quoteIdentifier(id: string): string {
    return `"${id.replaceAll('"', '""')}"`;
  }

  relationName(rel: RelationRef): string {
    const parts = rel.database ? [rel.database, rel.schema, rel.identifier] : [rel.schema, rel.identifier];
    return parts.map((p) => this.quoteIdentifier(p)).join('.');
  }

  /** Standard SQL literal: DuckDB does not treat backslash as an escape in '…' strings. */
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

  createView(rel: RelationRef, selectSql: string): string {
    return `CREATE VIEW ${this.relationName(rel)} AS (\n${stripTrailingSemicolons(selectSql)}\n)`;
  }

  renameRelation(from: RelationRef, kind: RelationKind, toIdentifier: string): string {
    return `ALTER ${keyword(kind)} ${this.relationName(from)} RENAME TO ${this.quoteIdentifier(toIdentifier)}`;
  }

  /** DuckDB accepts CASCADE on both (it has no tracked view dependencies, so it is mostly a no-op). */
  dropRelation(rel: RelationRef, kind: RelationKind): string {
    return `DROP ${keyword(kind)} IF EXISTS ${this.relationName(rel)} CASCADE`;
  }

  limitQuery(selectSql: string, limit: number): string {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    return `select * from (\n${stripTrailingSemicolons(selectSql)}\n) as __tsdbt_limit limit ${limit}`;
  }

  /** now() is the start of the transaction in DuckDB: every row of one snapshot run gets the same time. */
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
      `DELETE FROM ${this.relationName(target)} AS ${DEST}`,
      `USING ${this.relationName(source)} AS ${SOURCE}`,
      `WHERE ${this.matchCondition(options.uniqueKey, options.predicates)}`,
    ].join('\n');
  }

  merge(target: RelationRef, source: RelationRef, options: MergeOptions): string {
    const lines = [`MERGE INTO ${this.relationName(target)} AS ${DEST}`, `USING ${this.relationName(source)} AS ${SOURCE}`, `ON ${this.matchCondition(options.uniqueKey, options.predicates)}`];
    if (options.uniqueKey.length > 0 && options.updateColumns.length > 0) {
      const sets = options.updateColumns.map((c) => `${this.quoteIdentifier(c)} = ${SOURCE}.${this.quoteIdentifier(c)}`);
      lines.push(`WHEN MATCHED THEN UPDATE SET ${sets.join(', ')}`);
    }
    const values = options.columns.map((c) => `${SOURCE}.${this.quoteIdentifier(c)}`);
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

  // Seeds: the query path, with read_csv (see duckdb-csv.ts).
  readonly seedTypes: Readonly<Record<SeedColumnKind, string>> = csv.DUCKDB_SEED_TYPES;

  selectFromCsv(file: string, options: CsvReadOptions): string {
    return csv.selectFromCsv(this, file, options);
  }

  explainCsvError(message: string): CsvErrorInfo | undefined {
    return csv.explainCsvError(message);
  }

  inferSeedKinds(rel: RelationRef, columns: readonly string[], limit?: number): string {
    return csv.inferSeedKinds(this, rel, columns, limit);
  }

  createTable(rel: RelationRef, columns: readonly ColumnMeta[], options: { quoteColumns: boolean }): string {
    return csv.createTable(this, rel, columns, options);
  }

  private columnList(columns: readonly string[]): string {
    if (columns.length === 0) throw new RangeError('a column list needs at least one column');
    return columns.map((c) => this.quoteIdentifier(c)).join(', ');
  }

  /** `(key equal, NULL-safe) AND (predicate) …`; no key matches nothing (`FALSE`), as in dbt. */
  private matchCondition(uniqueKey: readonly string[], predicates: readonly string[] = []): string {
    const keys = uniqueKey.map((k) => `${SOURCE}.${this.quoteIdentifier(k)} IS NOT DISTINCT FROM ${DEST}.${this.quoteIdentifier(k)}`);
    return [...(keys.length > 0 ? keys : ['FALSE']), ...predicates].map((p) => `(${p})`).join(' AND ');
  }
}

// dbt's aliases for the two sides of a merge/delete, which incremental_predicates refer to.
const DEST = 'DBT_INTERNAL_DEST';
const SOURCE = 'DBT_INTERNAL_SOURCE';

export function createDuckDBDialect(): DuckDBDialect {
  return new DuckDBDialect();
}

function keyword(kind: RelationKind): 'TABLE' | 'VIEW' {
  return kind === 'view' ? 'VIEW' : 'TABLE';
}

/**
 * Remove statement terminators (`;`) that end the SQL, keeping any trailing comments, and trim
 * trailing whitespace. Semicolons inside strings, quoted identifiers, dollar-quoted strings and
 * comments are left alone.
 */
export function stripTrailingSemicolons(sql: string): string {
  let lastSignificantEnd = 0; // index just past the last significant char that is not `;`
  let trailingSemicolons: number[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (c === ';') {
      trailingSemicolons.push(i);
      i += 1;
    } else if (/\s/.test(c)) {
      i += 1;
    } else {
      i = skipToken(sql, i);
      lastSignificantEnd = i;
      trailingSemicolons = [];
    }
  }
  let out = sql.slice(0, lastSignificantEnd);
  let from = lastSignificantEnd;
  for (const pos of trailingSemicolons) {
    out += sql.slice(from, pos);
    from = pos + 1;
  }
  return (out + sql.slice(from)).trimEnd();
}

/** Skip a nested `/* … *\/` comment starting at `start`; returns the index after it. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** Skip one significant token (string, quoted identifier, dollar string or single char). */
function skipToken(sql: string, start: number): number {
  const c = sql[start]!;
  if (c === "'" || c === '"') {
    const escapesBackslash = c === "'" && start > 0 && /[eE]/.test(sql[start - 1]!) && !/[\w$]/.test(sql[start - 2] ?? ' ');
    let i = start + 1;
    while (i < sql.length) {
      const ch = sql[i]!;
      if (escapesBackslash && ch === '\\') i += 2;
      else if (ch === c && sql[i + 1] === c) i += 2;
      else if (ch === c) return i + 1;
      else i += 1;
    }
    return sql.length;
  }
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 100));
    if (tag) {
      const end = sql.indexOf(tag[0], start + tag[0].length);
      return end === -1 ? sql.length : end + tag[0].length;
    }
  }
  return start + 1;
}
