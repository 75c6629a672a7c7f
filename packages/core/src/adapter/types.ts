// The contract every warehouse adapter implements. Core owns it; adapters only import it.
// Dialect = pure SQL generation. Driver/Connection = I/O. Introspector = catalog queries.

/** A fully resolved relation in the warehouse. */
export interface RelationRef {
  database?: string | undefined;
  schema: string;
  identifier: string;
}

export type RelationKind = 'table' | 'view';

export interface ColumnMeta {
  name: string;
  /** Warehouse type name as reported by the engine, e.g. `INTEGER`, `VARCHAR`. */
  type: string;
}

export interface QueryResult {
  columns: ColumnMeta[];
  /** Rows as plain JSON-safe objects (bigint converted to number or string by the adapter). */
  rows: Record<string, unknown>[];
  /** Rows changed by a DML/CTAS statement, when the engine reports it. */
  rowsAffected?: number | undefined;
}

export interface Connection {
  /** Run one statement. `params` are bound positionally ($1, $2 … / ?). */
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Interrupt the running statement, if the engine supports it. */
  cancel?(): Promise<void>;
  close(): Promise<void>;
  /**
   * Seeds on a server warehouse (the "copy" path, see `Dialect.selectFromCsv` for the other one):
   * append the rows of a local CSV file to the existing table `rel`, whose columns are the file's
   * columns in order, inside the caller's transaction. Returns the number of rows loaded.
   * Postgres: stream the file into `COPY rel FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER …,
   * FORCE_NULL (…))` (pg-copy-streams), then set the strings `null`/`NULL` to NULL: every empty
   * field, quoted or not, and those strings load as NULL (dbt's null values). A malformed row must
   * fail with its line number in the message (Postgres: `CONTEXT: COPY t, line 4`).
   */
  copyCsv?(rel: RelationRef, file: string, options: CsvCopyOptions): Promise<number>;
  /**
   * `copyCsv` checks `CsvCopyOptions.kinds`. Only then does core create a seed's table with the
   * column types of a sample before copying; otherwise every inferred column is loaded as text.
   */
  readonly copyCsvChecksKinds?: boolean | undefined;
}

export interface Driver {
  connect(): Promise<Connection>;
  /** Release every resource (files, pools). Safe to call twice. */
  close(): Promise<void>;
}

export interface DialectCapabilities {
  /** DDL (CREATE/DROP/RENAME) can be rolled back inside a transaction. */
  transactionalDdl: boolean;
  /** Supports `CREATE OR REPLACE VIEW/TABLE`. */
  createOrReplace: boolean;
  /** Supports a MERGE statement. */
  merge: boolean;
}

export interface Dialect {
  readonly name: string;
  readonly capabilities: DialectCapabilities;
  /** Quote one identifier part, escaping embedded quotes. */
  quoteIdentifier(id: string): string;
  /** Fully qualified, quoted relation name, e.g. `"db"."main"."orders"`. */
  relationName(rel: RelationRef): string;
  /** A string literal with quotes escaped. */
  stringLiteral(value: string): string;
  createSchema(schema: string, database?: string): string;
  createTableAs(rel: RelationRef, selectSql: string): string;
  createView(rel: RelationRef, selectSql: string): string;
  /** Rename within the same schema: `from` → `toIdentifier`. */
  renameRelation(from: RelationRef, kind: RelationKind, toIdentifier: string): string;
  dropRelation(rel: RelationRef, kind: RelationKind): string;
  /** Wrap a query to return at most `limit` rows. */
  limitQuery(selectSql: string, limit: number): string;
  /** Snapshots: the run's time (check strategy, hard deletes) as a timestamp without time zone, fixed within a transaction (dbt's snapshot_get_time). */
  snapshotTime(): string;

  // Incremental DML/DDL. Columns are plain names (the dialect quotes them). In `merge` and
  // `deleteMatching` the target is aliased `DBT_INTERNAL_DEST` and the source `DBT_INTERNAL_SOURCE`,
  // as in dbt, so user `incremental_predicates` can name either side.
  /** `INSERT INTO target (cols) SELECT cols FROM source`: columns matched by name, not position. */
  insertInto(target: RelationRef, source: RelationRef, columns: readonly string[]): string;
  /** Delete target rows whose key equals (NULL-safe) a source row's key, and that pass every predicate. */
  deleteMatching(target: RelationRef, source: RelationRef, options: KeyMatchOptions): string;
  /** Upsert by key: matched rows get `updateColumns` from the source, others are inserted with `columns`. Only called when `capabilities.merge`. */
  merge(target: RelationRef, source: RelationRef, options: MergeOptions): string;
  addColumn(rel: RelationRef, column: ColumnMeta): string;
  dropColumn(rel: RelationRef, column: string): string;
  /** Change a column's type in place, converting the stored values. */
  alterColumnType(rel: RelationRef, column: string, type: string): string;
  /**
   * Several `alterColumnType` changes as one statement (non-empty list). For engines that rewrite the
   * whole table per statement (Postgres): one rewrite instead of one per column. Absent: one
   * `alterColumnType` per column.
   */
  alterColumnTypes?(rel: RelationRef, changes: readonly ColumnTypeChange[]): string;

  // Seeds. Core loads a CSV by one of two paths, chosen by what the adapter offers (never by name),
  // always into `<name>__tsdbt_tmp` or into the existing table, inside one transaction:
  //  - "query" path (the engine reads local files itself, e.g. DuckDB's read_csv): `selectFromCsv`
  //    is used as `CREATE TABLE tmp AS <it>` and `INSERT INTO table <it>`; the engine infers types.
  //  - "copy" path (server warehouses, e.g. Postgres): `createTable` with every column `seedTypes.text`
  //    (or its `column_types` entry), then `Connection.copyCsv` streams the file in. When the
  //    connection `copyCsvChecksKinds`, core first reads the kinds of the file's first rows itself
  //    and creates those columns typed (`seedTypes[kind]`), and copyCsv checks every value against
  //    them (`CsvCopyOptions.kinds`); on a value that does not fit, core loads again the plain way.
  // Either way, the columns still `seedTypes.text` afterwards and not settled by core's sample (after
  // a typed copy, only those with no value in it) are typed by `inferSeedKinds` (dbt's rules, over
  // the loaded rows, first on a sample) and converted with `alterColumnType`.
  // A Postgres adapter implements `seedTypes`, `inferSeedKinds`, `createTable` and
  // `Connection.copyCsv`, and no `selectFromCsv`.
  /** Warehouse type for each kind dbt infers for a seed column (DuckDB: INTEGER, DOUBLE, DATE, TIMESTAMP, BOOLEAN, VARCHAR). */
  readonly seedTypes?: Readonly<Record<SeedColumnKind, string>>;
  /** Query path: a SELECT of every row of a local CSV file, types inferred by the engine except `columnTypes`. */
  selectFromCsv?(file: string, options: CsvReadOptions): string;
  /** Query path: what an error from a `selectFromCsv` query means, or undefined when it is not a CSV error. */
  explainCsvError?(message: string): CsvErrorInfo | undefined;
  /**
   * A one-row query over `rel` (or its first `limit` rows) with one value per column of `columns`
   * (text columns), aliased by the column's name: the first `SeedColumnKind` that every non-null
   * value fits, in dbt's order (integer, number, date, timestamp, boolean), else `text`; `text`
   * also for a column with no values.
   */
  inferSeedKinds?(rel: RelationRef, columns: readonly string[], limit?: number): string;
  /**
   * A one-row query over `rel` with one boolean per column, aliased by its name: true when every
   * non-null value fits the kind (the same test as `inferSeedKinds`). Core confirms the kinds a sample
   * gave with it, one test per value instead of every kind's. Absent: `inferSeedKinds` over every row.
   */
  checkSeedKinds?(rel: RelationRef, columns: readonly SeedColumnCheck[]): string;
  /** Copy path: `CREATE TABLE rel (…)`; names are quoted unless `quoteColumns` is false (then the warehouse folds them as it does unquoted identifiers). */
  createTable?(rel: RelationRef, columns: readonly ColumnMeta[], options: { quoteColumns: boolean }): string;
  /**
   * Models with an enforced contract (dbt's contract DDL): `CREATE TABLE rel (col type constraints…,
   * table constraints…)`, columns in the given order; core then inserts the model's rows. Only the
   * constraints the warehouse supports reach it (see `constraintSupport`). Default in SqlDialect.
   */
  createTableWithColumns?(rel: RelationRef, columns: readonly ContractColumn[], constraints: readonly TableConstraint[]): string;
  /**
   * How the warehouse treats each constraint type (dbt's CONSTRAINT_SUPPORT): `enforced` ones are
   * created and checked, `not_enforced` ones are created but only informational (dbt warns),
   * `not_supported` ones are left out with a warning. Absent: every type enforced.
   */
  readonly constraintSupport?: Readonly<Partial<Record<ConstraintType, ConstraintSupport>>>;
  /**
   * The name the warehouse gives `id` written without quotes (Postgres: lower case; Snowflake: upper
   * case). Used for seeds with `quote_columns: false`. Absent: names keep their case.
   */
  unquotedName?(id: string): string;
}

/** dbt's constraint types (`custom`: the expression is written as is). */
export type ConstraintType = 'not_null' | 'primary_key' | 'unique' | 'check' | 'foreign_key' | 'custom';
export type ConstraintSupport = 'enforced' | 'not_enforced' | 'not_supported';

/** A column's constraint, resolved: `to` is a rendered relation name, `expression` raw SQL. */
export interface ColumnConstraint {
  type: ConstraintType;
  name?: string | undefined;
  /** check: the condition; foreign_key: what follows `references`; custom: the whole clause. */
  expression?: string | undefined;
  /** foreign_key: the referenced relation (quoted, qualified) and its columns. */
  to?: string | undefined;
  toColumns?: readonly string[] | undefined;
}

/** A model-level constraint over `columns` (empty for check and custom). */
export interface TableConstraint extends ColumnConstraint {
  columns: readonly string[];
}

export interface ContractColumn {
  name: string;
  type: string;
  constraints: readonly ColumnConstraint[];
}

/** dbt's inferred seed column types (agate), in the order dbt tries them; `text` is the fallback. */
export type SeedColumnKind = 'integer' | 'number' | 'date' | 'timestamp' | 'boolean' | 'text';

export interface ColumnTypeChange {
  column: string;
  type: string;
}

export interface SeedColumnCheck {
  name: string;
  kind: Exclude<SeedColumnKind, 'text'>;
}

export interface CsvReadOptions {
  /** One character (`delimiter` config, default `,`). Quote and escape are always `"` as in dbt. */
  delimiter: string;
  /** The first line names the columns (always true for seeds). */
  header: boolean;
  /** Column name as written in the header → warehouse type (`column_types`); other columns are inferred. */
  columnTypes: Readonly<Record<string, string>>;
  /** Infer types from every row rather than a sample (slower; core retries with it when a sampled type did not fit a later row). */
  wholeFile?: boolean | undefined;
}

export interface CsvCopyOptions {
  delimiter: string;
  header: boolean;
  /** The table's columns, in file order. */
  columns: readonly string[];
  /**
   * The table's columns were created typed from a sample: every non-null value of column `c` must
   * fit `kinds[c]` by dbt's rules (`fitsSeedKind`; NULL as `copyCsv` reads it: empty, `null`, `NULL`,
   * `Null`), checked while streaming, before the engine sees the row. On the first value that does
   * not fit, the copy is aborted and rejects with an error whose message starts
   * `seed sample mismatch:` and names the line (the header is line 1) and the column; the caller
   * rolls its transaction back. Columns not named here are not checked. Only passed to a connection
   * that `copyCsvChecksKinds`.
   */
  kinds?: Readonly<Record<string, SeedColumnKind>> | undefined;
}

export interface CsvErrorInfo {
  /** 1-based line in the file (the header is line 1), when the engine says. */
  line?: number | undefined;
  /** One line for humans: `row has 2 fields, the header has 3`. */
  reason: string;
  /** A type inferred from a sample did not fit a later value: retry with `wholeFile`. */
  sampledTypeMismatch?: boolean | undefined;
}

export interface KeyMatchOptions {
  /** Key columns (non-empty); compared NULL-safely (`NULL` matches `NULL`). */
  uniqueKey: readonly string[];
  /** Raw SQL predicates ANDed to the match condition. */
  predicates?: readonly string[] | undefined;
  /**
   * No source row has a NULL in a key column (core checked): plain `=` then matches exactly as the
   * NULL-safe comparison would, and a dialect may use it (it is faster on some engines).
   */
  nullFreeSourceKeys?: boolean | undefined;
}

export interface MergeOptions {
  /** Key columns; empty means nothing matches (every source row is inserted). */
  uniqueKey: readonly string[];
  /** Columns inserted for unmatched rows. */
  columns: readonly string[];
  /** Columns overwritten on matched rows; empty leaves matched rows alone. */
  updateColumns: readonly string[];
  predicates?: readonly string[] | undefined;
  /** As in KeyMatchOptions. */
  nullFreeSourceKeys?: boolean | undefined;
}

export interface RelationInfo {
  schema: string;
  identifier: string;
  kind: RelationKind;
}

export interface Introspector {
  /** Relations in one schema; an absent schema gives an empty list. */
  listRelations(conn: Connection, schema: string, database?: string): Promise<RelationInfo[]>;
  /** Columns of one relation in ordinal order; empty if it does not exist. */
  getColumns(conn: Connection, rel: RelationRef): Promise<ColumnMeta[]>;
  /** One line naming the engine and its version (shown by `tsdbt debug`). */
  serverVersion?(conn: Connection): Promise<string>;
  /**
   * Views that depend on `rel` (transitively), in an order they can be recreated in, with their
   * SELECT text. For warehouses where dropping a relation drops the views on it (Postgres `DROP …
   * CASCADE`): core recreates them after a swap, in the same transaction (a view this run rebuilds
   * later is tried under a SAVEPOINT), so rebuilding a model never silently removes or breaks views
   * built on it. Where views bind by name and survive (DuckDB), return them with `survivesSwap`.
   */
  dependentViews?(conn: Connection, rel: RelationRef): Promise<DependentView[]>;
}

export interface DependentView {
  relation: RelationRef;
  /** The view's query, as the warehouse prints it (unused when `survivesSwap`). */
  selectSql: string;
  /**
   * The view binds to its relations by name and outlives the swap (DuckDB): core does not recreate
   * it but checks, inside the transaction, that it still works on the new relation.
   */
  survivesSwap?: boolean | undefined;
}

/** Target settings as read from profiles.yml (after env_var rendering). */
export interface TargetConfig {
  type: string;
  schema: string;
  database?: string | undefined;
  threads?: number | undefined;
  [key: string]: unknown;
}

export interface AdapterContext {
  /** Absolute project directory, for resolving relative paths such as a DuckDB file. */
  projectDir: string;
  projectName: string;
}

export interface Adapter {
  /** The profile `type:` this adapter serves, e.g. `duckdb`. */
  readonly type: string;
  createDialect(config: TargetConfig): Dialect;
  createDriver(config: TargetConfig, ctx: AdapterContext): Driver;
  createIntrospector(dialect: Dialect): Introspector;
  /** Keys of the target config that must never be printed (passwords, tokens). */
  readonly secretKeys?: readonly string[];
}
