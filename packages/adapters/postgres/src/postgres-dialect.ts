// PostgreSQL SQL generation. Pure string building: no I/O. Only what differs from core's SqlDialect
// is here: type changes with USING, and the seed "copy" path (COPY happens in the driver).
import { MERGE_DEST, MERGE_SOURCE, SqlDialect } from '@tsdbt/core';
import type { ColumnMeta, ColumnTypeChange, CsvErrorInfo, DialectCapabilities, RelationRef, SeedColumnCheck, SeedColumnKind } from '@tsdbt/core';

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

  /**
   * NULL-safe key equality that Postgres can hash or merge join. `IS NOT DISTINCT FROM` only joins
   * by nested loop (every new row against every table row); one-element arrays compare with the
   * element type's equality and treat two NULLs as equal. Both sides' key types must match.
   */
  protected override matchCondition(uniqueKey: readonly string[], predicates: readonly string[] = [], nullFreeSourceKeys = false): string {
    // Without NULLs among the new rows' keys, `=` is exact and cheapest (no array per row).
    const keys = uniqueKey.map((k) => {
      const [src, dest] = [`${MERGE_SOURCE}.${this.quoteIdentifier(k)}`, `${MERGE_DEST}.${this.quoteIdentifier(k)}`];
      return nullFreeSourceKeys ? `${src} = ${dest}` : `ARRAY[${src}] = ARRAY[${dest}]`;
    });
    return [...(keys.length > 0 ? keys : ['FALSE']), ...predicates].map((p) => `(${p})`).join(' AND ');
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
    const kinds = columns.map((c) => {
      const v = this.quoteIdentifier(c);
      return [
        `CASE WHEN count(${v}) = 0 THEN 'text'`,
        ...SEED_KINDS.map((kind) => `  WHEN ${everyFits(v, kind)} THEN '${kind}'`),
        `  ELSE 'text' END AS ${v}`,
      ].join('\n');
    });
    const cols = columns.map((c) => this.quoteIdentifier(c)).join(', ');
    const from = `SELECT ${cols} FROM ${this.relationName(rel)}${limit === undefined ? '' : ` LIMIT ${limit}`}`;
    return `SELECT\n${kinds.join(',\n')}\nFROM (${from}) AS __tsdbt_seed`;
  }

  /** For every column, whether all its values fit the kind a sample gave (one test per value, not five). */
  checkSeedKinds(rel: RelationRef, columns: readonly SeedColumnCheck[]): string {
    if (columns.length === 0) throw new RangeError('checkSeedKinds needs at least one column');
    const checks = columns.map((c) => `${everyFits(this.quoteIdentifier(c.name), c.kind)} AS ${this.quoteIdentifier(c.name)}`);
    return `SELECT\n${checks.join(',\n')}\nFROM ${this.relationName(rel)}`;
  }

  /** One ALTER TABLE for all the columns: Postgres rewrites the table once per statement. */
  alterColumnTypes(rel: RelationRef, changes: readonly ColumnTypeChange[]): string {
    if (changes.length === 0) throw new RangeError('alterColumnTypes needs at least one change');
    const alters = changes.map(({ column, type }) => {
      const col = this.quoteIdentifier(column);
      return `ALTER COLUMN ${col} TYPE ${type} USING ${col}::${type}`;
    });
    return `ALTER TABLE ${this.relationName(rel)}\n  ${alters.join(',\n  ')}`;
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
    // COPY names the line where it reached the end of the file, not where the quote opened: no line,
    // so core finds the opening line itself.
    else if (/unterminated CSV quoted field/.test(first)) return { line: undefined, reason: 'unterminated quoted value' };
    return { line, reason };
  }
}

/** dbt's kinds in the order it tries them. */
const SEED_KINDS = ['integer', 'number', 'date', 'timestamp', 'boolean'] as const;

/**
 * A non-null text value `v` fits `kind`. Postgres 15 has no TRY_CAST: ranges are checked by hand
 * inside CASE (which evaluates in order). Integers of at most 9 digits and days up to 28 need no
 * range check (most values: the exact one is slower).
 */
function fits(v: string, kind: Exclude<SeedColumnKind, 'text'>): string {
  switch (kind) {
    case 'integer':
      return `CASE WHEN ${v} ~ '${INTEGER_RE}' THEN length(${v}) < 10 OR (length(${v}) <= 12 AND ${v}::numeric BETWEEN -2147483648 AND 2147483647) ELSE false END`;
    case 'number':
      return `${v} ~ '${NUMBER_RE}'`;
    case 'date':
      return `CASE WHEN ${v} ~ '${DATE_RE}' THEN ${validDate(v)} ELSE false END`;
    case 'timestamp':
      return `CASE WHEN ${v} ~ '${TIMESTAMP_RE}' THEN ${validDate(v)} AND ${validTime(v)} ELSE false END`;
    case 'boolean':
      return `lower(${v}) IN ('true', 'false')`;
  }
}

/** Every non-null value of column `v` fits `kind` (true for no values). */
function everyFits(v: string, kind: Exclude<SeedColumnKind, 'text'>): string {
  return `coalesce(bool_and(${v} IS NULL OR ${fits(v, kind)}), true)`;
}

/** `v` starts with an existing `YYYY-MM-DD` date (year 1 onwards). */
function validDate(v: string): string {
  const y = `substr(${v}, 1, 4)::int`;
  const m = `substr(${v}, 6, 2)::int`;
  const d = `substr(${v}, 9, 2)::int`;
  // Days 01-28 exist in every month: most dates are settled without make_date.
  const common = `(substr(${v}, 1, 4) <> '0000' AND substr(${v}, 6, 2) COLLATE "C" BETWEEN '01' AND '12' AND substr(${v}, 9, 2) COLLATE "C" BETWEEN '01' AND '28')`;
  return `(${common} OR (${y} >= 1 AND ${m} BETWEEN 1 AND 12 AND ${d} BETWEEN 1 AND extract(day from make_date(${y}, ${m}, 1) + interval '1 month - 1 day')))`;
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
