// Incremental models, as dbt defines them. A first run (or a full refresh) builds a table through
// temp + swap. Later runs build the model's new rows into a temp table, reconcile the target's
// columns with it (on_schema_change), then apply them with the strategy (append, merge,
// delete+insert) and drop the temp table. The two halves are split because the second one depends
// on the temp table's columns, which only the warehouse knows: the caller runs `build`, reads the
// columns of both tables, then runs `apply(columns)` — all in one transaction.
import type { ColumnMeta, Dialect, RelationRef } from '../../adapter/types.js';
import { didYouMean, TsdbtError } from '../../errors.js';
import type { NodeConfig } from '../../parse/nodes.js';
import { TEMP_SUFFIX, withSuffix, type ExistingState, type MaterializationPlan, type Statement } from '../plan.js';
import { buildAndSwap } from './swap.js';

export const INCREMENTAL_STRATEGIES = ['append', 'merge', 'delete+insert'] as const;
export type IncrementalStrategy = (typeof INCREMENTAL_STRATEGIES)[number];
export const ON_SCHEMA_CHANGE = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;
export type OnSchemaChange = (typeof ON_SCHEMA_CHANGE)[number];

/**
 * DuckDB's default, as in dbt-duckdb: delete+insert, which without a `unique_key` only inserts
 * (the same as append).
 */
export const DEFAULT_INCREMENTAL_STRATEGY: IncrementalStrategy = 'delete+insert';

export interface IncrementalConfig {
  strategy: IncrementalStrategy;
  /** Key columns; empty when the model has no `unique_key`. */
  uniqueKey: string[];
  onSchemaChange: OnSchemaChange;
  /** Raw SQL; may refer to `DBT_INTERNAL_DEST` and `DBT_INTERNAL_SOURCE`. */
  predicates: string[];
}

/** dbt's should_full_refresh(): the model's `full_refresh` config wins over the --full-refresh flag. */
export function shouldFullRefresh(config: NodeConfig, fullRefreshFlag: boolean): boolean {
  const own = config['full_refresh'];
  return own === undefined || own === null ? fullRefreshFlag : own === true;
}

/** Read and check the incremental config keys of a model; errors name the model's file. */
export function readIncrementalConfig(config: NodeConfig, file: string): IncrementalConfig {
  const fail = (message: string, hint?: string) => new TsdbtError('config', message, { location: { file }, hint });

  const rawStrategy = config['incremental_strategy'] ?? DEFAULT_INCREMENTAL_STRATEGY;
  if (rawStrategy === 'microbatch') throw fail('incremental_strategy `microbatch` is not supported yet', `use one of ${INCREMENTAL_STRATEGIES.join(', ')}`);
  if (typeof rawStrategy !== 'string' || !(INCREMENTAL_STRATEGIES as readonly string[]).includes(rawStrategy)) {
    throw fail(`unknown incremental_strategy \`${String(rawStrategy)}\``, didYouMean(String(rawStrategy), INCREMENTAL_STRATEGIES) ?? `use one of ${INCREMENTAL_STRATEGIES.join(', ')}`);
  }

  const rawOsc = config['on_schema_change'] ?? 'ignore';
  if (typeof rawOsc !== 'string' || !(ON_SCHEMA_CHANGE as readonly string[]).includes(rawOsc)) {
    throw fail(`unknown on_schema_change \`${String(rawOsc)}\``, didYouMean(String(rawOsc), ON_SCHEMA_CHANGE) ?? `use one of ${ON_SCHEMA_CHANGE.join(', ')}`);
  }

  const rawKey = config['unique_key'];
  const keys = rawKey === undefined || rawKey === null ? [] : Array.isArray(rawKey) ? rawKey : [rawKey];
  if (!keys.every((k): k is string => typeof k === 'string' && k.trim() !== '')) throw fail('unique_key must be a column name or a list of column names');

  const rawPredicates = config['incremental_predicates'];
  const predicates = rawPredicates === undefined || rawPredicates === null ? [] : Array.isArray(rawPredicates) ? rawPredicates : [rawPredicates];
  if (!predicates.every((p): p is string => typeof p === 'string')) throw fail('incremental_predicates must be a list of SQL strings');

  return { strategy: rawStrategy as IncrementalStrategy, uniqueKey: keys.map((k) => k.trim()), onSchemaChange: rawOsc as OnSchemaChange, predicates };
}

/** First run, full refresh, or a view in the way: build the table like a `table` model. */
export function planIncrementalRebuild(dialect: Dialect, target: RelationRef, sql: string, state: ExistingState): MaterializationPlan {
  const temp = withSuffix(target, TEMP_SUFFIX);
  return buildAndSwap(dialect, target, 'table', { sql: dialect.createTableAs(temp, sql), purpose: 'create table' }, state);
}

export interface SchemaChanges {
  /** In the model's new rows, not in the target. */
  added: ColumnMeta[];
  /** In the target, not in the model's new rows. */
  removed: ColumnMeta[];
  /** In both, with a different type: `from` is the target's, `to` the new rows'. */
  retyped: Array<{ name: string; from: string; to: string }>;
}

// Column names compare case-insensitively: DuckDB identifiers are case-insensitive even when quoted,
// and dbt projects rarely rely on two columns that differ only in case.
const norm = (name: string) => name.toLowerCase();

export function diffColumns(source: readonly ColumnMeta[], target: readonly ColumnMeta[]): SchemaChanges {
  const inTarget = new Map(target.map((c) => [norm(c.name), c]));
  const inSource = new Set(source.map((c) => norm(c.name)));
  const retyped: SchemaChanges['retyped'] = [];
  for (const c of source) {
    const t = inTarget.get(norm(c.name));
    if (t && norm(t.type) !== norm(c.type)) retyped.push({ name: t.name, from: t.type, to: c.type });
  }
  return {
    added: source.filter((c) => !inTarget.has(norm(c.name))),
    removed: target.filter((c) => !inSource.has(norm(c.name))),
    retyped,
  };
}

export function hasChanges(changes: SchemaChanges): boolean {
  return changes.added.length + changes.removed.length + changes.retyped.length > 0;
}

export interface IncrementalApply {
  statements: Statement[];
  /** Index of the statement whose row count is the node's `rows` figure. */
  rowsFrom: number;
  /** `INSERT` or `MERGE`, for the node's message. */
  verb: 'INSERT' | 'MERGE';
  changes: SchemaChanges;
}

export interface IncrementalRunPlan {
  /** Where the new rows are built. */
  temp: RelationRef;
  /** Drop leftovers of an interrupted build, then create the temp table from the model's SQL. */
  build: Statement[];
  /**
   * Given the columns of the temp table and the target (and whether the new rows' keys are free of
   * NULLs, when known): what to run next. Pure; throws TsdbtError.
   */
  apply(columns: { temp: readonly ColumnMeta[]; target: readonly ColumnMeta[]; nullFreeKeys?: boolean | undefined }): IncrementalApply;
}

export interface IncrementalModel {
  /** For messages: the model's name and file. */
  name: string;
  file: string;
  sql: string;
  config: IncrementalConfig;
}

/** An incremental run onto an existing table. */
export function planIncremental(dialect: Dialect, target: RelationRef, model: IncrementalModel, state: ExistingState): IncrementalRunPlan {
  const temp = withSuffix(target, TEMP_SUFFIX);
  const build: Statement[] = (state.leftovers ?? []).map((l) => ({ sql: dialect.dropRelation({ ...target, identifier: l.identifier }, l.kind), purpose: 'drop leftover' }));
  build.push({ sql: dialect.createTableAs(temp, model.sql), purpose: 'create temp' });
  return { temp, build, apply: (columns) => planApply(dialect, target, temp, model, columns.temp, columns.target, columns.nullFreeKeys === true) };
}

function planApply(dialect: Dialect, target: RelationRef, temp: RelationRef, model: IncrementalModel, tempCols: readonly ColumnMeta[], targetCols: readonly ColumnMeta[], nullFreeKeys: boolean): IncrementalApply {
  const { config } = model;
  const where = dialect.relationName(target);
  const fail = (message: string, hint: string) => new TsdbtError('config', message, { location: { file: model.file }, hint });
  if (tempCols.length === 0) throw new Error(`internal: no columns found for ${dialect.relationName(temp)}`);
  if (targetCols.length === 0) throw new Error(`internal: no columns found for ${where}`);

  const changes = diffColumns(tempCols, targetCols);
  const statements: Statement[] = [];
  // The columns written: the target's (ignore), or the new rows' once the target has them all.
  let columns: string[];
  switch (config.onSchemaChange) {
    case 'ignore': {
      if (changes.removed.length > 0) {
        throw fail(
          `incremental model \`${model.name}\`: ${where} has column(s) the model no longer returns: ${names(changes.removed)}`,
          'set on_schema_change to append_new_columns or sync_all_columns, or rebuild it with --full-refresh',
        );
      }
      columns = targetCols.map((c) => c.name);
      break;
    }
    case 'fail': {
      if (hasChanges(changes)) throw fail(schemaChangeMessage(model.name, where, changes), 'set on_schema_change to append_new_columns or sync_all_columns, or rebuild it with --full-refresh');
      columns = targetCols.map((c) => c.name);
      break;
    }
    case 'append_new_columns':
    case 'sync_all_columns': {
      for (const c of changes.added) statements.push({ sql: dialect.addColumn(target, c), purpose: `add column ${c.name}` });
      if (config.onSchemaChange === 'sync_all_columns') {
        for (const c of changes.removed) statements.push({ sql: dialect.dropColumn(target, c.name), purpose: `drop column ${c.name}` });
        for (const c of changes.retyped) statements.push({ sql: dialect.alterColumnType(target, c.name, c.to), purpose: `alter column ${c.name}` });
      }
      columns = tempCols.map((c) => c.name);
      break;
    }
  }

  // Key columns must be on both sides (named as the target names them).
  const targetByName = new Map(targetCols.map((c) => [norm(c.name), c.name]));
  const tempNames = new Set(tempCols.map((c) => norm(c.name)));
  const missingKeys = config.uniqueKey.filter((k) => !tempNames.has(norm(k)) || !targetByName.has(norm(k)));
  if (missingKeys.length > 0) {
    throw fail(`incremental model \`${model.name}\`: unique_key column(s) ${missingKeys.map((k) => `\`${k}\``).join(', ')} not found in both the model's results and ${where}`, 'unique_key must name columns the model returns');
  }
  const uniqueKey = config.uniqueKey.map((k) => targetByName.get(norm(k))!);
  const keySet = new Set(uniqueKey.map(norm));
  // A key column whose type changed keeps the table's type (ignore, append_new_columns): the new rows
  // get that type too (without length or precision, which would truncate), so keys compare
  // like-typed — Postgres's hashable key match needs it (see PostgresDialect.matchCondition).
  if (config.onSchemaChange !== 'sync_all_columns') {
    const tempByName = new Map(tempCols.map((c) => [norm(c.name), c.name]));
    for (const c of changes.retyped) {
      if (!keySet.has(norm(c.name)) || norm(withoutModifiers(c.from)) === norm(withoutModifiers(c.to))) continue;
      statements.push({ sql: dialect.alterColumnType(temp, tempByName.get(norm(c.name))!, withoutModifiers(c.from)), purpose: `align key column ${c.name}` });
    }
  }

  const strategy = config.strategy === 'merge' && !dialect.capabilities.merge ? 'delete+insert' : config.strategy;
  let rowsFrom: number;
  let verb: IncrementalApply['verb'] = 'INSERT';
  if (strategy === 'merge') {
    const updateColumns = columns.filter((c) => !keySet.has(norm(c)));
    rowsFrom = statements.length;
    statements.push({ sql: dialect.merge(target, temp, { uniqueKey, columns, updateColumns, predicates: config.predicates, nullFreeSourceKeys: nullFreeKeys }), purpose: 'merge' });
    verb = 'MERGE';
  } else {
    // delete+insert without a unique_key only inserts, as in dbt.
    if (strategy === 'delete+insert' && uniqueKey.length > 0) {
      statements.push({ sql: dialect.deleteMatching(target, temp, { uniqueKey, predicates: config.predicates, nullFreeSourceKeys: nullFreeKeys }), purpose: 'delete matching' });
    }
    rowsFrom = statements.length;
    statements.push({ sql: dialect.insertInto(target, temp, columns), purpose: 'insert' });
  }
  statements.push({ sql: dialect.dropRelation(temp, 'table'), purpose: 'drop temp' });
  return { statements, rowsFrom, verb, changes };
}

/** `character varying(20)` → `character varying`, `timestamp(3) without time zone` → `timestamp without time zone`. */
function withoutModifiers(type: string): string {
  return type.replace(/\(\s*\d+(?:\s*,\s*\d+)?\s*\)/g, '').replace(/\s+/g, ' ').trim();
}

function names(cols: ReadonlyArray<{ name: string }>): string {
  return cols.map((c) => c.name).join(', ');
}

/** dbt's "source and target schemas are out of sync" error, listing every difference. */
export function schemaChangeMessage(model: string, where: string, changes: SchemaChanges): string {
  const lines = [`incremental model \`${model}\`: the model's columns and ${where} are out of sync (on_schema_change: fail)`];
  if (changes.added.length > 0) lines.push(`  columns in the model, not in the table: ${changes.added.map((c) => `${c.name} (${c.type})`).join(', ')}`);
  if (changes.removed.length > 0) lines.push(`  columns in the table, not in the model: ${changes.removed.map((c) => `${c.name} (${c.type})`).join(', ')}`);
  if (changes.retyped.length > 0) lines.push(`  changed types: ${changes.retyped.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}`);
  return lines.join('\n');
}
