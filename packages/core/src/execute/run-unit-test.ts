// Unit tests (dbt 1.8): render the model with each ref/source it reads replaced by a CTE of the
// given rows (typed from the real input relation when it exists), run it, and compare the result
// with the expected rows — only the expected columns, ignoring order. Only SELECTs are run.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ColumnMeta, Dialect } from '../adapter/types.js';
import { Compiler } from '../compile/compile-project.js';
import { injectCtes, type Cte } from '../compile/ephemeral.js';
import { RelationValue } from '../compile/relation.js';
import { TsdbtError } from '../errors.js';
import { refFromArgs } from '../parse/model.js';
import type { GraphNode, ModelNode, UnitTestNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import { parseUnitInput, type UnitInput } from '../parse/unit-test.js';
import type { Project } from '../project/load-project.js';
import { jinjaFunction } from '../template/engine.js';
import type { NodeHandler, NodeOutcome, NodeRunContext } from './node-handler.js';

type Row = Record<string, unknown>;
/** Rows with the column names they were written with, or a SQL query (`format: sql`). */
type Fixture = { kind: 'rows'; columns: string[]; rows: Row[] } | { kind: 'sql'; sql: string };

export const runUnitTest: NodeHandler = async (node, ctx) => {
  const test = node as UnitTestNode;
  try {
    return await evaluate(test, ctx);
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message };
  }
};

async function evaluate(test: UnitTestNode, ctx: NodeRunContext): Promise<NodeOutcome> {
  const { dialect, conn, project } = ctx;
  const model = ctx.parsed.nodes.get(test.model) as ModelNode | undefined;
  if (!model) throw new TsdbtError('project', `unit test \`${test.name}\`: model \`${test.model}\` is not in the project`, { location: { file: test.originalFilePath } });
  const where = { file: test.originalFilePath };

  // Inputs → CTEs.
  const ctes: Cte[] = [];
  const byInput = new Map<string, string>();
  for (const [i, given] of test.given.entries()) {
    const input = parseUnitInput(given.input);
    if (!input) throw new TsdbtError('yaml', `unit test \`${test.name}\`: cannot read input \`${given.input}\``, { location: where });
    const target = inputNode(ctx.parsed, input, model);
    const name = `__tsdbt_fixture_${i}_${inputKey(input).replace(/[^0-9A-Za-z_]+/g, '_')}`;
    const fixture = readFixture(project, given, test);
    let sql: string;
    if (fixture.kind === 'sql') sql = fixture.sql;
    else {
      const isEphemeral = target.resourceType === 'model' && target.config.materialized === 'ephemeral';
      const columns = target.relation && !isEphemeral ? await ctx.introspector.getColumns(conn, target.relation) : [];
      const what = `input \`${given.input}\``;
      sql = columns.length ? typedRowsSql(dialect, fixture, columns, what, test) : inferredRowsSql(dialect, fixture, what, test);
    }
    ctes.push({ name, sql });
    byInput.set(inputKey(input), name);
  }

  const body = compileWithFixtures(ctx, test, model, byInput);
  const modelSql = injectCtes(body, ctes);
  const wrapped = (select: string) => `select ${select} from (\n${modelSql.trim().replace(/;\s*$/, '')}\n) as __tsdbt_model`;

  // Expected rows, typed like the model's output columns.
  const outColumns = (await conn.execute(`${wrapped('*')} limit 0`)).columns;
  const expected = readFixture(project, test.expect, test);
  let expectedRows: unknown[][];
  let columns: ColumnMeta[];
  if (expected.kind === 'sql') {
    const res = await conn.execute(expected.sql);
    columns = matchColumns(res.columns.map((c) => c.name), outColumns);
    expectedRows = res.rows.map((r) => res.columns.map((c) => r[c.name]));
  } else {
    const missing = expected.columns.filter((c) => !outColumns.some((o) => o.name.toLowerCase() === c.toLowerCase()));
    if (missing.length) {
      return { status: 'fail', failures: expected.rows.length, message: `expected column${missing.length === 1 ? '' : 's'} ${missing.map((m) => `\`${m}\``).join(', ')} not in the output of \`${model.name}\` (columns: ${outColumns.map((c) => c.name).join(', ')})` };
    }
    columns = matchColumns(expected.columns, outColumns);
    if (columns.length === 0) expectedRows = expected.rows.map(() => []);
    else {
      const res = await conn.execute(typedRowsSql(dialect, expected, columns, '`expect`', test));
      expectedRows = res.rows.map((r) => res.columns.map((c) => r[c.name]));
    }
  }
  const select = columns.length ? columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ') : '1 as __tsdbt_row';
  const actualRes = await conn.execute(wrapped(select));
  const actualRows = actualRes.rows.map((r) => (columns.length ? actualRes.columns.map((c) => r[c.name]) : []));

  const diff = diffRows(expectedRows, actualRows);
  if (diff.missing.length === 0 && diff.unexpected.length === 0) return { status: 'pass', message: 'PASS', failures: 0 };
  return { status: 'fail', failures: diff.missing.length + diff.unexpected.length, message: formatDiff(columns.map((c) => c.name), diff) };
}

const inputKey = (input: UnitInput) => (input.kind === 'ref' ? `ref:${input.name}` : input.kind === 'source' ? `source:${input.source}.${input.table}` : 'this');

function inputNode(parsed: ParsedProject, input: UnitInput, model: ModelNode): GraphNode {
  if (input.kind === 'this') return model;
  const found =
    input.kind === 'source'
      ? parsed.nodes.get(`source.${model.packageName}.${input.source}.${input.table}`)
      : [...parsed.nodes.values()].find((n) => (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') && n.name === input.name);
  if (!found) throw new TsdbtError('ref', `input \`${inputKey(input)}\` is not in the project`);
  return found;
}

/** The model's SQL with ref/source/this resolved to fixture CTEs and overrides applied (vars, env vars, macros). */
function compileWithFixtures(ctx: NodeRunContext, test: UnitTestNode, model: ModelNode, byInput: ReadonlyMap<string, string>): string {
  const o = test.overrides ?? {};
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const vars = obj(o.vars);
  const envVars = obj(o.env_vars);
  const macros = obj(o.macros);
  const base = ctx.parsed;
  const project: Project = { ...base.project, vars: { ...base.project.vars, ...vars }, env: { ...base.project.env, ...Object.fromEntries(Object.entries(envVars).map(([k, v]) => [k, String(v)])) } };
  const parsed: ParsedProject = Object.keys(vars).length || Object.keys(envVars).length ? { ...base, project } : base;
  const cte = (name: string) => new RelationValue({ schema: '', identifier: name }, name, 'cte');
  const missing = (call: string) =>
    new TsdbtError('ref', `unit test \`${test.name}\`: \`${model.name}\` reads ${call}, which has no \`given\` input`, {
      location: { file: test.originalFilePath },
      hint: `add \`- input: ${call}\` with its rows under \`given:\` (\`rows: []\` for an empty input)`,
    });
  const extra = {
    ref: jinjaFunction((args, kwargs) => {
      const r = refFromArgs(args, kwargs);
      const name = byInput.get(`ref:${r.name}`);
      if (!name) throw missing(`ref('${r.name}')`);
      return cte(name);
    }),
    source: jinjaFunction(([s, t]) => {
      const name = byInput.get(`source:${String(s)}.${String(t)}`);
      if (!name) throw missing(`source('${String(s)}', '${String(t)}')`);
      return cte(name);
    }),
    ...(byInput.has('this') ? { this: cte(byInput.get('this')!) } : {}),
    ...Object.fromEntries(Object.entries(macros).map(([name, value]) => [name, jinjaFunction(() => value)])),
  };
  const compiler = new Compiler(parsed, ctx.dialect, () => extra);
  try {
    return compiler.body(model);
  } catch (e) {
    if (e instanceof TsdbtError) throw e;
    throw new TsdbtError('template', `unit test \`${test.name}\`: rendering \`${model.name}\` failed: ${(e as Error).message}`, { location: { file: model.originalFilePath } });
  }
}

// ---------------------------------------------------------------- fixtures

function readFixture(project: Project, spec: { rows?: unknown; format?: string | undefined; fixture?: string | undefined }, test: UnitTestNode): Fixture {
  const format = spec.format ?? 'dict';
  let rows = spec.rows;
  if (spec.fixture !== undefined) rows = fixtureFile(project, spec.fixture, format === 'sql' ? 'sql' : 'csv', test);
  if (format === 'sql') return { kind: 'sql', sql: String(rows ?? '') };
  if (format === 'csv') return csvRows(String(rows ?? ''));
  const list = Array.isArray(rows) ? (rows as Row[]) : [];
  const columns: string[] = [];
  for (const r of list) for (const k of Object.keys(r ?? {})) if (!columns.some((c) => c.toLowerCase() === k.toLowerCase())) columns.push(k);
  return { kind: 'rows', columns, rows: list.map((r) => r ?? {}) };
}

function fixtureFile(project: Project, name: string, ext: 'csv' | 'sql', test: UnitTestNode): string {
  const wanted = `${name}.${ext}`;
  for (const tp of project.config.testPaths) {
    const dir = path.join(project.projectDir, tp, 'fixtures');
    let entries: string[];
    try {
      entries = readdirSync(dir, { recursive: true }) as string[];
    } catch {
      continue;
    }
    const hit = entries.find((e) => path.basename(e) === wanted);
    if (hit) return readFileSync(path.join(dir, hit), 'utf8');
  }
  throw new TsdbtError('project', `unit test \`${test.name}\`: fixture \`${name}\` not found`, {
    location: { file: test.originalFilePath },
    hint: `put it at ${project.config.testPaths[0] ?? 'tests'}/fixtures/${wanted}`,
  });
}

/** RFC 4180 CSV; the first line names the columns; an empty unquoted field is null. */
export function csvRows(text: string): Fixture & { kind: 'rows' } {
  const records: Array<Array<string | null>> = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let rec: Array<string | null> = [];
  const endField = () => {
    rec.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  const src = text.replace(/^\s*\n/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = wasQuoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endField();
      if (rec.some((f) => f !== null && f.trim() !== '')) records.push(rec);
      rec = [];
    } else field += ch;
  }
  endField();
  if (rec.some((f) => f !== null && f.trim() !== '')) records.push(rec);
  const header = (records.shift() ?? []).map((h) => (h ?? '').trim());
  const rows = records.map((r) => Object.fromEntries(header.map((h, j) => [h, csvValue(r[j] ?? null)])));
  return { kind: 'rows', columns: header, rows };
}

/** Trim unquoted padding (block scalars indent nothing, but `a, b` is common). */
const csvValue = (v: string | null) => (v === null ? null : v.trim() === '' ? null : v.trim());

const lookup = (row: Row, column: string) => {
  if (column in row) return row[column];
  const k = Object.keys(row).find((x) => x.toLowerCase() === column.toLowerCase());
  return k === undefined ? undefined : row[k];
};

function literal(dialect: Dialect, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : dialect.stringLiteral(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return dialect.stringLiteral(v);
  return dialect.stringLiteral(JSON.stringify(v));
}

/** One `select … union all select …` with every column of the relation cast to its type (missing values null). */
function typedRowsSql(dialect: Dialect, fixture: Fixture & { kind: 'rows' }, columns: readonly ColumnMeta[], what: string, test: UnitTestNode): string {
  const unknown = fixture.columns.filter((c) => !columns.some((col) => col.name.toLowerCase() === c.toLowerCase()));
  if (unknown.length) {
    throw new TsdbtError('yaml', `unit test \`${test.name}\`: ${what} has column${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `\`${c}\``).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not in the relation (columns: ${columns.map((c) => c.name).join(', ')})`, { location: { file: test.originalFilePath } });
  }
  const cast = (v: unknown, type: string) => `cast(${literal(dialect, v)} as ${type})`;
  if (fixture.rows.length === 0) return `select ${columns.map((c) => `${cast(null, c.type)} as ${dialect.quoteIdentifier(c.name)}`).join(', ')} limit 0`;
  return fixture.rows.map((r) => `select ${columns.map((c) => `${cast(lookup(r, c.name), c.type)} as ${dialect.quoteIdentifier(c.name)}`).join(', ')}`).join('\nunion all\n');
}

/** Without a relation to read types from: literals as written (CSV text that looks numeric or boolean becomes one). */
function inferredRowsSql(dialect: Dialect, fixture: Fixture & { kind: 'rows' }, what: string, test: UnitTestNode): string {
  if (fixture.columns.length === 0) {
    throw new TsdbtError('project', `unit test \`${test.name}\`: cannot tell the columns of ${what}: its relation does not exist and no rows are given`, {
      location: { file: test.originalFilePath },
      hint: 'build it first (tsdbt run), give at least one row, or use `format: sql`',
    });
  }
  const value = (v: unknown) => {
    if (typeof v !== 'string') return v;
    if (/^-?\d+(\.\d+)?$/.test(v) && Number.isFinite(Number(v))) return Number(v);
    if (v === 'true' || v === 'false') return v === 'true';
    return v;
  };
  const rows = fixture.rows.length ? fixture.rows : [null];
  return rows
    .map((r) => `select ${fixture.columns.map((c) => `${r ? literal(dialect, value(lookup(r, c))) : 'null'} as ${dialect.quoteIdentifier(c)}`).join(', ')}${r ? '' : ' limit 0'}`)
    .join('\nunion all\n');
}

/** The output columns for the expected names, in the expected order. */
function matchColumns(names: readonly string[], out: readonly ColumnMeta[]): ColumnMeta[] {
  return names.map((n) => out.find((o) => o.name === n) ?? out.find((o) => o.name.toLowerCase() === n.toLowerCase())).filter((c): c is ColumnMeta => c !== undefined);
}

// ---------------------------------------------------------------- comparison

export interface RowDiff {
  /** Expected rows not in the actual result. */
  missing: unknown[][];
  /** Actual rows that were not expected. */
  unexpected: unknown[][];
  matching: number;
}

/** Multiset difference: order-insensitive, duplicates counted. */
export function diffRows(expected: readonly unknown[][], actual: readonly unknown[][]): RowDiff {
  const key = (r: readonly unknown[]) => JSON.stringify(r);
  const pending = new Map<string, unknown[][]>();
  for (const r of expected) (pending.get(key(r)) ?? pending.set(key(r), []).get(key(r))!).push(r);
  const unexpected: unknown[][] = [];
  let matching = 0;
  for (const r of actual) {
    const same = pending.get(key(r));
    if (same?.length) {
      same.pop();
      matching++;
    } else unexpected.push(r);
  }
  return { missing: [...pending.values()].flat(), unexpected, matching };
}

const show = (v: unknown) => (v === null || v === undefined ? 'null' : typeof v === 'string' ? v : JSON.stringify(v));

/** `actual differs from expected …` and a small table: `+` expected rows missing, `-` actual rows not expected. */
export function formatDiff(columns: readonly string[], diff: RowDiff): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const head = `actual differs from expected: ${n(diff.missing.length, 'expected row')} missing, ${n(diff.unexpected.length, 'unexpected row')} (${n(diff.matching, 'row')} match)`;
  const lines: Array<[string, string[]]> = [
    ...diff.missing.map((r) => ['+', r.map(show)] as [string, string[]]),
    ...diff.unexpected.map((r) => ['-', r.map(show)] as [string, string[]]),
  ];
  if (columns.length === 0) return head;
  const widths = columns.map((c, i) => Math.max(c.length, ...lines.map(([, cells]) => cells[i]!.length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [head, '(+ expected, - actual)', `  ${fmt(columns)}`, ...lines.map(([sign, cells]) => `${sign} ${fmt(cells)}`)].join('\n');
}
