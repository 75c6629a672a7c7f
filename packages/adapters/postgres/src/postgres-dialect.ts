// PostgreSQL SQL generation. Pure string building: no I/O. Only what differs from core's SqlDialect
// is here: type changes with USING, and the seed "copy" path (COPY happens in the driver).
import { SqlDialect } from '@tsdbt/core';
import type { ColumnMeta, CsvErrorInfo, DialectCapabilities, RelationRef, SeedColumnKind } from '@tsdbt/core';

const CAPABILITIES: DialectCapabilities = Object.freeze({
  transactionalDdl: true,
  createOrReplace: true,
  // MERGE exists since PostgreSQL 15.
  merge: true,
});

/** dbt-postgres's types for dbt's inferred seed kinds. */
export const POSTGRES_SEED_TYPES: Readonly<Record<SeedColumnKind, string>> = Object.freeze({
  integer: 'integer',
  number: 'float8',
  date: 'date',
  timestamp: 'timestamp',
  boolean: 'boolean',
  text: 'text',
});

// dbt's agate rules as POSIX regular expressions over a text value (anchored).
const INTEGER_RE = '^[+-]?[0-9]+$';
const NUMBER_RE = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$';
const DATE_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const TIMESTAMP_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2}|T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)$';

/** Identifiers Postgres leaves alone when unquoted (lower case folding aside). */
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export class PostgresDialect extends SqlDialect {
  readonly name = 'postgres';
  readonly capabilities: DialectCapabilities = CAPABILITIES;
  readonly seedTypes: Readonly<Record<SeedColumnKind, string>> = POSTGRES_SEED_TYPES;

  /** Postgres has no cross-database queries: the database part is left out of names. */
  override relationName(rel: RelationRef): string {
    return `${this.quoteIdentifier(rel.schema)}.${this.quoteIdentifier(rel.identifier)}`;
  }

  override createSchema(schema: string): string {
    return `CREATE SCHEMA IF NOT EXISTS ${this.quoteIdentifier(schema)}`;
  }

  /** Postgres converts only implicitly castable types without USING (text → integer is not one). */
  override alterColumnType(rel: RelationRef, column: string, type: string): string {
    const col = this.quoteIdentifier(column);
    return `ALTER TABLE ${this.relationName(rel)} ALTER COLUMN ${col} TYPE ${type} USING ${col}::${type}`;
  }

  unquotedName(id: string): string {
    return PLAIN_IDENTIFIER.test(id) ? id.toLowerCase() : id;
  }

  createTable(rel: RelationRef, columns: readonly ColumnMeta[], options: { quoteColumns: boolean }): string {
    if (columns.length === 0) throw new RangeError('a table needs at least one column');
    const name = (c: string) => this.quoteIdentifier(options.quoteColumns ? c : this.unquotedName(c));
    return `CREATE TABLE ${this.relationName(rel)} (${columns.map((c) => `${name(c.name)} ${c.type}`).join(', ')})`;
  }

  /**
   * For each column, the first kind every non-null value fits. Postgres 15 has no TRY_CAST, so
   * ranges are checked by hand inside CASE (which evaluates in order): integers within int4, dates
   * that exist (no 2024-02-30), times within a day.
   */
  inferSeedKinds(rel: RelationRef, columns: readonly string[], limit?: number): string {
    if (columns.length === 0) throw new RangeError('inferSeedKinds needs at least one column');
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const every = (v: string, test: string) => `coalesce(bool_and(${v} IS NULL OR ${test}), true)`;
    const kinds = columns.map((c) => {
      const v = this.quoteIdentifier(c);
      const integer = `CASE WHEN ${v} ~ '${INTEGER_RE}' AND length(${v}) <= 12 THEN ${v}::numeric BETWEEN -2147483648 AND 2147483647 ELSE false END`;
      return [
        `CASE WHEN count(${v}) = 0 THEN 'text'`,
        `  WHEN ${every(v, integer)} THEN 'integer'`,
        `  WHEN ${every(v, `${v} ~ '${NUMBER_RE}'`)} THEN 'number'`,
        `  WHEN ${every(v, `CASE WHEN ${v} ~ '${DATE_RE}' THEN ${validDate(v)} ELSE false END`)} THEN 'date'`,
        `  WHEN ${every(v, `CASE WHEN ${v} ~ '${TIMESTAMP_RE}' THEN ${validDate(v)} AND ${validTime(v)} ELSE false END`)} THEN 'timestamp'`,
        `  WHEN ${every(v, `lower(${v}) IN ('true', 'false')`)} THEN 'boolean'`,
        `  ELSE 'text' END AS ${v}`,
      ].join('\n');
    });
    const cols = columns.map((c) => this.quoteIdentifier(c)).join(', ');
    const from = `SELECT ${cols} FROM ${this.relationName(rel)}${limit === undefined ? '' : ` LIMIT ${limit}`}`;
    return `SELECT\n${kinds.join(',\n')}\nFROM (${from}) AS __tsdbt_seed`;
  }

  /**
   * COPY errors as the driver reports them: PostgreSQL's message, then `CONTEXT: COPY t, line 4,
   * column a: "zz"` (line 1 is the header). Undefined for errors that are not about the file.
   */
  explainCsvError(message: string): CsvErrorInfo | undefined {
    const context = /CONTEXT:\s*COPY [^,]+, line (\d+)(?:, column ([^:]+))?(?::\s*"(.*)")?/.exec(message);
    if (!context) return undefined;
    const line = Number(context[1]);
    const first = message.split('\n')[0]!.replace(/^ERROR:\s*/, '');
    let reason = first;
    const input = /invalid input syntax for type ([\w ]+): "(.*)"/.exec(first);
    if (input && context[2]) reason = `value "${truncate(input[2]!, 40)}" in column \`${context[2]}\` is not a valid ${input[1]}`;
    else if (/^missing data for column/.test(first)) reason = `row has fewer fields than the header (${first})`;
    else if (/^extra data after last expected column/.test(first)) reason = 'row has more fields than the header';
    else if (/unterminated CSV quoted field/.test(first)) reason = 'unterminated quoted value';
    return { line, reason };
  }
}

/** `v` starts with an existing `YYYY-MM-DD` date (year 1 onwards). */
function validDate(v: string): string {
  const y = `substr(${v}, 1, 4)::int`;
  const m = `substr(${v}, 6, 2)::int`;
  const d = `substr(${v}, 9, 2)::int`;
  return `(${y} >= 1 AND ${m} BETWEEN 1 AND 12 AND ${d} BETWEEN 1 AND extract(day from make_date(${y}, ${m}, 1) + interval '1 month - 1 day'))`;
}

/** The time after the date (`HH:MM[:SS[.f]]`) is within a day. */
function validTime(v: string): string {
  return `(substr(${v}, 12, 2)::int <= 23 AND substr(${v}, 15, 2)::int <= 59 AND coalesce(nullif(substr(${v}, 18, 2), '')::int, 0) <= 59)`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function createPostgresDialect(): PostgresDialect {
  return new PostgresDialect();
}
