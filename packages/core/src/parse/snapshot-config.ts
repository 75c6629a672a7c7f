// A snapshot's config read the way dbt reads it: strategy, unique_key, updated_at / check_cols,
// hard deletes and the names of the meta columns. Checked at parse time, used again by the plan.
import { TsdbtError } from '../errors.js';
import type { NodeConfig } from './nodes.js';

export type SnapshotStrategy = 'timestamp' | 'check';
export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

/** Names of the columns a snapshot adds (`snapshot_meta_column_names` renames them). */
export interface SnapshotMetaColumns {
  dbt_scd_id: string;
  dbt_updated_at: string;
  dbt_valid_from: string;
  dbt_valid_to: string;
  /** Only with `hard_deletes: new_record`. */
  dbt_is_deleted: string;
}

export const DEFAULT_META_COLUMNS: Readonly<SnapshotMetaColumns> = Object.freeze({
  dbt_scd_id: 'dbt_scd_id',
  dbt_updated_at: 'dbt_updated_at',
  dbt_valid_from: 'dbt_valid_from',
  dbt_valid_to: 'dbt_valid_to',
  dbt_is_deleted: 'dbt_is_deleted',
});

export interface SnapshotSpec {
  strategy: SnapshotStrategy;
  /** SQL expressions over the snapshot query's columns (usually plain column names), as in dbt. */
  uniqueKey: string[];
  /** `unique_key` was written as a list (dbt then names the helper columns dbt_unique_key_1 …). */
  uniqueKeyIsList: boolean;
  /** timestamp: the `updated_at` expression; check: the optional `updated_at` (else the run's time). */
  updatedAt?: string | undefined;
  /** check: `all` or the listed column names. */
  checkCols?: 'all' | string[] | undefined;
  hardDeletes: HardDeletes;
  columns: SnapshotMetaColumns;
  /** `dbt_valid_to_current`: SQL for the valid_to of current rows instead of NULL. */
  validToCurrent?: string | undefined;
}

const STRATEGIES: readonly SnapshotStrategy[] = ['timestamp', 'check'];
const HARD_DELETES: readonly HardDeletes[] = ['ignore', 'invalidate', 'new_record'];

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Read and check a snapshot's config. Throws a `config` TsdbtError (without location) when it is unusable. */
export function resolveSnapshotSpec(config: NodeConfig): SnapshotSpec {
  const strategy = config.strategy;
  if (strategy === undefined || strategy === null) {
    throw new TsdbtError('config', 'a snapshot needs a `strategy`: timestamp or check', { hint: "e.g. config(strategy='timestamp', unique_key='id', updated_at='updated_at')" });
  }
  if (!STRATEGIES.includes(strategy as SnapshotStrategy)) {
    throw new TsdbtError('config', `snapshot strategy \`${String(strategy)}\` is not supported`, { hint: 'use timestamp (with updated_at) or check (with check_cols)' });
  }

  const rawKey = config.unique_key;
  const uniqueKeyIsList = Array.isArray(rawKey);
  const uniqueKey = (uniqueKeyIsList ? rawKey : rawKey === undefined || rawKey === null ? [] : [rawKey]) as unknown[];
  if (uniqueKey.length === 0 || !uniqueKey.every(nonEmpty)) {
    throw new TsdbtError('config', 'a snapshot needs a `unique_key`: a column, or a list of columns', { hint: "e.g. unique_key='id' or unique_key=['order_id', 'line']" });
  }

  const spec: SnapshotSpec = {
    strategy: strategy as SnapshotStrategy,
    uniqueKey: uniqueKey.map((k) => k.trim()),
    uniqueKeyIsList,
    hardDeletes: hardDeletesOf(config),
    columns: metaColumnsOf(config.snapshot_meta_column_names),
  };

  const updatedAt = config.updated_at;
  if (updatedAt !== undefined && updatedAt !== null && !nonEmpty(updatedAt)) throw new TsdbtError('config', '`updated_at` must be a column name');
  if (nonEmpty(updatedAt)) spec.updatedAt = updatedAt.trim();
  if (spec.strategy === 'timestamp' && !spec.updatedAt) {
    throw new TsdbtError('config', 'the timestamp strategy needs `updated_at`: the column that changes when a row changes', { hint: "e.g. updated_at='updated_at', or use strategy='check' with check_cols" });
  }
  if (spec.strategy === 'check') {
    const cols = config.check_cols;
    if (cols === 'all') spec.checkCols = 'all';
    else if (Array.isArray(cols) && cols.length > 0 && cols.every(nonEmpty)) spec.checkCols = cols.map((c) => c.trim());
    else if (nonEmpty(cols)) spec.checkCols = [cols.trim()];
    else throw new TsdbtError('config', 'the check strategy needs `check_cols`: a list of columns, or "all"', { hint: "e.g. check_cols=['status', 'amount'] or check_cols='all'" });
  }

  const current = config.dbt_valid_to_current;
  if (current !== undefined && current !== null) {
    if (!nonEmpty(current)) throw new TsdbtError('config', '`dbt_valid_to_current` must be a SQL expression', { hint: "e.g. dbt_valid_to_current=\"'9999-12-31'::date\"" });
    spec.validToCurrent = current.trim();
  }
  return spec;
}

/** dbt's get_hard_deletes_behavior: the legacy flag and the enum cannot both be set. */
function hardDeletesOf(config: NodeConfig): HardDeletes {
  const legacy = config.invalidate_hard_deletes;
  const mode = config.hard_deletes;
  const set = (v: unknown) => v !== undefined && v !== null;
  if (set(legacy) && set(mode)) {
    throw new TsdbtError('config', 'set either `hard_deletes` or the legacy `invalidate_hard_deletes`, not both', { hint: 'invalidate_hard_deletes: true is hard_deletes: invalidate' });
  }
  if (set(legacy)) return legacy === true || legacy === 'true' || legacy === 'True' ? 'invalidate' : 'ignore';
  if (!set(mode)) return 'ignore';
  if (!HARD_DELETES.includes(mode as HardDeletes)) {
    throw new TsdbtError('config', `\`hard_deletes: ${String(mode)}\` is not valid`, { hint: 'use ignore, invalidate or new_record' });
  }
  return mode as HardDeletes;
}

function metaColumnsOf(raw: unknown): SnapshotMetaColumns {
  const columns: SnapshotMetaColumns = { ...DEFAULT_META_COLUMNS };
  if (raw === undefined || raw === null) return columns;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new TsdbtError('config', '`snapshot_meta_column_names` must be a mapping', { hint: "e.g. {dbt_valid_from: 'valid_from', dbt_valid_to: 'valid_to'}" });
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in DEFAULT_META_COLUMNS)) {
      throw new TsdbtError('config', `\`snapshot_meta_column_names\` has an unknown key \`${key}\``, { hint: `keys are ${Object.keys(DEFAULT_META_COLUMNS).join(', ')}` });
    }
    if (value === undefined || value === null) continue;
    if (!nonEmpty(value)) throw new TsdbtError('config', `\`snapshot_meta_column_names.${key}\` must be a column name`);
    columns[key as keyof SnapshotMetaColumns] = value.trim();
  }
  const names = Object.values(columns).map((n) => n.toLowerCase());
  if (new Set(names).size !== names.length) throw new TsdbtError('config', '`snapshot_meta_column_names` gives two meta columns the same name');
  return columns;
}
