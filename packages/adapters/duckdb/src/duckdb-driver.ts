// DuckDB connections on @duckdb/node-api: one DuckDBInstance per database file, one connection per node.
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DuckDBInstance, ResultReturnType, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import type { AdapterContext, ColumnMeta, Connection, Driver, QueryResult, TargetConfig } from '@tsdbt/core';
import { jsonSafeConverter, toDuckDBValue } from './duckdb-values.js';

export type DuckDBSettingValue = string | number | boolean;

/** profiles.yml target for `type: duckdb`. */
export interface DuckDBTargetConfig extends TargetConfig {
  type: 'duckdb';
  /** Database file; relative to the project dir. `:memory:` for an in-memory database. Default `<project>.duckdb`. */
  path?: string | undefined;
  /** DuckDB settings applied when the database is opened, e.g. `{ memory_limit: '4GB', threads: 4 }`. */
  settings?: Record<string, DuckDBSettingValue> | undefined;
  // `threads` (inherited) is the number of nodes run concurrently; DuckDB's own worker
  // threads are `settings.threads`.
}

/** Thrown by `execute`: `message` is DuckDB's own text, e.g. `Catalog Error: Table with name x does not exist!…`. */
export class DuckDBError extends Error {
  /** The error class DuckDB reports (`Catalog`, `Parser`, `Binder`, `Constraint`, `INTERRUPT`, …), when present. */
  readonly errorType: string | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DuckDBError';
    this.errorType = /^([A-Za-z ]+?) Error: /.exec(message)?.[1];
  }
}

/** Normalise whatever the bindings threw into a DuckDBError carrying DuckDB's message. */
export function toDuckDBError(e: unknown): DuckDBError {
  if (e instanceof DuckDBError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  // The JS layer prefixes some messages (`Failed to extract statements: Parser Error: …`); keep DuckDB's part.
  const message = raw.replace(/^Failed to [^:]+: (?=[A-Za-z ]+ Error: )/, '');
  return new DuckDBError(message, { cause: e });
}

/** Absolute database path (or `:memory:…`) for a target. */
export function resolveDatabasePath(config: TargetConfig, ctx: AdapterContext): string {
  const path = config['path'];
  if (path === undefined || path === null || path === '') return resolve(ctx.projectDir, `${ctx.projectName}.duckdb`);
  if (typeof path !== 'string') throw new TypeError(`duckdb target: \`path\` must be a string, got ${typeof path}`);
  if (isMemoryPath(path)) return path;
  return isAbsolute(path) ? path : resolve(ctx.projectDir, path);
}

function readSettings(config: TargetConfig): Record<string, DuckDBSettingValue> {
  const settings = config['settings'];
  if (settings === undefined || settings === null) return {};
  if (typeof settings !== 'object' || Array.isArray(settings)) {
    throw new TypeError('duckdb target: `settings` must be a mapping of DuckDB setting names to values');
  }
  const out: Record<string, DuckDBSettingValue> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`duckdb target: setting \`${key}\` must be a string, number or boolean`);
    }
    out[key] = value;
  }
  return out;
}

function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path.startsWith(':memory:');
}

// Settings DuckDB only accepts at open time; everything else is applied with SET GLOBAL right after
// opening, because extension-backed settings (TimeZone, Calendar: ICU) are rejected in the open config.
const STARTUP_ONLY_SETTINGS = new Set(['access_mode', 'allow_unsigned_extensions', 'allow_community_extensions', 'enable_external_access']);

function settingLiteral(value: DuckDBSettingValue): string {
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return String(value);
}

async function openInstance(path: string, settings: Record<string, DuckDBSettingValue>): Promise<DuckDBInstance> {
  const startup: Record<string, string> = {};
  const runtime: Array<[string, DuckDBSettingValue]> = [];
  for (const [key, value] of Object.entries(settings)) {
    if (STARTUP_ONLY_SETTINGS.has(key.toLowerCase())) startup[key] = String(value);
    else runtime.push([key, value]);
  }
  let instance: DuckDBInstance;
  try {
    if (!isMemoryPath(path)) await mkdir(dirname(path), { recursive: true });
    instance = await DuckDBInstance.create(path, startup);
  } catch (e) {
    throw toDuckDBError(e);
  }
  if (runtime.length === 0) return instance;
  const conn = await instance.connect();
  try {
    for (const [key, value] of runtime) {
      await conn.run(`SET GLOBAL "${key.replaceAll('"', '""')}" = ${settingLiteral(value)}`);
    }
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw toDuckDBError(e);
  }
  conn.closeSync();
  return instance;
}

// Two DuckDBInstances on the same file inside one process do NOT see each other's writes (and can
// corrupt it), so drivers opened on the same file share one ref-counted instance. The settings of the
// first opener win. In-memory databases are never shared.
interface SharedInstance {
  instance: Promise<DuckDBInstance>;
  refs: number;
}
const sharedInstances = new Map<string, SharedInstance>();

async function acquireInstance(path: string, settings: Record<string, DuckDBSettingValue>): Promise<DuckDBInstance> {
  if (isMemoryPath(path)) return openInstance(path, settings);
  let entry = sharedInstances.get(path);
  if (entry) {
    entry.refs += 1;
  } else {
    const created: SharedInstance = { instance: openInstance(path, settings), refs: 1 };
    entry = created;
    sharedInstances.set(path, created);
    created.instance.catch(() => {
      if (sharedInstances.get(path) === created) sharedInstances.delete(path);
    });
  }
  return entry.instance;
}

function releaseInstance(path: string, instance: DuckDBInstance): void {
  const entry = sharedInstances.get(path);
  if (!isMemoryPath(path) && entry) {
    entry.refs -= 1;
    if (entry.refs > 0) return;
    sharedInstances.delete(path);
  }
  instance.closeSync();
}

/** Driver for one DuckDB target. The database is opened on the first `connect()`. */
export class DuckDBDriver implements Driver {
  readonly path: string;
  private readonly settings: Record<string, DuckDBSettingValue>;
  private instance: Promise<DuckDBInstance> | undefined;
  private readonly connections = new Set<DuckDBDriverConnection>();
  private closed = false;

  constructor(path: string, settings: Record<string, DuckDBSettingValue> = {}) {
    this.path = path;
    this.settings = settings;
  }

  async connect(): Promise<Connection> {
    if (this.closed) throw new Error('DuckDB driver is closed');
    if (!this.instance) {
      const opening = acquireInstance(this.path, this.settings);
      this.instance = opening;
      opening.catch(() => {
        if (this.instance === opening) this.instance = undefined; // allow a retry after a failed open
      });
    }
    const instance = await this.instance;
    if (this.closed) throw new Error('DuckDB driver is closed');
    let native: DuckDBConnection;
    try {
      native = await instance.connect();
    } catch (e) {
      throw toDuckDBError(e);
    }
    const conn = new DuckDBDriverConnection(native, (c) => this.connections.delete(c));
    this.connections.add(conn);
    return conn;
  }

  /** Closes every connection (interrupting running statements), then the database: the file lock is released. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.connections].map((c) => c.close()));
    const opening = this.instance;
    this.instance = undefined;
    if (!opening) return;
    let instance: DuckDBInstance;
    try {
      instance = await opening;
    } catch {
      return; // never opened
    }
    releaseInstance(this.path, instance);
  }
}

export function createDuckDBDriver(config: TargetConfig, ctx: AdapterContext): DuckDBDriver {
  return new DuckDBDriver(resolveDatabasePath(config, ctx), readSettings(config));
}

/** One DuckDB connection. Statements on it run one at a time, in call order. */
export class DuckDBDriverConnection implements Connection {
  private readonly conn: DuckDBConnection;
  private readonly onClose: (c: DuckDBDriverConnection) => void;
  private tail: Promise<unknown> = Promise.resolve();
  private running = false;
  private cancelTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(conn: DuckDBConnection, onClose: (c: DuckDBDriverConnection) => void) {
    this.conn = conn;
    this.onClose = onClose;
  }

  /** Runs every statement in `sql`; returns the last one's result. `params` bind to the last statement. */
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    if (this.closed) return Promise.reject(new Error('DuckDB connection is closed'));
    const run = this.tail.then(() => this.run(sql, params ?? []));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async run(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    if (this.closed) throw new Error('DuckDB connection is closed');
    const values = params.map(toDuckDBValue);
    this.running = true;
    try {
      let reader: DuckDBResultReader;
      try {
        // Always the prepared path (even without params): it runs all statements and returns the last result.
        reader = await this.conn.runAndReadAll(sql, values);
      } catch (e) {
        // Empty or comment-only SQL makes statement extraction fail natively; the plain path accepts it.
        if (values.length > 0 || !(e instanceof Error) || e.message !== 'Error in native callback') throw e;
        reader = await this.conn.runAndReadAll(sql);
      }
      return toQueryResult(reader);
    } catch (e) {
      throw toDuckDBError(e);
    } finally {
      this.running = false;
      if (this.cancelTimer) clearInterval(this.cancelTimer);
      this.cancelTimer = undefined;
    }
  }

  async begin(): Promise<void> {
    await this.execute('BEGIN TRANSACTION');
  }

  async commit(): Promise<void> {
    await this.execute('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.execute('ROLLBACK');
  }

  /**
   * Interrupts the running statement; it then fails with `INTERRUPT Error: Interrupted!`.
   * An interrupt that lands before DuckDB starts executing is lost, so it is repeated until the statement ends.
   */
  async cancel(): Promise<void> {
    if (!this.running || this.cancelTimer) return;
    this.conn.interrupt();
    this.cancelTimer = setInterval(() => this.conn.interrupt(), 25);
    this.cancelTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.running) await this.cancel();
    await this.tail;
    this.conn.closeSync();
    this.onClose(this);
  }
}

function toQueryResult(reader: DuckDBResultReader): QueryResult {
  const names = reader.deduplicatedColumnNames();
  const columns: ColumnMeta[] = names.map((name, i) => ({ name, type: reader.columnType(i).toString() }));
  // defineProperty, so a column named `__proto__` becomes a data property, not the prototype.
  const rows = reader.convertRows(jsonSafeConverter).map((values) => {
    const row: Record<string, unknown> = {};
    values.forEach((v, i) => Object.defineProperty(row, names[i]!, { value: v, enumerable: true, writable: true, configurable: true }));
    return row;
  });
  return { columns, rows, rowsAffected: rowsAffected(reader, rows) };
}

/** DML reports changed rows; CTAS reports its row count in a single `Count` row instead. */
function rowsAffected(reader: DuckDBResultReader, rows: Record<string, unknown>[]): number | undefined {
  if (reader.returnType === ResultReturnType.CHANGED_ROWS) return reader.rowsChanged;
  if (reader.statementType === StatementType.CREATE && reader.columnCount === 1 && reader.columnName(0) === 'Count' && rows.length === 1) {
    const count = rows[0]!['Count'];
    if (typeof count === 'number') return count;
  }
  return undefined;
}
