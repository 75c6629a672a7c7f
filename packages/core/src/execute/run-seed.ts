// Seeds: load a CSV through the warehouse's bulk path (never row by row from JS) into a temp table
// and swap it in, or truncate + insert into the existing table (see plan/materializations/seed.ts).
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ColumnMeta, RelationRef, SeedColumnCheck, SeedColumnKind } from '../adapter/types.js';
import { TsdbtError, didYouMean } from '../errors.js';
import type { SeedNode } from '../parse/nodes.js';
import { planSeed, seedFullRefresh, seedLoadPath, type SeedPlan, type SeedStep } from '../plan/materializations/seed.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, withSuffix } from '../plan/plan.js';
import type { NodeHandler, NodeOutcome, NodeRunContext } from './node-handler.js';
import { findDependentViews, modelsBuiltAfter, recreateViews } from './dependent-views.js';
import { findCsvProblem, readCsvHeader } from './seed-csv.js';
import { SEED_SAMPLE_MISMATCH, sampleSeedKinds } from './seed-kinds.js';
import { nodeHooks, runHookStatements, type ModelHooks } from './hooks.js';
import { warehouseAccess } from '../compile/async-render.js';

/** Rows looked at before a whole-column check: most text columns are settled by these. */
const SAMPLE_ROWS = 1000;

interface SeedSettings {
  delimiter: string;
  columnTypes: Record<string, string>;
  quoteColumns: boolean;
  /** Notes for the result message (column_types that name no column). */
  notes: string[];
}

export const runSeed: NodeHandler = async (node, ctx) => {
  const seed = node as SeedNode;
  const fail = (e: TsdbtError): NodeOutcome => ({ status: 'error', message: e.format() });
  const file = path.resolve(ctx.project.projectDir, seed.originalFilePath);
  const where = { file: seed.originalFilePath };

  const loadPath = seedLoadPath(ctx.dialect, typeof ctx.conn.copyCsv === 'function');
  if (!loadPath) return fail(new TsdbtError('database', `the ${ctx.dialect.name} adapter cannot load seeds`, { location: where, hint: 'an adapter loads seeds with Dialect.selectFromCsv, or with Dialect.createTable and Connection.copyCsv' }));

  let settings: SeedSettings;
  let header: string[] | undefined;
  try {
    settings = readSettings(seed);
    header = statSync(file).size === 0 ? undefined : readCsvHeader(file, settings.delimiter);
  } catch (e) {
    return fail(e instanceof TsdbtError ? e : new TsdbtError('project', `cannot read the file: ${(e as Error).message}`, { location: where }));
  }
  if (!header) return fail(new TsdbtError('project', 'the file is empty: a seed needs at least a header row naming its columns', { location: where }));
  settings = withHeader(settings, header);
  // quote_columns: false → the columns get the names the warehouse gives unquoted identifiers.
  if (!settings.quoteColumns && ctx.dialect.unquotedName) {
    const fold = ctx.dialect.unquotedName.bind(ctx.dialect);
    header = header.map(fold);
    settings = { ...settings, columnTypes: Object.fromEntries(Object.entries(settings.columnTypes).map(([k, v]) => [fold(k), v])) };
  }

  const rel = seed.relation!;
  const existing = ctx.relations.get(rel);
  let existingColumns: ColumnMeta[] | undefined;
  try {
    await ctx.ensureSchema(rel.schema, rel.database);
    if (existing === 'table') existingColumns = await ctx.introspector.getColumns(ctx.conn, rel);
  } catch (e) {
    return { status: 'error', message: (e as Error).message };
  }
  const leftovers = [TEMP_SUFFIX, BACKUP_SUFFIX]
    .map((s) => ({ identifier: withSuffix(rel, s).identifier, kind: ctx.relations.get(withSuffix(rel, s)) }))
    .filter((l): l is { identifier: string; kind: 'table' | 'view' } => l.kind !== undefined);
  const plan = ({ wholeFile, kinds }: { wholeFile?: boolean; kinds?: Record<string, SeedColumnKind> }) =>
    planSeed(ctx.dialect, loadPath, {
      target: rel,
      file,
      header: header!,
      delimiter: settings.delimiter,
      columnTypes: settings.columnTypes,
      quoteColumns: settings.quoteColumns,
      fullRefresh: seedFullRefresh(seed.config, ctx.flags.fullRefresh),
      state: { existing, existingColumns, leftovers },
      wholeFile,
      kinds,
    });

  let seedPlan = plan({});
  let rows: number | undefined;
  // pre_hook / post_hook around the load, inside its transaction (outside with `transaction: false`).
  const hooks = nodeHooks(seed, ctx.compiler, warehouseAccess(ctx.conn, ctx.introspector));
  try {
    await runHookStatements(ctx.conn, hooks.beforeBegin);
    // Copy path, new table: columns typed from the first rows, checked while copying (no ALTER after).
    let attempt: Parameters<typeof plan>[0] = {};
    if (seedPlan.mode === 'create' && loadPath === 'copy' && ctx.conn.copyCsvChecksKinds) attempt = { kinds: sampledKinds(file, settings, header) };
    for (;;) {
      seedPlan = plan(attempt);
      try {
        rows = await runSeedPlan(ctx, seedPlan, file, settings, header, rel, seed.uniqueId, hooks);
        break;
      } catch (e) {
        // A later row does not fit a sampled kind: load again, inferred columns as text, typed from every row (dbt's result either way).
        if (attempt.kinds && (e as Error).message?.startsWith(SEED_SAMPLE_MISMATCH)) attempt = {};
        // Types the engine guessed from a sample that a later row does not fit: infer from every row instead.
        else if (!attempt.wholeFile && e instanceof LoadError && ctx.dialect.explainCsvError?.(e.message)?.sampledTypeMismatch) attempt = { wholeFile: true };
        else throw e;
      }
    }
    await runHookStatements(ctx.conn, hooks.afterCommit);
  } catch (e) {
    return fail(describeFailure(e, ctx, seed, file, settings.delimiter));
  }
  ctx.relations.set(rel.schema, rel.identifier, 'table');
  ctx.relations.set(rel.schema, withSuffix(rel, TEMP_SUFFIX).identifier, undefined);
  ctx.relations.set(rel.schema, withSuffix(rel, BACKUP_SUFFIX).identifier, undefined);
  const notes = [...(seedPlan.reason ? [`${seedPlan.reason}: table rebuilt`] : []), ...settings.notes];
  return { status: 'success', message: `${seedPlan.code} ${rows ?? '?'}${notes.length ? ` (${notes.join('; ')})` : ''}`, rowsAffected: rows };
};

/** The kinds of the first rows' columns that have a value there, except those `column_types` sets. */
function sampledKinds(file: string, settings: SeedSettings, header: readonly string[]): Record<string, SeedColumnKind> {
  const kinds: Record<string, SeedColumnKind> = {};
  for (const [name, kind] of Object.entries(sampleSeedKinds(file, settings.delimiter, header, SAMPLE_ROWS))) {
    if (kind !== undefined && settings.columnTypes[name] === undefined) kinds[name] = kind;
  }
  return kinds;
}

/** An error while rows were being read from the file (as opposed to DDL around it). */
class LoadError extends Error {}

async function runSeedPlan(ctx: NodeRunContext, plan: SeedPlan, file: string, settings: SeedSettings, header: readonly string[], rel: RelationRef, uniqueId: string, hooks: ModelHooks): Promise<number | undefined> {
  const { conn, dialect } = ctx;
  const transactional = dialect.capabilities.transactionalDdl;
  let rows: number | undefined;
  // A rebuild swaps the table: views on it are recreated (or checked) before the commit.
  const views = plan.mode === 'create' ? await findDependentViews(conn, ctx.introspector, rel, ctx.relations.get(rel)) : [];
  if (transactional) await conn.begin();
  try {
    await runHookStatements(conn, hooks.pre);
    for (const [i, step] of plan.steps.entries()) {
      const loads = i === plan.rowsFrom;
      try {
        if (step.kind === 'sql') {
          const r = await conn.execute(step.sql);
          if (loads) rows = r.rowsAffected;
        } else if (step.kind === 'copy') {
          rows = await conn.copyCsv!(step.into, file, { delimiter: settings.delimiter, header: true, columns: header, ...(step.kinds ? { kinds: step.kinds } : {}) });
        } else {
          await typeTextColumns(ctx, step.rel, new Set(step.except));
        }
      } catch (e) {
        throw loads ? new LoadError((e as Error).message, { cause: e }) : e;
      }
    }
    if (views.length > 0) {
      const dropped = await recreateViews(conn, dialect, rel, views, { transactional, builtLater: modelsBuiltAfter(ctx, uniqueId) });
      for (const v of dropped) ctx.relations.set(v.schema, v.identifier, undefined);
    }
    await runHookStatements(conn, hooks.post);
    if (transactional) await conn.commit();
  } catch (e) {
    if (transactional) await conn.rollback().catch(() => undefined);
    throw e;
  }
  return rows;
}

/**
 * Text columns (after a copy: those the file's first rows gave no kind, or all of them; what the
 * engine left as text after a query load) get the type dbt would infer, from every row. First the
 * kinds of the first rows; then, over every row, a check that each column's values all fit the kind
 * its sample gave (a value that fits no earlier kind in dbt's order in the sample fits none in the
 * whole), and the full inference only for the columns that fail it or had no value in the sample;
 * then one ALTER for every column that changes.
 */
async function typeTextColumns(ctx: NodeRunContext, rel: RelationRef, except: ReadonlySet<string>): Promise<void> {
  const { conn, dialect } = ctx;
  const types = dialect.seedTypes;
  if (!dialect.inferSeedKinds || !types) return;
  const text = types.text.toUpperCase();
  const columns = (await ctx.introspector.getColumns(conn, rel)).filter((c) => c.type.toUpperCase() === text && !except.has(c.name)).map((c) => c.name);
  if (columns.length === 0) return;
  const oneRow = async (sql: string) => Object.values((await conn.execute(sql)).rows[0] ?? {});
  const kindsOf = async (cols: string[], limit?: number) => {
    const values = await oneRow(dialect.inferSeedKinds!(rel, cols, limit));
    return cols.map((name, i) => ({ name, kind: String(values[i] ?? 'text') as SeedColumnKind }));
  };
  const sampled = await kindsOf(columns, SAMPLE_ROWS);
  const typed = sampled.filter((c): c is SeedColumnCheck => c.kind !== 'text');
  // `text` on a sample is also what a column with no value in it gets: those are not settled yet.
  const textInSample = sampled.filter((c) => c.kind === 'text').map((c) => c.name);
  const unseen = textInSample.length > 0 ? await emptyInSample(ctx, rel, textInSample) : [];
  let settled: SeedColumnCheck[] = [];
  let undecided = [...typed.map((c) => c.name), ...unseen];
  if (dialect.checkSeedKinds && typed.length > 0) {
    const fit = await oneRow(dialect.checkSeedKinds(rel, typed));
    settled = typed.filter((_c, i) => fit[i] === true);
    undecided = [...typed.filter((_c, i) => fit[i] !== true).map((c) => c.name), ...unseen];
  }
  const inferred = undecided.length > 0 ? await kindsOf(undecided) : [];
  const changes = [...settled, ...inferred].flatMap(({ name, kind }) => (kind !== 'text' && types[kind] ? [{ column: name, type: types[kind] }] : []));
  if (changes.length === 0) return;
  if (dialect.alterColumnTypes) await conn.execute(dialect.alterColumnTypes(rel, changes));
  else for (const c of changes) await conn.execute(dialect.alterColumnType(rel, c.column, c.type));
}

/** Of `columns`, those with no non-null value in the first SAMPLE_ROWS rows of `rel`. */
async function emptyInSample(ctx: NodeRunContext, rel: RelationRef, columns: readonly string[]): Promise<string[]> {
  const q = (c: string) => ctx.dialect.quoteIdentifier(c);
  const sample = ctx.dialect.limitQuery(`SELECT ${columns.map(q).join(', ')} FROM ${ctx.dialect.relationName(rel)}`, SAMPLE_ROWS);
  const row = (await ctx.conn.execute(`SELECT ${columns.map((c) => `count(${q(c)}) AS ${q(c)}`).join(', ')} FROM (${sample}) AS __tsdbt_sample`)).rows[0] ?? {};
  const counts = Object.values(row);
  return columns.filter((_c, i) => Number(counts[i] ?? 0) === 0);
}

function readSettings(seed: SeedNode): SeedSettings {
  const where = { file: seed.originalFilePath };
  const c = seed.config;
  const delimiter = c['delimiter'] ?? ',';
  if (typeof delimiter !== 'string' || [...delimiter].length !== 1) {
    throw new TsdbtError('config', `\`delimiter\` must be one character, got ${JSON.stringify(delimiter)}`, { location: where, hint: 'e.g. delimiter: ";" (a tab is "\\t")' });
  }
  if (delimiter === '"' || delimiter === '\n' || delimiter === '\r') throw new TsdbtError('config', `\`delimiter\` cannot be ${JSON.stringify(delimiter)}`, { location: where });
  const quote = c['quote_columns'];
  if (quote !== undefined && quote !== null && typeof quote !== 'boolean') throw new TsdbtError('config', `\`quote_columns\` must be true or false, got ${JSON.stringify(quote)}`, { location: where });
  const raw = c['column_types'] ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) throw new TsdbtError('config', '`column_types` must be a mapping of column names to types', { location: where, hint: 'e.g. column_types: {zipcode: varchar(5)}' });
  const columnTypes: Record<string, string> = {};
  for (const [name, type] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof type !== 'string' || !type.trim()) throw new TsdbtError('config', `\`column_types.${name}\` must be a type name, got ${JSON.stringify(type)}`, { location: where });
    columnTypes[name] = type.trim();
  }
  // dbt quotes seed columns unless told not to (its base adapter's default).
  return { delimiter, columnTypes, quoteColumns: quote !== false, notes: [] };
}

/** Keep the column_types that name a header column exactly (dbt matches case-sensitively and ignores the rest), noting the others. */
function withHeader(settings: SeedSettings, header: readonly string[]): SeedSettings {
  const names = new Set(header);
  const columnTypes: Record<string, string> = {};
  const notes: string[] = [];
  for (const [name, type] of Object.entries(settings.columnTypes)) {
    if (names.has(name)) columnTypes[name] = type;
    else {
      const hint = didYouMean(name, header);
      notes.push(`column_types: no column \`${name}\`${hint ? `, ${hint}` : ''}`);
    }
  }
  return { ...settings, columnTypes, notes };
}

function describeFailure(e: unknown, ctx: NodeRunContext, seed: SeedNode, file: string, delimiter: string): TsdbtError {
  if (e instanceof TsdbtError) return e;
  const message = (e as Error).message;
  const kept = ctx.relations.get(seed.relation!) ? `${ctx.dialect.relationName(seed.relation!)} is unchanged` : undefined;
  if (!(e instanceof LoadError)) return new TsdbtError('database', message, { location: { file: seed.originalFilePath }, hint: kept });
  const info = ctx.dialect.explainCsvError?.(message);
  // Without a line from the engine, find the malformed row ourselves (error path only: reads the whole file).
  const problem = info?.line === undefined ? findCsvProblem(file, delimiter) : undefined;
  const line = problem?.line ?? info?.line;
  const reason = problem?.reason ?? info?.reason ?? message;
  return new TsdbtError(problem || info ? 'project' : 'database', reason, { location: { file: seed.originalFilePath, line }, hint: kept });
}
