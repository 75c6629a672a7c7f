// Parse one compiled SELECT with node-sql-parser's PostgreSQL grammar (the closest of its dialects to
// DuckDB), and give the few parts of its syntax tree that lineage reads a name and a type.
import { createRequire } from 'node:module';

type ParserModule = typeof import('node-sql-parser/build/postgresql.js');

/** Loaded on first use: the grammar is ~300 kB and costs ~20 ms to load, which commands that never ask for lineage should not pay. */
let parser: InstanceType<ParserModule['Parser']> | undefined;
function sqlParser(): InstanceType<ParserModule['Parser']> {
  if (!parser) {
    const load = createRequire(import.meta.url);
    const { Parser } = load('node-sql-parser/build/postgresql.js') as ParserModule;
    parser = new Parser();
  }
  return parser;
}

/** Syntax the parser accepts but reads differently from DuckDB, or that lineage cannot follow. */
export class UnsupportedSqlError extends Error {}

// ---- the syntax tree, as far as lineage reads it ----------------------------------------------

/** Any expression node; lineage walks these generically and looks only at the kinds below. */
export interface ExprAst {
  type?: string;
  [key: string]: unknown;
}

export interface IdentAst {
  type: string;
  value: string;
}

export interface ColumnRefAst extends ExprAst {
  type: 'column_ref';
  schema?: string | null;
  table?: string | IdentAst | null;
  column: string | { expr: IdentAst };
  array_index?: unknown[] | null;
}

export interface SelectItemAst {
  expr: ExprAst;
  as?: string | IdentAst | null;
}

export interface WithAst {
  name: string | IdentAst;
  stmt: QueryAst | { ast: QueryAst };
  columns?: ColumnRefAst[] | null;
  recursive?: boolean;
}

export interface NamedWindowAst {
  name: string;
  as_window_specification: unknown;
}

export interface SelectAst {
  type: 'select';
  with?: WithAst[] | null;
  columns: SelectItemAst[] | '*';
  from?: FromAst[] | null;
  window?: { expr?: NamedWindowAst[] | null } | null;
  _next?: QueryAst | null;
  set_op?: string | null;
}

export interface ValuesAst {
  type: 'values';
  values: { value?: unknown[] }[];
}

/** A statement in FROM or a CTE body: a SELECT (possibly the head of a set-operation chain) or VALUES. */
export type QueryAst = SelectAst | ValuesAst;

/** One FROM item: a relation name, a subquery / VALUES (`expr.ast` or `expr.type`), or a table function (`type: 'expr'`). */
export interface FromAst {
  db?: string | null;
  schema?: string | null;
  table?: string;
  as?: string | null;
  join?: string;
  using?: (string | IdentAst)[] | null;
  on?: ExprAst | null;
  type?: string;
  prefix?: string | null;
  expr?: { ast?: QueryAst; type?: string; values?: unknown } | ExprAst;
}

// ---- parsing -------------------------------------------------------------------------------------

export type ParseResult = { ok: true; select: SelectAst } | { ok: false; reason: string };

export function parseSelect(sql: string): ParseResult {
  let ast: unknown;
  try {
    ast = sqlParser().astify(sql, { database: 'PostgresQL' });
  } catch (e) {
    return { ok: false, reason: describeParseError(e, sql) };
  }
  const statements = (Array.isArray(ast) ? ast : [ast]) as (ExprAst | null | undefined)[];
  if (statements.length !== 1) return { ok: false, reason: `expected one statement, found ${statements.length}` };
  const statement = statements[0];
  if (statement?.type !== 'select') {
    return { ok: false, reason: `expected a SELECT statement, found ${String(statement?.type ?? 'nothing').toUpperCase()}` };
  }
  return { ok: true, select: statement as unknown as SelectAst };
}

interface PegSyntaxError {
  location?: { start: { offset: number; line: number; column: number } };
}

/** The parser's own message lists every token it expected (kilobytes); say where it stopped instead. */
function describeParseError(e: unknown, sql: string): string {
  const start = (e as PegSyntaxError | null)?.location?.start;
  if (!start) return e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : String(e);
  const lineText = sql.split('\n')[start.line - 1] ?? '';
  const at = start.column - 1;
  // A little of what came before: the parser often stops one token after the real culprit.
  const before = at > 20 ? lineText.slice(at - 20, at).replace(/^\S*\s*/, '') : lineText.slice(0, at);
  const near = (before + lineText.slice(at, at + 24)).replace(/\s+/g, ' ').trim();
  return near
    ? `syntax error at line ${start.line}, column ${start.column} (near "${near}")`
    : `syntax error at line ${start.line}, column ${start.column} (unexpected end of input)`;
}

// ---- reading names -------------------------------------------------------------------------------

function identText(id: string | IdentAst | null | undefined): string | undefined {
  if (id == null) return undefined;
  return typeof id === 'string' ? id : id.value;
}

/** Identifiers compare case-insensitively in DuckDB; lineage keys everything by the lower-cased name. */
export function normalizeName(name: string): string {
  return name.toLowerCase();
}

export function identName(id: string | IdentAst | null | undefined): string | undefined {
  const text = identText(id);
  return text === undefined ? undefined : normalizeName(text);
}

export function isColumnRef(expr: ExprAst | null | undefined): expr is ColumnRefAst {
  return expr?.type === 'column_ref';
}

export function isStar(ref: ColumnRefAst): boolean {
  return ref.column === '*';
}

export function columnRefName(ref: ColumnRefAst): string {
  return normalizeName(typeof ref.column === 'string' ? ref.column : ref.column.expr.value);
}

/** The qualifier of `t.c` (the table part of `s.t.c`), or undefined for a bare `c`. */
export function columnRefQualifier(ref: ColumnRefAst): string | undefined {
  return identName(ref.table);
}

/** `"db"."schema"."name"` with the case kept (quoting is not in the tree, so every part is quoted). */
export function relationText(from: FromAst): { quoted: string; bare: string; name: string } {
  const parts = [from.db, from.schema, from.table].filter((p): p is string => typeof p === 'string' && p !== '');
  return {
    quoted: parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.'),
    bare: parts.join('.'),
    name: parts[parts.length - 1] ?? '',
  };
}

/** `s` or `s(a, b)` — the grammar keeps a column-alias list inside the alias string. */
export function splitAlias(alias: string | null | undefined): { name: string | undefined; columns: string[] | undefined } {
  if (!alias) return { name: undefined, columns: undefined };
  const m = /^(.*?)\s*\((.*)\)$/s.exec(alias);
  if (!m) return { name: normalizeName(alias), columns: undefined };
  const columns = m[2]!.split(',').map((c) => normalizeName(c.trim().replace(/^"(.*)"$/s, '$1')));
  return { name: normalizeName(m[1]!.replace(/^"(.*)"$/s, '$1')), columns };
}

export function selectItemAlias(item: SelectItemAst): string | undefined {
  return identName(item.as);
}

/** The select's named windows (`window w as (...)`), for `over w`. */
export function namedWindow(select: SelectAst, name: string): unknown {
  return select.window?.expr?.find((w) => normalizeName(w.name) === name)?.as_window_specification;
}

/** The statement of a CTE (the tree nests it under `ast` in some versions). */
export function cteQuery(cte: WithAst): QueryAst {
  return 'ast' in cte.stmt ? cte.stmt.ast : cte.stmt;
}

export function cteColumns(cte: WithAst): string[] | undefined {
  return cte.columns?.length ? cte.columns.map(columnRefName) : undefined;
}

/** A subquery node inside an expression: `(select ...)`, `exists (select ...)`, `x in (select ...)`. */
export function subqueryOf(node: ExprAst): QueryAst | undefined {
  if (node.type === 'select') return node as unknown as SelectAst;
  const inner = node.ast as ExprAst | undefined;
  if (inner && typeof inner === 'object' && (inner.type === 'select' || inner.type === 'values')) return inner as unknown as QueryAst;
  return undefined;
}
