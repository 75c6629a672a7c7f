// One test, every adapter: a Warehouse points a project at DuckDB or at a fresh PostgreSQL database
// and reads results back in one shape, so a scenario asserts the same rows on both.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { ColumnMeta, Connection, Driver } from '@tsdbt/core';
import { duckdbAdapter } from '@tsdbt/duckdb';
import { postgresAdapter } from '@tsdbt/postgres';
import { createTestDatabase, dropTestDatabase } from './pg-admin.js';

export type WarehouseKind = 'duckdb' | 'postgres';
export type Row = Record<string, unknown>;

/** Every adapter, or those named in TSDBT_TEST_WAREHOUSES (e.g. `duckdb`) for a quick local run. */
export const WAREHOUSES: WarehouseKind[] = (process.env['TSDBT_TEST_WAREHOUSES']?.split(',').map((s) => s.trim()) as WarehouseKind[] | undefined) ?? ['duckdb', 'postgres'];

export interface Warehouse {
  readonly kind: WarehouseKind;
  /** The target schema models build into (`main` on both). */
  readonly schema: string;
  /** Point the project in `dir` at this warehouse: writes profiles.yml there (and `profile:` if missing). */
  attach(dir: string, options?: { threads?: number }): Promise<void>;
  /** Run statements in order (autocommit); returns the last one's rows. */
  sql(statements: string | readonly string[]): Promise<Row[]>;
  /** Columns of a relation with types in one vocabulary (see `canonicalType`). */
  columns(table: string, schema?: string): Promise<Array<{ name: string; type: string }>>;
  /** Relation names in a schema (default the target schema), sorted, with kind. */
  relations(schema?: string): Promise<Array<{ name: string; kind: 'table' | 'view' }>>;
  /** Relations anywhere whose name contains `__tsdbt` (temp, backup, staging). */
  leftovers(): Promise<string[]>;
  /** Close connections and drop the database (Postgres) — call in afterEach. */
  dispose(): Promise<void>;
}

/** `describe.each` argument: one block per adapter. */
export function forEachWarehouse(): WarehouseKind[] {
  return WAREHOUSES;
}

export function createWarehouse(kind: WarehouseKind): Warehouse {
  return kind === 'duckdb' ? new DuckWarehouse() : new PgWarehouse(inject('pgUrl'));
}

/**
 * Type names in one vocabulary across adapters: integer, bigint, smallint, double, real, varchar,
 * date, timestamp, timestamptz, boolean, decimal(p,s), time, interval, json, uuid.
 */
export function canonicalType(type: string): string {
  const t = type.trim().toLowerCase();
  const decimal = /^(?:decimal|numeric)(?:\((\d+),\s*(\d+)\))?$/.exec(t);
  if (decimal) return decimal[1] ? `decimal(${decimal[1]},${decimal[2]})` : 'decimal';
  const map: Record<string, string> = {
    int: 'integer',
    int4: 'integer',
    integer: 'integer',
    int8: 'bigint',
    bigint: 'bigint',
    hugeint: 'hugeint',
    int2: 'smallint',
    smallint: 'smallint',
    double: 'double',
    'double precision': 'double',
    float8: 'double',
    float: 'double',
    real: 'real',
    float4: 'real',
    varchar: 'varchar',
    text: 'varchar',
    'character varying': 'varchar',
    string: 'varchar',
    date: 'date',
    timestamp: 'timestamp',
    'timestamp without time zone': 'timestamp',
    'timestamp with time zone': 'timestamptz',
    'timestamp with time zone ': 'timestamptz',
    timestamptz: 'timestamptz',
    boolean: 'boolean',
    bool: 'boolean',
    time: 'time',
    'time without time zone': 'time',
    interval: 'interval',
    json: 'json',
    jsonb: 'json',
    uuid: 'uuid',
  };
  if (map[t]) return map[t]!;
  if (/^(character varying|varchar)\(\d+\)$/.test(t)) return 'varchar';
  return t;
}

function writeProfile(dir: string, output: Record<string, unknown>): void {
  const projectFile = ['tsdbt_project.yml', 'dbt_project.yml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!projectFile) throw new Error(`no project file in ${dir}`);
  let text = readFileSync(projectFile, 'utf8');
  let profile = /^profile:\s*['"]?([\w-]+)['"]?\s*$/m.exec(text)?.[1];
  if (!profile) {
    profile = 'tsdbt_test';
    text = `${text.trimEnd()}\nprofile: ${profile}\n`;
    writeFileSync(projectFile, text);
  }
  const lines = [`${profile}:`, '  target: test', '  outputs:', '    test:'];
  for (const [k, v] of Object.entries(output)) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  writeFileSync(path.join(dir, 'profiles.yml'), `${lines.join('\n')}\n`);
}

class DuckWarehouse implements Warehouse {
  readonly kind = 'duckdb' as const;
  readonly schema = 'main';
  private file: string | undefined;

  async attach(dir: string, options: { threads?: number } = {}): Promise<void> {
    this.file = path.join(dir, 'warehouse.duckdb');
    writeProfile(dir, { type: 'duckdb', path: this.file, schema: this.schema, threads: options.threads ?? 4 });
  }

  // Opened and closed per call: the file lock is per process, and runs open the file too.
  async sql(statements: string | readonly string[]): Promise<Row[]> {
    if (!this.file) throw new Error('attach() first');
    const driver = duckdbAdapter.createDriver({ type: 'duckdb', schema: 'main', path: this.file }, { projectDir: path.dirname(this.file), projectName: 'test' });
    const conn = await driver.connect();
    try {
      let rows: Row[] = [];
      for (const s of typeof statements === 'string' ? [statements] : statements) rows = (await conn.execute(s)).rows;
      return rows;
    } finally {
      await conn.close();
      await driver.close();
    }
  }

  async columns(table: string, schema = this.schema): Promise<Array<{ name: string; type: string }>> {
    const rows = await this.sql(`select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by ordinal_position`);
    return rows.map((r) => ({ name: String(r.column_name), type: canonicalType(String(r.data_type)) }));
  }

  async relations(schema = this.schema): Promise<Array<{ name: string; kind: 'table' | 'view' }>> {
    const rows = await this.sql(`select table_name, table_type from information_schema.tables where table_schema = '${schema}' order by table_name`);
    return rows.map((r) => ({ name: String(r.table_name), kind: r.table_type === 'VIEW' ? 'view' : 'table' }));
  }

  async leftovers(): Promise<string[]> {
    return (await this.sql(`select table_name from information_schema.tables where table_name like '%\\_\\_tsdbt%' escape '\\' order by table_name`)).map((r) => String(r.table_name));
  }

  async dispose(): Promise<void> {}
}

class PgWarehouse implements Warehouse {
  readonly kind = 'postgres' as const;
  readonly schema = 'main';
  private db: { name: string; url: string } | undefined;
  private driver: Driver | undefined;
  private conn: Connection | undefined;

  constructor(private readonly serverUrl: string) {}

  async attach(dir: string, options: { threads?: number } = {}): Promise<void> {
    this.db ??= await createTestDatabase(this.serverUrl);
    writeProfile(dir, { type: 'postgres', url: this.db.url, schema: this.schema, threads: options.threads ?? 4 });
  }

  /** The database URL (after attach), e.g. for a profile written by the test itself. */
  get url(): string {
    if (!this.db) throw new Error('attach() first');
    return this.db.url;
  }

  private async connection(): Promise<Connection> {
    if (!this.db) throw new Error('attach() first');
    if (!this.conn) {
      this.driver = postgresAdapter.createDriver({ type: 'postgres', schema: this.schema, url: this.db.url }, { projectDir: '.', projectName: 'test' });
      this.conn = await this.driver.connect();
    }
    return this.conn;
  }

  async sql(statements: string | readonly string[]): Promise<Row[]> {
    const conn = await this.connection();
    let rows: Row[] = [];
    for (const s of typeof statements === 'string' ? [statements] : statements) rows = (await conn.execute(s)).rows;
    return rows;
  }

  async columns(table: string, schema = this.schema): Promise<Array<{ name: string; type: string }>> {
    const conn = await this.connection();
    const cols: ColumnMeta[] = await postgresAdapter.createIntrospector(postgresAdapter.createDialect({ type: 'postgres', schema })).getColumns(conn, { schema, identifier: table });
    return cols.map((c) => ({ name: c.name, type: canonicalType(c.type) }));
  }

  async relations(schema = this.schema): Promise<Array<{ name: string; kind: 'table' | 'view' }>> {
    const rows = await this.sql(`select table_name, table_type from information_schema.tables where table_schema = '${schema}' order by table_name`);
    return rows.map((r) => ({ name: String(r.table_name), kind: r.table_type === 'VIEW' ? 'view' : 'table' }));
  }

  async leftovers(): Promise<string[]> {
    return (await this.sql(`select table_name from information_schema.tables where table_name like '%\\_\\_tsdbt%' escape '\\' order by table_name`)).map((r) => String(r.table_name));
  }

  async dispose(): Promise<void> {
    await this.conn?.close().catch(() => undefined);
    await this.driver?.close().catch(() => undefined);
    this.conn = undefined;
    this.driver = undefined;
    if (this.db) await dropTestDatabase(this.serverUrl, this.db.name);
    this.db = undefined;
  }
}
