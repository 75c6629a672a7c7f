// PostgreSQL connections on node-postgres: one pg.Client per connection, values as the DuckDB adapter returns them.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { FieldDef, QueryArrayResult } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parse as parseConnectionString } from 'pg-connection-string';
import type { AdapterContext, ColumnMeta, Connection, CsvCopyOptions, Driver, QueryResult, RelationRef, TargetConfig } from '@tsdbt/core';
import { copyCsvFilter } from './postgres-copy-filter.js';
import { knownTypeName, pgTypes, toPgParam } from './postgres-values.js';

export type PostgresSslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** profiles.yml target for `type: postgres` (dbt-postgres keys, plus `url`, `role`). */
export interface PostgresTargetConfig extends TargetConfig {
  type: 'postgres';
  host?: string | undefined;
  /** Default 5432. */
  port?: number | undefined;
  user?: string | undefined;
  password?: string | undefined;
  /** `database` is accepted as an alias. */
  dbname?: string | undefined;
  sslmode?: PostgresSslMode | undefined;
  /** Seconds; default 10, 0 waits forever. */
  connect_timeout?: number | undefined;
  search_path?: string | undefined;
  /** Seconds before the first TCP keepalive probe. */
  keepalives_idle?: number | undefined;
  /** `postgres://user:password@host:port/dbname?sslmode=…`; explicit keys override its parts. */
  url?: string | undefined;
  /** Connect retries on transient errors, with backoff; default 1. */
  retries?: number | undefined;
  /** `SET ROLE` right after connecting. */
  role?: string | undefined;
}

/** Thrown by the driver: connection failures, query errors (with DETAIL/HINT/CONTEXT lines). Never holds a password. */
export class PostgresError extends Error {
  /** SQLSTATE (`42P01`, `57014`, …) or a Node errno code (`ECONNREFUSED`), when known. */
  readonly code: string | undefined;

  constructor(message: string, code?: string | undefined) {
    super(message);
    this.name = 'PostgresError';
    this.code = code;
  }
}

const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Target settings after merging `url` with the explicit keys and checking types. */
interface ResolvedTarget {
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  database: string | undefined;
  sslmode: PostgresSslMode | undefined;
  connectTimeout: number;
  searchPath: string | undefined;
  keepalivesIdle: number | undefined;
  retries: number;
  role: string | undefined;
  /** Strings that must never leave the driver: passwords (explicit and from the URL), the URL. */
  secrets: string[];
}

function fail(key: string, expected: string, value: unknown): never {
  throw new TypeError(`postgres target: \`${key}\` must be ${expected}, got ${Array.isArray(value) ? 'array' : typeof value}`);
}

function optString(config: TargetConfig, key: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(key, 'a string', v);
  return v;
}

function optNumber(config: TargetConfig, key: string, { integer = false } = {}): number | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) fail(key, 'a number', v);
  if (v < 0 || (integer && !Number.isInteger(v))) throw new TypeError(`postgres target: \`${key}\` must be a non-negative ${integer ? 'integer' : 'number'}, got ${v}`);
  return v;
}

function urlParts(url: string): { host?: string; port?: number; user?: string; password?: string; database?: string; sslmode?: string; connectTimeout?: number } {
  // ssl* params are read here, not by the parser (it would warn about sslmode, and read certificate files).
  const ssl = new Map<string, string>();
  const rest = url.replace(/([?&])(ssl[a-z]*)=([^&#]*)&?/g, (_m, sep: string, key: string, value: string) => {
    ssl.set(key, decodeURIComponent(value));
    return sep;
  });
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(rest.replace(/[?&]$/, ''));
  } catch {
    throw new TypeError('postgres target: `url` is not a valid connection URL (postgres://user:password@host:port/dbname)');
  }
  const out: ReturnType<typeof urlParts> = {};
  if (parsed.host) out.host = parsed.host;
  if (parsed.port) out.port = Number(parsed.port);
  if (parsed.user) out.user = parsed.user;
  if (parsed.password) out.password = parsed.password;
  if (parsed.database) out.database = parsed.database;
  const sslmode = ssl.get('sslmode');
  if (sslmode !== undefined) out.sslmode = sslmode;
  if (typeof parsed['connect_timeout'] === 'string') out.connectTimeout = Number(parsed['connect_timeout']);
  return out;
}

function resolveTarget(config: TargetConfig): ResolvedTarget {
  const url = optString(config, 'url');
  const fromUrl = url ? urlParts(url) : {};
  const port = optNumber(config, 'port', { integer: true }) ?? fromUrl.port ?? 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError(`postgres target: \`port\` must be between 1 and 65535, got ${port}`);
  const sslmode = optString(config, 'sslmode') ?? fromUrl.sslmode;
  if (sslmode !== undefined && !SSL_MODES.includes(sslmode)) {
    throw new TypeError(`postgres target: \`sslmode\` must be one of ${SSL_MODES.join(', ')}, got \`${sslmode}\``);
  }
  const connectTimeout = optNumber(config, 'connect_timeout') ?? fromUrl.connectTimeout ?? 10;
  if (!Number.isFinite(connectTimeout) || connectTimeout < 0) throw new TypeError('postgres target: `connect_timeout` must be a non-negative number');
  optNumber(config, 'threads', { integer: true });
  optString(config, 'schema');
  const password = optString(config, 'password') ?? optString(config, 'pass');
  const secrets = [url, password, fromUrl.password].filter((s): s is string => typeof s === 'string' && s.length > 0);
  return {
    host: optString(config, 'host') ?? fromUrl.host ?? 'localhost',
    port,
    user: optString(config, 'user') ?? fromUrl.user,
    password: password ?? fromUrl.password,
    database: optString(config, 'dbname') ?? optString(config, 'database') ?? fromUrl.database,
    sslmode: sslmode as PostgresSslMode | undefined,
    connectTimeout,
    searchPath: optString(config, 'search_path'),
    keepalivesIdle: optNumber(config, 'keepalives_idle'),
    retries: optNumber(config, 'retries', { integer: true }) ?? 1,
    role: optString(config, 'role'),
    // Longest first, so the URL is replaced whole before the password inside it.
    secrets: secrets.sort((a, b) => b.length - a.length),
  };
}

/** Escapes a value for the libpq `options` string (`-c name=value`): backslashes and spaces. */
function optionValue(value: string): string {
  return value.replace(/[\\ ]/g, (c) => `\\${c}`);
}

function clientConfig(t: ResolvedTarget): pg.ClientConfig {
  const options: pg.ClientConfig = {
    host: t.host,
    port: t.port,
    application_name: 'tsdbt',
    connectionTimeoutMillis: Math.round(t.connectTimeout * 1000),
  };
  if (t.user !== undefined) options.user = t.user;
  if (t.password !== undefined) options.password = t.password;
  if (t.database !== undefined) options.database = t.database;
  // A killed tsdbt must not leave its query running on the server, holding locks on the relations
  // it was rebuilding: the server checks every second that the client is still there (PG 14+).
  const settings = ['-c client_connection_check_interval=1000'];
  if (t.searchPath !== undefined && t.searchPath !== '') settings.push(`-c search_path=${optionValue(t.searchPath)}`);
  options.options = settings.join(' ');
  if (t.keepalivesIdle !== undefined && t.keepalivesIdle > 0) {
    options.keepAlive = true;
    options.keepAliveInitialDelayMillis = Math.round(t.keepalivesIdle * 1000);
  }
  switch (t.sslmode) {
    case undefined:
      break;
    case 'require':
      options.ssl = { rejectUnauthorized: false };
      break;
    case 'verify-ca':
    case 'verify-full':
      options.ssl = true;
      break;
    default: // disable, allow, prefer
      options.ssl = false;
  }
  return options;
}

/** pg client settings for a target (pure; throws a TypeError naming a mistyped key). */
export function connectionOptions(config: TargetConfig): pg.ClientConfig {
  return clientConfig(resolveTarget(config));
}

function describe(t: Pick<ResolvedTarget, 'host' | 'port' | 'user' | 'database'>): string {
  return `${t.user === undefined ? '' : `${t.user}@`}${t.host}:${t.port}/${t.database ?? ''}`;
}

/** `user@host:port/dbname`, for messages; never the password. */
export function describeTarget(config: TargetConfig): string {
  return describe(resolveTarget(config));
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('****');
  return out;
}

/** The fields of a pg DatabaseError or Node system error that messages use. */
interface RawError {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
  position?: string;
  errors?: unknown[];
}

function rawError(e: unknown): RawError {
  return typeof e === 'object' && e !== null ? (e as RawError) : { message: String(e) };
}

/** A Node errno code, also from inside an AggregateError (`localhost` tries ::1 and 127.0.0.1). */
function errnoCode(e: RawError): string | undefined {
  if (e.code) return e.code;
  for (const inner of e.errors ?? []) {
    const code = rawError(inner).code;
    if (code) return code;
  }
  return undefined;
}

function isConnectTimeout(e: RawError): boolean {
  return /timeout expired|connection timeout/i.test(e.message ?? '');
}

const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Worth another connection attempt: network trouble, a starting or full server. Never auth or a missing database. */
function isTransient(e: unknown): boolean {
  const raw = rawError(e);
  const code = errnoCode(raw);
  if (code === '28P01' || code === '28000' || code === '3D000') return false;
  if (code !== undefined && (TRANSIENT_ERRNO.has(code) || code === '57P03' || code === '53300' || code.startsWith('08'))) return true;
  return isConnectTimeout(raw) || /Connection terminated unexpectedly/.test(raw.message ?? '');
}

/** A clear, secret-free message for a failed connection attempt. */
function connectError(e: unknown, t: ResolvedTarget): PostgresError {
  const raw = rawError(e);
  const code = errnoCode(raw);
  const at = `${t.host}:${t.port}`;
  let message: string;
  if (code === '28P01') message = `password authentication failed for user \`${t.user ?? ''}\` at ${at}/${t.database ?? ''} (check the password)`;
  else if (code === '3D000') message = `database \`${t.database ?? ''}\` does not exist on ${at}`;
  else if (code === 'ECONNREFUSED') message = `cannot connect to PostgreSQL at ${at}: connection refused (is the server running and accepting TCP connections?)`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') message = `cannot resolve host \`${t.host}\``;
  else if (isConnectTimeout(raw) || code === 'ETIMEDOUT') message = `timed out after ${t.connectTimeout}s connecting to ${at}`;
  else message = `cannot connect to PostgreSQL at ${describe(t)}: ${raw.message ?? String(e)}`;
  return new PostgresError(redact(message, t.secrets), code);
}

/** PostgreSQL's message, then DETAIL/HINT/CONTEXT lines; secrets replaced. */
function queryError(e: unknown, secrets: readonly string[]): PostgresError {
  if (e instanceof PostgresError) return e;
  const raw = rawError(e);
  const lines = [`${raw.message ?? String(e)}${raw.position ? ` (at character ${raw.position})` : ''}`];
  if (raw.detail) lines.push(`DETAIL: ${raw.detail}`);
  if (raw.hint) lines.push(`HINT: ${raw.hint}`);
  if (raw.where) lines.push(`CONTEXT: ${raw.where}`);
  return new PostgresError(redact(lines.join('\n'), secrets), raw.code);
}

function quoteIdent(id: string): string {
  return `"${id.replaceAll('"', '""')}"`;
}

function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connect-retry backoff: 250 ms, 500 ms, 1 s, … capped at 5 s. */
function backoffMs(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 5000);
}

/** Type names by `oid:typmod`, shared by a driver's connections; unknown ones asked of the server once. */
class TypeNameCache {
  private readonly names = new Map<string, string>();

  async columns(fields: readonly FieldDef[], client: pg.Client): Promise<ColumnMeta[]> {
    const missing = new Map<string, [number, number]>();
    for (const f of fields) {
      const key = `${f.dataTypeID}:${f.dataTypeModifier}`;
      if (this.names.has(key)) continue;
      const known = knownTypeName(f.dataTypeID, f.dataTypeModifier);
      if (known !== undefined) this.names.set(key, known);
      else missing.set(key, [f.dataTypeID, f.dataTypeModifier]);
    }
    if (missing.size > 0) {
      const pairs = [...missing.values()];
      const r = await client.query<[string]>({
        text: 'select format_type(t.o, t.m) from unnest($1::oid[], $2::int[]) with ordinality t(o, m, n) order by t.n',
        values: [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        rowMode: 'array',
      });
      [...missing.keys()].forEach((key, i) => this.names.set(key, r.rows[i]?.[0] ?? 'unknown'));
    }
    return dedupeNames(fields.map((f) => f.name)).map((name, i) => ({ name, type: this.names.get(`${fields[i]!.dataTypeID}:${fields[i]!.dataTypeModifier}`)! }));
  }
}

/** Repeated names get `:1`, `:2`, … as the DuckDB adapter's do (skipping names the query already has). */
function dedupeNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return names.map((name) => {
    let out = name;
    for (let k = 1; used.has(out); k++) {
      out = `${name}:${k}`;
      if (taken.has(out) && !used.has(out)) out = name; // that one belongs to a later column
    }
    used.add(out);
    return out;
  });
}

/** Driver for one PostgreSQL target: every `connect()` opens a new client. */
export class PostgresDriver implements Driver {
  private readonly target: ResolvedTarget;
  private readonly options: pg.ClientConfig;
  private readonly typeNames = new TypeNameCache();
  private readonly connections = new Set<PostgresConnection>();
  private closed = false;

  constructor(config: TargetConfig) {
    this.target = resolveTarget(config);
    this.options = { ...clientConfig(this.target), types: pgTypes };
  }

  /** `user@host:port/dbname`. */
  get description(): string {
    return describe(this.target);
  }

  async connect(): Promise<PostgresConnection> {
    if (this.closed) throw new PostgresError('PostgreSQL driver is closed');
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await this.openClient();
        if (this.closed) {
          await client.end().catch(() => undefined);
          throw new PostgresError('PostgreSQL driver is closed');
        }
        const conn = new PostgresConnection(client, this, (c) => this.connections.delete(c));
        this.connections.add(conn);
        return conn;
      } catch (e) {
        if (e instanceof PostgresError || attempt >= this.target.retries || !isTransient(e)) throw e instanceof PostgresError ? e : connectError(e, this.target);
        await sleep(backoffMs(attempt));
      }
    }
  }

  /** A connected client (role set), or the raw connect error. */
  private async openClient(): Promise<pg.Client> {
    const client = new pg.Client(this.options);
    client.on('error', () => undefined); // connect errors reach the promise; PostgresConnection installs its own handler
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.target.role !== undefined) {
      try {
        await client.query(`SET ROLE ${quoteIdent(this.target.role)}`);
      } catch (e) {
        await client.end().catch(() => undefined);
        throw new PostgresError(redact(`cannot SET ROLE \`${this.target.role}\` on ${describe(this.target)}: ${rawError(e).message ?? String(e)}`, this.target.secrets), rawError(e).code);
      }
    }
    return client;
  }

  /** @internal A bare client for cancelling; no retries, no role. */
  async cancelClient(): Promise<pg.Client> {
    const client = new pg.Client(this.options);
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      throw connectError(e, this.target);
    }
  }

  /** @internal */
  columns(fields: readonly FieldDef[], client: pg.Client): Promise<ColumnMeta[]> {
    return this.typeNames.columns(fields, client);
  }

  /** @internal */
  error(e: unknown): PostgresError {
    return queryError(e, this.target.secrets);
  }

  /** @internal */
  lostMessage(e: unknown): string {
    return redact(`connection to PostgreSQL at ${describe(this.target)} was lost: ${rawError(e).message ?? String(e)}`, this.target.secrets);
  }

  /** Closes every open connection, cancelling running statements. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.connections].map((c) => c.close()));
  }
}

export function createPostgresDriver(config: TargetConfig, _ctx: AdapterContext): PostgresDriver {
  return new PostgresDriver(config);
}

/** The session's backend pid (set by pg after connecting; missing from @types/pg). */
function backendPid(client: pg.Client): number | undefined {
  return (client as pg.Client & { processID?: number | null }).processID ?? undefined;
}

/** Bytes read from a seed file at a time (fewer, larger COPY messages). */
const COPY_CHUNK = 1 << 20;

/** One PostgreSQL session. Statements run one at a time, in call order. */
export class PostgresConnection implements Connection {
  private readonly client: pg.Client;
  private readonly driver: PostgresDriver;
  private readonly onClose: (c: PostgresConnection) => void;
  private tail: Promise<unknown> = Promise.resolve();
  /** Identifies the statement now running (0 when idle); a cancel loop stops when its statement ends. */
  private running = 0;
  private seq = 0;
  /** The running statement's promise. */
  private current: Promise<unknown> | undefined;
  private cancelling: Promise<void> | undefined;
  private lost: string | undefined;
  private closed = false;
  /** copyCsv checks CsvCopyOptions.kinds (see copyCsvFilter). */
  readonly copyCsvChecksKinds = true;

  constructor(client: pg.Client, driver: PostgresDriver, onClose: (c: PostgresConnection) => void) {
    this.client = client;
    this.driver = driver;
    this.onClose = onClose;
    client.removeAllListeners('error');
    // The server went away (restart, pg_terminate_backend): remember it; later calls reject.
    client.on('error', (e: unknown) => {
      this.lost ??= driver.lostMessage(e);
    });
  }

  /** Backend process id of this session. */
  get processId(): number {
    return backendPid(this.client) ?? 0;
  }

  /**
   * Without params: the simple query protocol (several statements allowed; the last one's result).
   * With params: one statement, bound as $1, $2, ….
   */
  execute(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    return this.serial(async () => {
      const r = (await this.client.query(
        params && params.length > 0 ? { text: sql, values: params.map(toPgParam), rowMode: 'array' } : { text: sql, rowMode: 'array' },
      )) as QueryArrayResult | QueryArrayResult[];
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      if (!last) return { columns: [], rows: [], rowsAffected: undefined };
      return this.toQueryResult(last);
    });
  }

  private async toQueryResult(r: QueryArrayResult): Promise<QueryResult> {
    const fields = r.fields ?? [];
    const columns = fields.length > 0 ? await this.driver.columns(fields, this.client) : [];
    // defineProperty, so a column named `__proto__` becomes a data property, not the prototype.
    const rows = r.rows.map((values) => {
      const row: Record<string, unknown> = {};
      columns.forEach((c, i) => Object.defineProperty(row, c.name, { value: values[i] ?? null, enumerable: true, writable: true, configurable: true }));
      return row;
    });
    // A plain SELECT reports no count (as in the DuckDB adapter); CTAS / SELECT INTO and DML do.
    const plainSelect = r.command === 'SELECT' && fields.length > 0;
    return { columns, rows, rowsAffected: typeof r.rowCount === 'number' && !plainSelect ? r.rowCount : undefined };
  }

  /** Runs `fn` after everything queued before it, marking it as the running statement. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new PostgresError('PostgreSQL connection is closed'));
    const run = this.tail.then(async () => {
      // A cancel still signalling the previous statement must not hit this one.
      await this.cancelling?.catch(() => undefined);
      if (this.closed) throw new PostgresError('PostgreSQL connection is closed');
      if (this.lost) throw new PostgresError(this.lost);
      this.running = ++this.seq;
      const current = fn();
      this.current = current;
      try {
        return await current;
      } catch (e) {
        throw this.driver.error(e);
      } finally {
        this.running = 0;
        this.current = undefined;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async begin(): Promise<void> {
    await this.execute('BEGIN');
  }

  async commit(): Promise<void> {
    await this.execute('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.execute('ROLLBACK');
  }

  /**
   * Cancels the running statement (it then fails with SQLSTATE 57014) with `pg_cancel_backend` from a
   * short-lived second session. A cancel that lands before the server starts the statement is lost,
   * so it is repeated while the same statement still runs (for up to ~5 s). No-op when idle.
   */
  cancel(): Promise<void> {
    if (!this.running || this.lost) return Promise.resolve();
    this.cancelling ??= this.cancelLoop(this.running).finally(() => {
      this.cancelling = undefined;
    });
    return this.cancelling;
  }

  private async cancelLoop(target: number): Promise<void> {
    const pid = backendPid(this.client);
    const current = this.current;
    if (!pid || !current) return;
    const ended = current.then(
      () => true,
      () => true,
    );
    const canceller = await this.driver.cancelClient();
    try {
      for (let i = 0; i < 25 && this.running === target; i++) {
        await canceller.query('select pg_cancel_backend($1)', [pid]);
        if (await Promise.race([ended, sleep(200).then(() => false)])) break;
      }
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  /**
   * Appends the CSV file's rows to `rel` with `COPY … FROM STDIN` in the caller's transaction. Empty
   * fields and `null`/`NULL`/`Null` are NULL (copyCsvFilter blanks them, then FORCE_NULL). With
   * `options.kinds`, copyCsvFilter checks every value of those columns on the way and aborts the COPY
   * at the first that does not fit (`seed sample mismatch: line …`). Returns rows loaded.
   */
  copyCsv(rel: RelationRef, file: string, options: CsvCopyOptions): Promise<number> {
    const table = `${quoteIdent(rel.schema)}.${quoteIdent(rel.identifier)}`;
    const cols = options.columns.map(quoteIdent);
    const list = cols.length > 0 ? ` (${cols.join(', ')})` : '';
    const forceNull = cols.length > 0 ? `, FORCE_NULL (${cols.join(', ')})` : '';
    const copySql = `COPY ${table}${list} FROM STDIN WITH (FORMAT csv, HEADER ${options.header}, DELIMITER ${quoteLiteral(options.delimiter)}, QUOTE '"', ESCAPE '"'${forceNull})`;
    return this.serial(async () => {
      const copy = this.client.query(copyFrom(copySql));
      await pipeline(createReadStream(file, { highWaterMark: COPY_CHUNK }), copyCsvFilter(options), copy);
      return copy.rowCount;
    });
  }

  /** Cancels a running statement, waits for it, then ends the session. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true; // statements queued behind the running one now reject
    if (this.running) await this.cancel().catch(() => undefined);
    // Cancel failed or did not take: ending the client drops the socket, which fails the statement.
    const ending = this.running ? this.client.end().catch(() => undefined) : undefined;
    await this.tail;
    await (ending ?? this.client.end().catch(() => undefined));
    this.onClose(this);
  }
}
