// Compile-time introspection as templates see it: run_query, statement/load_result, adapter.get_relation,
// adapter.get_columns_in_relation, load_relation, api.Relation/Column, flags — and what they are at parse.
//
// nunjucks renders synchronously and cannot await a query. A template asking the warehouse is
// therefore rendered by suspend-and-replay: the first call whose answer is not known throws a
// PendingWarehouseCall; the caller (compile/async-render.ts) awaits that one query, records the answer
// and renders again from the start. Calls are matched to answers by kind, argument and occurrence
// (the 2nd identical run_query gets the 2nd answer), so a replay takes the same path, and a query
// with side effects runs once per render. A model that never asks the warehouse never pays for any of it.
import { TsdbtError } from '../errors.js';
import type { ColumnMeta, QueryResult, RelationInfo, RelationRef } from '../adapter/types.js';
import { jinjaFunction } from './jinja-function.js';
import { pyStr, pyTruthy } from './py.js';

/** What an introspecting template may ask of the warehouse (one connection, in order). */
export interface WarehouseAccess {
  execute(sql: string): Promise<QueryResult>;
  columns(rel: RelationRef): Promise<ColumnMeta[]>;
  relations(schema: string, database?: string): Promise<RelationInfo[]>;
}

/** Answers to one node's warehouse calls, kept across the replays of its render. */
export class WarehouseAnswers {
  private readonly answers = new Map<string, unknown>();
  private readonly seen = new Map<string, number>();
  /** Some render asked the warehouse: its output depends on the warehouse (never cached). */
  used = false;

  /** A render attempt starts: occurrences count from zero again. */
  startRender(): void {
    this.seen.clear();
  }

  ask<T>(key: string, fetch: (w: WarehouseAccess) => Promise<T>): T {
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    const k = `${n}\u0000${key}`;
    this.used = true;
    if (this.answers.has(k)) return this.answers.get(k) as T;
    throw new PendingWarehouseCall(this, k, fetch);
  }

  /**
   * True the first time a render reaches this call (by key and occurrence), false on replays: what a
   * replay must not repeat (log output).
   */
  firstTime(key: string): boolean {
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    const k = `${n}\u0000${key}`;
    if (this.emitted.has(k)) return false;
    this.emitted.add(k);
    return true;
  }
  private readonly emitted = new Set<string>();

  /** @internal called by PendingWarehouseCall.resolve */
  set(key: string, value: unknown): void {
    this.answers.set(key, value);
  }
}

/**
 * Thrown by a template call that needs an answer from the warehouse. Passes through templates and
 * macros unchanged (a TsdbtError); where no warehouse is at hand it is the error the user sees.
 */
export class PendingWarehouseCall extends TsdbtError {
  constructor(
    private readonly store: WarehouseAnswers,
    private readonly key: string,
    private readonly fetch: (w: WarehouseAccess) => Promise<unknown>,
  ) {
    super('template', 'this template queries the warehouse (run_query, statement, adapter.get_relation …), which needs a connection here', {
      hint: 'run it with `tsdbt compile`, `run` or `build`, or guard the query with `{% if execute %}`',
    });
  }

  /** Run the query and record its answer for the next replay. */
  async resolve(warehouse: WarehouseAccess): Promise<void> {
    this.store.set(this.key, await this.fetch(warehouse));
  }
}

export function isPendingWarehouseCall(e: unknown): e is PendingWarehouseCall {
  return e instanceof PendingWarehouseCall;
}

/** Render until no call is pending, answering one warehouse call between replays. */
export async function renderWithWarehouse<T>(render: () => T, warehouse: WarehouseAccess, maxCalls = 10_000): Promise<T> {
  for (let calls = 0; ; calls++) {
    try {
      return render();
    } catch (e) {
      if (!(e instanceof PendingWarehouseCall) || calls >= maxCalls) throw e;
      try {
        await e.resolve(warehouse);
      } catch (err) {
        if (err instanceof TsdbtError) throw err;
        throw new TsdbtError('database', `a query made while rendering failed: ${(err as Error).message ?? String(err)}`, { location: e.location, cause: err });
      }
    }
  }
}

// ---- agate-like results ------------------------------------------------------------------------

/** Names → values, indexable by position and by name (agate's MappedSequence, for rows and columns). */
function mappedSequence<T>(values: T[], keys: readonly string[], extra: Record<string, unknown> = {}): T[] {
  const index = new Map(keys.map((k, i) => [k, i]));
  const methods: Record<string, unknown> = {
    keys: () => [...keys],
    values: () => [...values],
    items: () => keys.map((k, i) => [k, values[i]]),
    dict: () => Object.fromEntries(keys.map((k, i) => [k, values[i]])),
    get: (k: unknown, dflt: unknown = null) => (index.has(String(k)) ? values[index.get(String(k))!] : typeof k === 'number' ? (values[k] ?? dflt) : dflt),
    ...extra,
  };
  return new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        if (Object.prototype.hasOwnProperty.call(methods, key)) return methods[key];
        const i = index.get(key);
        if (i !== undefined && !/^\d+$/.test(key)) return target[i];
      }
      return Reflect.get(target, key, receiver);
    },
    has: (target, key) => (typeof key === 'string' && (index.has(key) || key in methods)) || key in target,
  });
}

/** What `run_query` returns and `load_result(…).table` holds: rows, columns, column_names. */
export class AgateTable {
  readonly column_names: string[];
  readonly column_types: string[];
  readonly rows: unknown[][];
  readonly columns: unknown[];

  constructor(result: QueryResult) {
    const names = result.columns.map((c) => c.name);
    this.column_names = names;
    this.column_types = result.columns.map((c) => c.type);
    this.rows = result.rows.map((r) => mappedSequence(names.map((n) => r[n] ?? null), names));
    const cols = names.map((name, i) =>
      mappedSequence(
        result.rows.map((r) => r[name] ?? null),
        [],
        { name, data_type: this.column_types[i], values: () => result.rows.map((r) => r[name] ?? null), values_distinct: () => [...new Set(result.rows.map((r) => r[name] ?? null))] },
      ),
    );
    this.columns = mappedSequence(cols, names);
  }

  get [Symbol.toStringTag](): string {
    return 'AgateTable';
  }
  /** `{{ results | length }}`: the number of rows. */
  get length(): number {
    return this.rows.length;
  }
  /** agate prints to stdout; here it only returns the text (`{{ log(t.print_table()) }}` logs it). */
  print_table(): string {
    const lines = [`| ${this.column_names.join(' | ')} |`, ...this.rows.slice(0, 20).map((r) => `| ${r.map((v) => pyStr(v)).join(' | ')} |`)];
    return lines.join('\n');
  }
  toString(): string {
    return `<agate.Table: ${this.rows.length} rows, columns ${this.column_names.join(', ')}>`;
  }
}

/** dbt's Column: what adapter.get_columns_in_relation returns. */
export class ColumnValue {
  constructor(
    readonly column: string,
    readonly dtype: string,
    private readonly quoteChar = '"',
  ) {}
  get name(): string {
    return this.column;
  }
  get data_type(): string {
    return this.dtype;
  }
  get quoted(): string {
    const q = this.quoteChar;
    return `${q}${this.column.replaceAll(q, q + q)}${q}`;
  }
  is_string(): boolean {
    return /^(text|varchar|character varying|char|character|string|bpchar|nvarchar)\b/i.test(this.dtype);
  }
  is_integer(): boolean {
    return /^(tinyint|smallint|integer|int|bigint|hugeint|int2|int4|int8|serial|bigserial|ubigint|uinteger|usmallint|utinyint)\b/i.test(this.dtype);
  }
  is_float(): boolean {
    return /^(real|float|float4|float8|double|double precision)\b/i.test(this.dtype);
  }
  is_numeric(): boolean {
    return /^(numeric|decimal)\b/i.test(this.dtype);
  }
  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }
  toString(): string {
    return `<Column ${this.column} (${this.dtype})>`;
  }
}

// ---- template functions ------------------------------------------------------------------------

export interface RelationLike {
  database?: unknown;
  schema?: unknown;
  identifier?: unknown;
  type?: unknown;
}

/** What the functions need from the compiler (no warehouse: that comes through the answers). */
export interface IntrospectionDeps {
  adapterType: string;
  quote(id: string): string;
  /** A relation value (rendered, with .schema/.identifier …); `identifier` may be missing. */
  relation(ref: { database?: string | undefined; schema?: string | undefined; identifier?: string | undefined }, type?: 'table' | 'view'): unknown;
  /** The database relations are in when a call passes none (the target's). */
  defaultDatabase: string | undefined;
  /** The engine's `log` and `print`: replays of a render do not repeat their output. */
  log?: unknown;
  print?: unknown;
}

const str = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : pyStr(v));
const stripSemicolons = (sql: string) => sql.replace(/[\s;]+$/, '');
const kindOf = (sql: string) => (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();

/** Template names for one render (execute = true), answered from `answers`. */
export function introspectionContext(deps: IntrospectionDeps & { answers: WarehouseAnswers }): Record<string, unknown> {
  const i = introspectionNames(deps);
  i.begin(deps.answers);
  return i.names;
}

/**
 * The template names, made once (per compiler): `begin(answers)` before each render points them at
 * that render's answers and statement results. Renders are synchronous, so one pointer suffices.
 */
export function introspectionNames(deps: IntrospectionDeps): { names: Record<string, unknown>; begin(answers: WarehouseAnswers | (() => WarehouseAnswers)): void; markUsed(): void } {
  // The render's answers, made on its first warehouse call (most renders make none).
  let source: WarehouseAnswers | (() => WarehouseAnswers) = new WarehouseAnswers();
  let current: WarehouseAnswers | undefined;
  const answersNow = () => (current ??= typeof source === 'function' ? source() : source);
  const answers = {
    ask: <T>(key: string, fetch: (w: WarehouseAccess) => Promise<T>): T => answersNow().ask(key, fetch),
    firstTime: (key: string) => answersNow().firstTime(key),
  };
  let results = new Map<string, unknown>();
  const execute = (sql: string): QueryResult => answers.ask(`execute\u0000${sql}`, (w) => w.execute(sql));
  const response = (sql: string, r: QueryResult) => {
    const rows = r.rowsAffected ?? (r.columns.length ? r.rows.length : -1);
    const code = kindOf(sql);
    return { _message: `${code} ${rows}`, code, rows_affected: rows, toString: () => `${code} ${rows}` };
  };
  const relationArg = (rel: unknown): RelationRef | undefined => {
    if (rel === null || rel === undefined) return undefined;
    const r = rel as RelationLike;
    const identifier = str(r.identifier);
    const schema = str(r.schema);
    if (identifier === undefined || schema === undefined || r.type === 'cte') return undefined;
    return { database: str(r.database) ?? deps.defaultDatabase, schema, identifier };
  };
  const getRelation = (database: string | undefined, schema: string | undefined, identifier: string | undefined) => {
    if (schema === undefined || identifier === undefined) return null;
    const db = database ?? deps.defaultDatabase;
    const listed = answers.ask(`relations\u0000${db ?? ''}\u0000${schema}`, (w) => w.relations(schema, db));
    const hit = listed.find((r) => r.identifier === identifier) ?? listed.filter((r) => r.identifier.toLowerCase() === identifier.toLowerCase()).find((_, __, all) => all.length === 1);
    return hit ? deps.relation({ database: db, schema: hit.schema, identifier: hit.identifier }, hit.kind) : null;
  };
  const getColumns = (rel: unknown): ColumnValue[] => {
    const ref = relationArg(rel);
    if (!ref) return [];
    const cols = answers.ask(`columns\u0000${ref.database ?? ''}\u0000${ref.schema}\u0000${ref.identifier}`, (w) => w.columns(ref));
    return cols.map((c) => new ColumnValue(c.name, c.type, deps.quote('x').charAt(0)));
  };
  const once = (name: 'log' | 'print') => {
    const real = deps[name];
    if (typeof real !== 'function') return {};
    return { [name]: (...raw: unknown[]) => (answers.firstTime(`${name}\u0000${raw.map((a) => pyStr(a)).join('\u0000')}`) ? (real as (...a: unknown[]) => unknown)(...raw) : '') };
  };
  const names = {
    ...once('log'),
    ...once('print'),
    run_query: jinjaFunction(([sql], kwargs) => {
      const text = stripSemicolons(pyStr(sql ?? kwargs['sql']));
      const r = execute(text);
      return r.columns.length ? new AgateTable(r) : null;
    }),
    statement: jinjaFunction((args, kwargs) => {
      const name = args[0] ?? kwargs['name'] ?? null;
      const fetch = pyTruthy(args[1] ?? kwargs['fetch_result'] ?? false);
      const caller = kwargs['caller'];
      if (typeof caller !== 'function') return '';
      const sql = stripSemicolons(pyStr(caller()));
      const r = execute(sql);
      if (name !== null) {
        const table = new AgateTable(fetch ? r : { columns: [], rows: [] });
        results.set(pyStr(name), { response: response(sql, r), data: table.rows.map((row) => [...row]), table });
      }
      return '';
    }),
    load_result: jinjaFunction(([name]) => results.get(pyStr(name)) ?? null),
    load_relation: jinjaFunction(([rel]) => {
      const ref = relationArg(rel);
      return ref ? getRelation(ref.database, ref.schema, ref.identifier) : null;
    }),
    adapter: {
      ...staticAdapter(deps),
      get_relation: jinjaFunction((args, kwargs) => getRelation(str(args[0] ?? kwargs['database']), str(args[1] ?? kwargs['schema']), str(args[2] ?? kwargs['identifier']))),
      get_columns_in_relation: jinjaFunction(([rel], kwargs) => getColumns(rel ?? kwargs['relation'])),
      execute: jinjaFunction(([sql], kwargs) => {
        const text = stripSemicolons(pyStr(sql ?? kwargs['sql']));
        const r = execute(text);
        const fetch = pyTruthy(kwargs['fetch'] ?? false);
        return [response(text, r), new AgateTable(fetch ? r : { columns: [], rows: [] })];
      }),
    },
    api: apiNamespace(deps),
  };
  return {
    names,
    begin(a: WarehouseAnswers | (() => WarehouseAnswers)) {
      source = a;
      current = undefined;
      if (a instanceof WarehouseAnswers) a.startRender();
      if (results.size) results = new Map();
    },
    /** The render read something outside its own inputs (the graph): its output is not cached. */
    markUsed() {
      answersNow().used = true;
    },
  };
}

/** What adapter methods that do not touch the warehouse do, in every phase. */
function staticAdapter(deps: Pick<IntrospectionDeps, 'quote' | 'adapterType'>): Record<string, unknown> {
  return {
    type: () => deps.adapterType,
    quote: (id: unknown) => deps.quote(id instanceof ColumnValue ? id.column : pyStr(id)),
  };
}

function apiNamespace(deps: Pick<IntrospectionDeps, 'relation' | 'quote'>): Record<string, unknown> {
  return {
    Relation: {
      create: jinjaFunction((args, kwargs) => {
        const type = kwargs['type'] === 'view' ? 'view' : kwargs['type'] === 'table' ? 'table' : undefined;
        return deps.relation({ database: str(args[0] ?? kwargs['database']), schema: str(args[1] ?? kwargs['schema']), identifier: str(args[2] ?? kwargs['identifier']) }, type);
      }),
    },
    Column: {
      create: jinjaFunction((args, kwargs) => new ColumnValue(pyStr(args[0] ?? kwargs['name']), pyStr(args[1] ?? kwargs['dtype'] ?? kwargs['data_type']), deps.quote('x').charAt(0))),
    },
  };
}

/**
 * The same names at parse time (execute = false), as dbt's parse context has them: queries return
 * none, get_columns_in_relation an empty list, statement runs nothing, graph is empty.
 */
export function parseTimeIntrospection(adapterType = 'default'): Record<string, unknown> {
  const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
  const relation = (ref: { database?: string | undefined; schema?: string | undefined; identifier?: string | undefined }) =>
    Object.assign(Object.create(null) as object, ref, { toString: () => [ref.database, ref.schema, ref.identifier].filter((p) => p !== undefined).map((p) => quote(p!)).join('.') });
  const none = jinjaFunction(() => null);
  return {
    run_query: none,
    statement: jinjaFunction(() => ''),
    load_result: none,
    load_relation: none,
    adapter: {
      ...staticAdapter({ quote, adapterType }),
      get_relation: none,
      get_columns_in_relation: jinjaFunction(() => []),
      execute: jinjaFunction(() => [{ _message: '', code: '', rows_affected: -1 }, new AgateTable({ columns: [], rows: [] })]),
    },
    api: apiNamespace({ relation, quote }),
    graph: emptyGraph(),
  };
}

export function emptyGraph(): Record<string, Record<string, unknown>> {
  return { nodes: {}, sources: {}, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {} };
}

/** `flags` as dbt documents them (the values tsdbt has; the rest at dbt's defaults). */
export function dbtFlags(run: { fullRefresh: boolean; storeFailures: boolean; command: string; failFast?: boolean | undefined } | undefined, phase: string): Record<string, unknown> {
  return {
    FULL_REFRESH: run?.fullRefresh ?? false,
    STORE_FAILURES: run?.storeFailures ?? false,
    WHICH: run?.command ?? phase,
    FAIL_FAST: run?.failFast ?? false,
    EMPTY: false,
    DEBUG: false,
    QUIET: false,
    WARN_ERROR: null,
    USE_COLORS: true,
    LOG_FORMAT: 'default',
    PARTIAL_PARSE: true,
    STATIC_PARSER: true,
    INTROSPECT: true,
    WRITE_JSON: true,
    PRINTER_WIDTH: 80,
    INDIRECT_SELECTION: 'eager',
    SEND_ANONYMOUS_USAGE_STATS: false,
    VERSION_CHECK: true,
    CACHE_SELECTED_ONLY: false,
  };
}
