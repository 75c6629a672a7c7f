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
