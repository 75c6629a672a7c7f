// Seeds as a plan: how a CSV file gets into its table, as data. Two ways in (the adapter decides by
// what it offers: a query that reads the file, or a connection that copies it) and two modes:
//  - create: load into `<name>__tsdbt_tmp` (copy path: columns typed from a sample of the file when
//    the connection checks them while copying), type the text columns, swap it in (first load,
//    --full-refresh / `full_refresh: true`, or a header that no longer matches the table);
//  - reload: dbt's truncate + insert into the existing table, which keeps its column types (as in
//    dbt, changed `column_types` need --full-refresh) and the table itself (grants, dependants).
// Either runs in one transaction where DDL is transactional: a bad file leaves the table as it was.
import { shouldFullRefresh } from './incremental.js';
import type { ColumnMeta, CsvReadOptions, Dialect, RelationRef, SeedColumnKind } from '../../adapter/types.js';
import type { NodeConfig } from '../../parse/nodes.js';
import { TEMP_SUFFIX, withSuffix, type ExistingState } from '../plan.js';
import { buildAndSwap } from './swap.js';

export type SeedStep =
  | { kind: 'sql'; sql: string; purpose: string }
  /** Connection.copyCsv of the file into `into`; `kinds`: the typed columns' kinds, checked while copying (CsvCopyOptions.kinds). */
  | { kind: 'copy'; into: RelationRef; kinds?: Readonly<Record<string, SeedColumnKind>> | undefined; purpose: string }
  /** Infer the kinds of the text columns of `rel` not in `except` (dialect.inferSeedKinds) and convert them. */
  | { kind: 'type-columns'; rel: RelationRef; except: readonly string[]; purpose: string };

export interface SeedPlan {
  mode: 'create' | 'reload';
  /** dbt's result code: `CREATE` when fully refreshed (or rebuilt for a new header), else `INSERT`. */
  code: 'CREATE' | 'INSERT';
  /** Why a create replaced an existing table without a full refresh. */
  reason?: string | undefined;
  steps: SeedStep[];
  /** Index of the step whose row count is the seed's. */
  rowsFrom: number;
}

export interface SeedPlanInput {
  target: RelationRef;
  /** Absolute path of the CSV file. */
  file: string;
  /** Column names from the file's header. */
  header: readonly string[];
  delimiter: string;
  /** `column_types` entries that name a header column exactly. */
  columnTypes: Readonly<Record<string, string>>;
  quoteColumns: boolean;
  fullRefresh: boolean;
  state: ExistingState & { existingColumns?: readonly ColumnMeta[] | undefined };
  /** Infer types from every row (a retry after a sampled type did not fit). */
  wholeFile?: boolean | undefined;
  /**
   * Copy path, create mode: the kinds of the file's first rows (sampleSeedKinds; columns with no value
   * there and `column_types` columns left out). Those columns are created with `seedTypes[kind]` and
   * not inferred afterwards; the copy checks every value of the typed ones.
   */
  kinds?: Readonly<Record<string, SeedColumnKind>> | undefined;
}

/** `full_refresh` config wins over the flag, as in dbt (same rule as incremental models). */
export const seedFullRefresh = shouldFullRefresh;

/** How the adapter loads files: by query (`selectFromCsv`) or by copy (`createTable` + `copyCsv`); undefined when it cannot. */
export function seedLoadPath(dialect: Dialect, canCopy: boolean): 'query' | 'copy' | undefined {
  if (dialect.selectFromCsv) return 'query';
  if (canCopy && dialect.createTable && dialect.seedTypes) return 'copy';
  return undefined;
}

export function planSeed(dialect: Dialect, path: 'query' | 'copy', input: SeedPlanInput): SeedPlan {
  const { target, state } = input;
  const sameColumns = state.existing === 'table' && sameNames(state.existingColumns ?? [], input.header);
  if (state.existing === 'table' && !input.fullRefresh && sameColumns) return planReload(dialect, path, input);

  const temp = withSuffix(target, TEMP_SUFFIX);
  const kinds = path === 'copy' ? (input.kinds ?? {}) : {};
  const read: CsvReadOptions = { delimiter: input.delimiter, header: true, columnTypes: input.columnTypes, wholeFile: input.wholeFile };
  const create =
    path === 'query'
      ? { sql: dialect.createTableAs(temp, dialect.selectFromCsv!(input.file, read)), purpose: 'load into temp' }
      : { sql: dialect.createTable!(temp, input.header.map((name) => ({ name, type: input.columnTypes[name] ?? dialect.seedTypes![kinds[name] ?? 'text'] })), { quoteColumns: input.quoteColumns }), purpose: 'create temp' };
  const swap = buildAndSwap(dialect, target, 'table', create, state);
  const at = swap.rowsFrom!;
  const steps: SeedStep[] = swap.statements.slice(0, at + 1).map((s) => ({ kind: 'sql', ...s }));
  if (path === 'copy') {
    const typed = Object.entries(kinds).filter(([, kind]) => kind !== 'text');
    steps.push({ kind: 'copy', into: temp, ...(typed.length > 0 ? { kinds: Object.fromEntries(typed) } : {}), purpose: 'load into temp' });
  }
  const rowsFrom = steps.length - 1;
  const except = [...Object.keys(input.columnTypes), ...Object.keys(kinds)];
  const settled = new Set(except);
  if (input.header.some((name) => !settled.has(name))) steps.push({ kind: 'type-columns', rel: temp, except, purpose: 'type text columns' });
  for (const s of swap.statements.slice(at + 1)) steps.push({ kind: 'sql', ...s });
  const rebuilt = state.existing === 'table' && !input.fullRefresh;
  return {
    mode: 'create',
    code: input.fullRefresh || rebuilt ? 'CREATE' : 'INSERT',
    reason: rebuilt ? 'the columns changed' : undefined,
    steps,
    rowsFrom,
  };
}

function planReload(dialect: Dialect, path: 'query' | 'copy', input: SeedPlanInput): SeedPlan {
  const { target } = input;
  const steps: SeedStep[] = (input.state.leftovers ?? []).map((l) => ({ kind: 'sql', sql: dialect.dropRelation({ ...target, identifier: l.identifier }, l.kind), purpose: 'drop leftover' }));
  steps.push({ kind: 'sql', sql: `DELETE FROM ${dialect.relationName(target)}`, purpose: 'truncate' });
  if (path === 'query') {
    // Read with the table's own types, so a value that does not fit fails in the reader, with its line.
    const columnTypes = Object.fromEntries((input.state.existingColumns ?? []).map((c) => [c.name, c.type]));
    const select = dialect.selectFromCsv!(input.file, { delimiter: input.delimiter, header: true, columnTypes });
    steps.push({ kind: 'sql', sql: `INSERT INTO ${dialect.relationName(target)}\n${select}`, purpose: 'insert rows' });
  } else {
    steps.push({ kind: 'copy', into: target, purpose: 'insert rows' });
  }
  return { mode: 'reload', code: 'INSERT', steps, rowsFrom: steps.length - 1 };
}

function sameNames(columns: readonly ColumnMeta[], header: readonly string[]): boolean {
  return columns.length === header.length && columns.every((c, i) => c.name === header[i]);
}
