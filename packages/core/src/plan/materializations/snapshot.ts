// Snapshots (SCD Type 2) as statements, following dbt's snapshot materialization:
// - first run: `select *, scd_id, updated_at, valid_from, valid_to` built under a temp name, swapped in;
// - later runs: a staging table of changes (dbt's snapshot_staging_table: inserts, updates, deletes
//   and, for hard_deletes new_record, deletion records), new query columns added to the table, current
//   rows closed (valid_to set) and new versions inserted — all in one transaction.
// Pure: the caller passes the columns of the query and of the table; the dialect supplies the SQL
// that differs between warehouses (names, time, CTAS, DDL).
import type { ColumnMeta, Dialect, RelationRef } from '../../adapter/types.js';
import { TsdbtError } from '../../errors.js';
import type { SnapshotSpec } from '../../parse/snapshot-config.js';
import { TEMP_SUFFIX, withSuffix, type ExistingState, type MaterializationPlan, type Statement } from '../plan.js';
import { buildAndSwap } from './swap.js';

export const STAGING_SUFFIX = '__tsdbt_staging';
/** Staging-only columns (never inserted into the snapshot). */
export const CHANGE_TYPE_COLUMN = 'dbt_change_type';

/** What the warehouse reports for a snapshot's inputs. */
export interface SnapshotInputs {
  /** Columns of the snapshot query (its compiled SQL), in order. */
  queryColumns: readonly ColumnMeta[];
  /** Columns of the existing snapshot table, in order. */
  targetColumns: readonly ColumnMeta[];
}

export interface SnapshotMergePlan {
  statements: Statement[];
  /** Index of the statement closing current rows (its row count is the versions closed). */
  updateIndex: number;
  /** Index of the statement inserting new versions. */
  insertIndex: number;
  /** Columns added to the table for new query columns. */
  addedColumns: string[];
}

/** dbt's helper key columns: dbt_unique_key, or dbt_unique_key_1 … for a list. */
export function uniqueKeyColumns(spec: SnapshotSpec): string[] {
  return spec.uniqueKeyIsList ? spec.uniqueKey.map((_, i) => `dbt_unique_key_${i + 1}`) : ['dbt_unique_key'];
}

/** The compiled select as a subquery body (a trailing `;` would end the statement early). */
function bare(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

const lower = (s: string) => s.toLowerCase();

/** SQL for one snapshot: names and expressions shared by the first build and later runs. */
class SnapshotSql {
  readonly q: (id: string) => string;
  readonly keys: string[];
  constructor(
    readonly dialect: Dialect,
    readonly spec: SnapshotSpec,
  ) {
    this.q = (id) => dialect.quoteIdentifier(id);
    this.keys = uniqueKeyColumns(spec);
  }

  col(name: keyof SnapshotSpec['columns']): string {
    return this.q(this.spec.columns[name]);
  }

  /** The time a version starts: the updated_at expression, or the run's time for the check strategy. */
  get updatedAt(): string {
    return this.spec.strategy === 'timestamp' ? this.spec.updatedAt! : (this.spec.updatedAt ?? this.dialect.snapshotTime());
  }

  /** dbt's snapshot_hash_arguments: md5 of the arguments cast to text, joined by `|`. */
  hash(args: readonly string[]): string {
    return `md5(${args.map((a) => `coalesce(cast(${a} as varchar), '')`).join(` || '|' || `)})`;
  }

  get scdId(): string {
    return this.hash([...this.spec.uniqueKey, this.updatedAt]);
  }

  /** valid_to of a current row: NULL typed like updated_at, or dbt_valid_to_current. */
  get validToCurrent(): string {
    return `coalesce(nullif(${this.updatedAt}, ${this.updatedAt}), ${this.spec.validToCurrent ?? 'null'})`;
  }

  isCurrent(alias?: string): string {
    const vt = `${alias ? `${alias}.` : ''}${this.col('dbt_valid_to')}`;
    return this.spec.validToCurrent ? `(${vt} = ${this.spec.validToCurrent} or ${vt} is null)` : `${vt} is null`;
  }

  keyFields(): string {
    return this.spec.uniqueKey.map((k, i) => `${k} as ${this.q(this.keys[i]!)}`).join(', ');
  }

  keysJoin(a: string, b: string): string {
    return this.keys.map((k) => `${a}.${this.q(k)} = ${b}.${this.q(k)}`).join(' and ');
  }

  keyIsNull(alias: string): string {
    return `${alias}.${this.q(this.keys[0]!)} is null`;
  }

  str(value: string): string {
    return this.dialect.stringLiteral(value);
  }

  isDeleted(alias: string): string {
    return `${alias}.${this.col('dbt_is_deleted')} = ${this.str('True')}`;
  }
}

/** dbt's build_snapshot_table: the query plus the meta columns, every row current. */
export function snapshotTableSql(dialect: Dialect, spec: SnapshotSpec, sql: string): string {
  const s = new SnapshotSql(dialect, spec);
  const cols = [
    `${s.scdId} as ${s.col('dbt_scd_id')}`,
    `${s.updatedAt} as ${s.col('dbt_updated_at')}`,
    `${s.updatedAt} as ${s.col('dbt_valid_from')}`,
    `${s.validToCurrent} as ${s.col('dbt_valid_to')}`,
  ];
  if (spec.hardDeletes === 'new_record') cols.push(`${s.str('False')} as ${s.col('dbt_is_deleted')}`);
  return `select *,\n  ${cols.join(',\n  ')}\nfrom (\n${bare(sql)}\n) as sbq`;
}

/** First run: build the table under the temp name, then swap it in. */
export function planSnapshotCreate(dialect: Dialect, target: RelationRef, sql: string, spec: SnapshotSpec, state: ExistingState): MaterializationPlan {
  const create = { sql: dialect.createTableAs(withSuffix(target, TEMP_SUFFIX), snapshotTableSql(dialect, spec, sql)), purpose: 'create snapshot' };
  return buildAndSwap(dialect, target, 'table', create, state);
}

/** dbt's assert_valid_snapshot_target_given_strategy: the table must have the meta columns. */
export function checkSnapshotTarget(spec: SnapshotSpec, target: RelationRef, targetColumns: readonly ColumnMeta[]): void {
  const have = new Set(targetColumns.map((c) => lower(c.name)));
  const needed = [spec.columns.dbt_scd_id, spec.columns.dbt_valid_from, spec.columns.dbt_valid_to];
  if (spec.hardDeletes === 'new_record') needed.push(spec.columns.dbt_is_deleted);
  const missing = needed.filter((c) => !have.has(lower(c)));
  if (missing.length === 0) return;
  const hint =
    spec.hardDeletes === 'new_record' && missing.length === 1 && missing[0] === spec.columns.dbt_is_deleted
      ? `hard_deletes: new_record needs a \`${spec.columns.dbt_is_deleted}\` column: add it (ALTER TABLE … ADD COLUMN ${spec.columns.dbt_is_deleted} VARCHAR) or rebuild the snapshot`
      : 'check snapshot_meta_column_names, or drop the table to rebuild the snapshot';
  throw new TsdbtError('database', `${target.schema}.${target.identifier} is not a snapshot table: it has no ${missing.map((m) => `\`${m}\``).join(', ')} column`, { hint });
}

/** The check strategy's columns, spelled as the query spells them; `added` when one is not in the table yet. */
function checkColumns(spec: SnapshotSpec, inputs: SnapshotInputs): { columns: string[]; added: boolean } {
  const query = new Map(inputs.queryColumns.map((c) => [lower(c.name), c.name]));
  const wanted = spec.checkCols === 'all' ? inputs.queryColumns.map((c) => c.name) : (spec.checkCols ?? []);
  const columns = wanted.map((w) => {
    const name = query.get(lower(w));
    if (name === undefined) {
      throw new TsdbtError('config', `check_cols names \`${w}\`, which is not a column of the snapshot query`, { hint: `the query has ${inputs.queryColumns.map((c) => c.name).join(', ')}` });
    }
    return name;
  });
  const inTable = new Set(inputs.targetColumns.map((c) => lower(c.name)));
  return { columns, added: columns.some((c) => !inTable.has(lower(c))) };
}

/** dbt's row_changed: timestamp compares valid_from with the new updated_at; check compares columns NULL-aware. */
function rowChanged(s: SnapshotSql, inputs: SnapshotInputs): string {
  if (s.spec.strategy === 'timestamp') return `(snapshotted_data.${s.col('dbt_valid_from')} < source_data.${s.col('dbt_valid_from')})`;
  const { columns, added } = checkColumns(s.spec, inputs);
  // A checked column new to the table: every row counts as changed (as in dbt).
  if (added) return '(TRUE)';
  const parts = columns.map((c) => {
    const [old, neu] = [`snapshotted_data.${s.q(c)}`, `source_data.${s.q(c)}`];
    return `${old} != ${neu} or ((${old} is null) and not (${neu} is null)) or ((not ${old} is null) and (${neu} is null))`;
  });
  return `(${parts.join('\n      or ')})`;
}

/**
 * dbt's snapshot_staging_table: one row per change, `dbt_change_type` insert / update / delete. Columns
 * are listed explicitly (query columns, helper keys, meta columns) so every branch of the union lines up.
 */
export function snapshotStagingSql(dialect: Dialect, target: RelationRef, sql: string, spec: SnapshotSpec, inputs: SnapshotInputs): string {
  const s = new SnapshotSql(dialect, spec);
  const { q } = s;
  const hd = spec.hardDeletes;
  const tracksDeletes = hd === 'invalidate' || hd === 'new_record';
  const newRecord = hd === 'new_record';
  const query = inputs.queryColumns.map((c) => c.name);
  const of = (alias: string, names: readonly string[]) => names.map((n) => `${alias}.${q(n)}`);
  const changed = rowChanged(s, inputs);
  const deletedOrChanged = newRecord ? `(${changed} or ${s.isDeleted('snapshotted_data')})` : changed;
  const notAlreadyDeleted = `not coalesce(${s.isDeleted('snapshotted_data')}, false)`;
  const meta = ['dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_scd_id'] as const;
  const fromSource = (names: readonly (typeof meta)[number][]) => names.map((m) => `source_data.${s.col(m)}`);
  const select = (parts: string[]) => `select\n    ${parts.join(',\n    ')}`;
  const now = dialect.snapshotTime();

  const ctes: Array<[string, string]> = [
    ['snapshot_query', bare(sql)],
    ['snapshotted_data', `select *, ${s.keyFields()}\n  from ${dialect.relationName(target)}\n  where ${s.isCurrent()}`],
    [
      'insertions_source_data',
      `select *, ${s.keyFields()},\n    ${s.updatedAt} as ${s.col('dbt_updated_at')},\n    ${s.updatedAt} as ${s.col('dbt_valid_from')},\n    ${s.validToCurrent} as ${s.col('dbt_valid_to')},\n    ${s.scdId} as ${s.col('dbt_scd_id')}\n  from snapshot_query`,
    ],
    [
      'updates_source_data',
      `select *, ${s.keyFields()},\n    ${s.updatedAt} as ${s.col('dbt_updated_at')},\n    ${s.updatedAt} as ${s.col('dbt_valid_from')},\n    ${s.updatedAt} as ${s.col('dbt_valid_to')}\n  from snapshot_query`,
    ],
  ];
  if (tracksDeletes) ctes.push(['deletes_source_data', `select *, ${s.keyFields()}\n  from snapshot_query`]);

  // New rows, and new versions of changed rows (or of rows that come back after a deletion record).
  ctes.push([
    'insertions',
    `${select([`${s.str('insert')} as ${q(CHANGE_TYPE_COLUMN)}`, ...of('source_data', query), ...of('source_data', s.keys), ...fromSource(meta), ...(newRecord ? [`${s.str('False')} as ${s.col('dbt_is_deleted')}`] : [])])}
  from insertions_source_data as source_data
  left outer join snapshotted_data on ${s.keysJoin('snapshotted_data', 'source_data')}
  where ${s.keyIsNull('snapshotted_data')}
    or (not ${s.keyIsNull('snapshotted_data')} and ${deletedOrChanged})`,
  ]);
  // Current versions that a new version replaces: closed at the new updated_at.
  ctes.push([
    'updates',
    `${select([`${s.str('update')} as ${q(CHANGE_TYPE_COLUMN)}`, ...of('source_data', query), ...of('source_data', s.keys), ...fromSource(['dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']), `snapshotted_data.${s.col('dbt_scd_id')}`, ...(newRecord ? [`snapshotted_data.${s.col('dbt_is_deleted')}`] : [])])}
  from updates_source_data as source_data
  join snapshotted_data on ${s.keysJoin('snapshotted_data', 'source_data')}
  where ${deletedOrChanged}`,
  ]);
  if (tracksDeletes) {
    // Current versions whose key left the query: closed at the run's time.
    ctes.push([
      'deletes',
      `${select([`${s.str('delete')} as ${q(CHANGE_TYPE_COLUMN)}`, ...of('source_data', query), ...of('source_data', s.keys), `${now} as ${s.col('dbt_updated_at')}`, `${now} as ${s.col('dbt_valid_from')}`, `${now} as ${s.col('dbt_valid_to')}`, `snapshotted_data.${s.col('dbt_scd_id')}`, ...(newRecord ? [`snapshotted_data.${s.col('dbt_is_deleted')}`] : [])])}
  from snapshotted_data
  left join deletes_source_data as source_data on ${s.keysJoin('snapshotted_data', 'source_data')}
  where ${s.keyIsNull('source_data')}${newRecord ? `\n    and ${notAlreadyDeleted}` : ''}`,
    ]);
  }
  if (newRecord) {
    // A deletion record: the last values, valid from the run's time, dbt_is_deleted = 'True'.
    const inTable = new Map(inputs.targetColumns.map((c) => [lower(c.name), c.name]));
    const last = query.map((c) => {
      const t = inTable.get(lower(c));
      return t === undefined ? `source_data.${q(c)}` : `snapshotted_data.${q(t)} as ${q(c)}`;
    });
    ctes.push([
      'deletion_records',
      `${select([`${s.str('insert')} as ${q(CHANGE_TYPE_COLUMN)}`, ...last, ...of('snapshotted_data', s.keys), `${now} as ${s.col('dbt_updated_at')}`, `${now} as ${s.col('dbt_valid_from')}`, `snapshotted_data.${s.col('dbt_valid_to')}`, `${s.hash([`snapshotted_data.${s.col('dbt_scd_id')}`, now])} as ${s.col('dbt_scd_id')}`, `${s.str('True')} as ${s.col('dbt_is_deleted')}`])}
  from snapshotted_data
  left join deletes_source_data as source_data on ${s.keysJoin('snapshotted_data', 'source_data')}
  where ${s.keyIsNull('source_data')}
    and ${notAlreadyDeleted}`,
    ]);
  }
  const branches = ['insertions', 'updates', ...(tracksDeletes ? ['deletes'] : []), ...(newRecord ? ['deletion_records'] : [])];
  return `with ${ctes.map(([name, body]) => `${name} as (\n  ${body}\n)`).join(',\n')}\n${branches.map((b) => `select * from ${b}`).join('\nunion all\n')}`;
}

/** Columns a later run writes: the query's, then the meta columns. */
export function snapshotInsertColumns(spec: SnapshotSpec, queryColumns: readonly ColumnMeta[]): string[] {
  const meta = [spec.columns.dbt_updated_at, spec.columns.dbt_valid_from, spec.columns.dbt_valid_to, spec.columns.dbt_scd_id];
  if (spec.hardDeletes === 'new_record') meta.push(spec.columns.dbt_is_deleted);
  return [...queryColumns.map((c) => c.name), ...meta];
}

/** Written columns the table does not have yet (a new query column, or dbt_updated_at on an old table). */
export function missingSnapshotColumns(spec: SnapshotSpec, inputs: SnapshotInputs): string[] {
  const have = new Set(inputs.targetColumns.map((c) => lower(c.name)));
  return snapshotInsertColumns(spec, inputs.queryColumns).filter((c) => !have.has(lower(c)));
}

/**
 * A later run, in order: stage the changes, add new columns, close replaced versions, insert new
 * ones, drop the staging table. `stagingColumns` (the staging query's columns) give the types of
 * missing meta columns; query columns take their type from the query.
 */
export function planSnapshotMerge(
  dialect: Dialect,
  target: RelationRef,
  sql: string,
  spec: SnapshotSpec,
  inputs: SnapshotInputs & { stagingColumns?: readonly ColumnMeta[] | undefined; stagingLeftover?: boolean | undefined },
): SnapshotMergePlan {
  checkSnapshotTarget(spec, target, inputs.targetColumns);
  const s = new SnapshotSql(dialect, spec);
  const { q } = s;
  const staging = withSuffix(target, STAGING_SUFFIX);
  const statements: Statement[] = [];
  if (inputs.stagingLeftover) statements.push({ sql: dialect.dropRelation(staging, 'table'), purpose: 'drop leftover staging' });
  statements.push({ sql: dialect.createTableAs(staging, snapshotStagingSql(dialect, target, sql, spec, inputs)), purpose: 'stage changes' });

  const typeOf = new Map([...(inputs.stagingColumns ?? []), ...inputs.queryColumns].map((c) => [lower(c.name), c.type]));
  const addedColumns = missingSnapshotColumns(spec, inputs);
  for (const name of addedColumns) {
    const type = typeOf.get(lower(name));
    if (type === undefined) throw new Error(`internal: no type known for snapshot column ${name}`);
    statements.push({ sql: dialect.addColumn(target, { name, type }), purpose: 'add column' });
  }

  const [DEST, SRC] = ['DBT_INTERNAL_DEST', 'DBT_INTERNAL_SOURCE'];
  const scd = s.col('dbt_scd_id');
  const updateIndex = statements.length;
  statements.push({
    sql: [
      `update ${dialect.relationName(target)} as ${DEST}`,
      `set ${s.col('dbt_valid_to')} = ${SRC}.${s.col('dbt_valid_to')}`,
      `from ${dialect.relationName(staging)} as ${SRC}`,
      `where ${SRC}.${scd} = ${DEST}.${scd}`,
      `  and ${SRC}.${q(CHANGE_TYPE_COLUMN)} in (${s.str('update')}, ${s.str('delete')})`,
      `  and ${s.isCurrent(DEST)}`,
    ].join('\n'),
    purpose: 'close replaced versions',
  });
  // Like dbt's merge `when not matched`: a version whose scd id is already in the table is not inserted again.
  const cols = snapshotInsertColumns(spec, inputs.queryColumns).map(q);
  const insertIndex = statements.length;
  statements.push({
    sql: [
      `insert into ${dialect.relationName(target)} (${cols.join(', ')})`,
      `select ${cols.map((c) => `${SRC}.${c}`).join(', ')}`,
      `from ${dialect.relationName(staging)} as ${SRC}`,
      `where ${SRC}.${q(CHANGE_TYPE_COLUMN)} = ${s.str('insert')}`,
      `  and not exists (select 1 from ${dialect.relationName(target)} as ${DEST} where ${DEST}.${scd} = ${SRC}.${scd})`,
    ].join('\n'),
    purpose: 'insert new versions',
  });
  statements.push({ sql: dialect.dropRelation(staging, 'table'), purpose: 'drop staging' });
  return { statements, updateIndex, insertIndex, addedColumns };
}
