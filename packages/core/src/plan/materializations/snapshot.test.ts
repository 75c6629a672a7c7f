import { describe, expect, it } from 'vitest';
import type { ColumnMeta, Dialect, RelationRef } from '../../adapter/types.js';
import { finalizeConfig } from '../../parse/config.js';
import { resolveSnapshotSpec } from '../../parse/snapshot-config.js';
import { planSnapshotCreate, planSnapshotMerge, snapshotStagingSql, snapshotTableSql } from './snapshot.js';

// Only what snapshot plans call; real dialects are exercised by tests/snapshots.test.ts.
const q = (id: string) => `"${id}"`;
const dialect = {
  name: 'stub',
  capabilities: { transactionalDdl: true, createOrReplace: true, merge: false },
  quoteIdentifier: q,
  relationName: (r: RelationRef) => `${q(r.schema)}.${q(r.identifier)}`,
  stringLiteral: (v: string) => `'${v}'`,
  createTableAs: (r: RelationRef, sql: string) => `CREATE TABLE ${q(r.schema)}.${q(r.identifier)} AS (${sql})`,
  renameRelation: (r: RelationRef, _k: string, to: string) => `RENAME ${r.identifier} TO ${to}`,
  dropRelation: (r: RelationRef) => `DROP ${r.identifier}`,
  addColumn: (r: RelationRef, c: ColumnMeta) => `ADD ${r.identifier}.${c.name} ${c.type}`,
  snapshotTime: () => 'NOW()',
} as unknown as Dialect;

const target = { schema: 'snap', identifier: 'orders' };
const spec = (raw: Record<string, unknown>) => resolveSnapshotSpec(finalizeConfig(raw, { materialized: 'snapshot' }));
const cols = (...names: string[]): ColumnMeta[] => names.map((name) => ({ name, type: name === 'id' ? 'INTEGER' : 'VARCHAR' }));
const TS = spec({ strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' });
const META = cols('dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to');

describe('snapshot plans', () => {
  it('first run: the query plus meta columns, built under the temp name and swapped in', () => {
    expect(snapshotTableSql(dialect, TS, 'select * from raw.orders;\n')).toBe(
      [
        'select *,',
        `  md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(updated_at as varchar), '')) as "dbt_scd_id",`,
        '  updated_at as "dbt_updated_at",',
        '  updated_at as "dbt_valid_from",',
        '  coalesce(nullif(updated_at, updated_at), null) as "dbt_valid_to"',
        'from (',
        'select * from raw.orders',
        ') as sbq',
      ].join('\n'),
    );
    const plan = planSnapshotCreate(dialect, target, 'select 1', TS, {});
    expect(plan.statements.map((s) => s.purpose)).toEqual(['create snapshot', 'swap in']);
    expect(plan.statements[0]!.sql).toMatch(/^CREATE TABLE "snap"."orders__tsdbt_tmp" AS/);
    const check = snapshotTableSql(dialect, spec({ strategy: 'check', unique_key: ['a', 'b'], check_cols: 'all', hard_deletes: 'new_record', dbt_valid_to_current: "'9999-12-31'" }), 'select 1');
    expect(check).toContain(`md5(coalesce(cast(a as varchar), '') || '|' || coalesce(cast(b as varchar), '') || '|' || coalesce(cast(NOW() as varchar), '')) as "dbt_scd_id"`);
    expect(check).toContain(`coalesce(nullif(NOW(), NOW()), '9999-12-31') as "dbt_valid_to"`);
    expect(check).toContain(`'False' as "dbt_is_deleted"`);
  });

  it('later runs: stage, add new columns, close, insert, drop — deletes only when hard deletes are tracked', () => {
    const inputs = { queryColumns: cols('id', 'status', 'updated_at', 'note'), targetColumns: [...cols('id', 'status', 'updated_at'), ...META] };
    const plan = planSnapshotMerge(dialect, target, 'select * from raw.orders', TS, inputs);
    expect(plan.statements.map((s) => s.purpose)).toEqual(['stage changes', 'add column', 'close replaced versions', 'insert new versions', 'drop staging']);
    expect(plan.statements[1]!.sql).toBe('ADD orders.note VARCHAR');
    expect(plan.addedColumns).toEqual(['note']);
    expect(plan.statements[plan.insertIndex]!.sql).toContain('insert into "snap"."orders" ("id", "status", "updated_at", "note", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_scd_id")');
    expect(plan.statements[plan.insertIndex]!.sql).toContain('not exists (select 1 from "snap"."orders" as DBT_INTERNAL_DEST where DBT_INTERNAL_DEST."dbt_scd_id" = DBT_INTERNAL_SOURCE."dbt_scd_id")');
    expect(plan.statements[plan.updateIndex]!.sql).toContain(`DBT_INTERNAL_SOURCE."dbt_change_type" in ('update', 'delete')`);

    const staged = (raw: Record<string, unknown>, targetColumns = inputs.targetColumns) => snapshotStagingSql(dialect, target, 'select 1', spec(raw), { ...inputs, targetColumns });
    const ignore = staged({ strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' });
    expect(ignore).toContain('(snapshotted_data."dbt_valid_from" < source_data."dbt_valid_from")');
    expect(ignore).not.toContain('deletes');
    expect(staged({ strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', hard_deletes: 'invalidate' })).toMatch(/deletes as \([\s\S]*union all\nselect \* from deletes$/);
    const newRecord = staged({ strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', hard_deletes: 'new_record' }, [...inputs.targetColumns, ...cols('dbt_is_deleted')]);
    expect(newRecord).toMatch(/select \* from deletes\nunion all\nselect \* from deletion_records$/);
    // The last values of a deleted row come from the table; a column the table lacks stays NULL.
    expect(newRecord).toContain('snapshotted_data."updated_at" as "updated_at",\n    source_data."note",\n    snapshotted_data."dbt_unique_key"');
  });

  it('check strategy: NULL-aware comparison of the checked columns; a checked column new to the table changes every row', () => {
    const check = spec({ strategy: 'check', unique_key: 'id', check_cols: ['STATUS'] });
    const sql = snapshotStagingSql(dialect, target, 'select 1', check, { queryColumns: cols('id', 'status'), targetColumns: [...cols('id', 'status'), ...META] });
    expect(sql).toContain('snapshotted_data."status" != source_data."status" or ((snapshotted_data."status" is null) and not (source_data."status" is null))');
    const added = snapshotStagingSql(dialect, target, 'select 1', spec({ strategy: 'check', unique_key: 'id', check_cols: 'all' }), { queryColumns: cols('id', 'status'), targetColumns: [...cols('id'), ...META] });
    expect(added).toContain('(TRUE)');
    expect(() => snapshotStagingSql(dialect, target, 'select 1', spec({ strategy: 'check', unique_key: 'id', check_cols: ['nope'] }), { queryColumns: cols('id'), targetColumns: META })).toThrow(/check_cols names `nope`/);
  });

  it('renamed meta columns are used everywhere, and a table without them is refused', () => {
    const renamed = spec({ strategy: 'timestamp', unique_key: 'id', updated_at: 'u', snapshot_meta_column_names: { dbt_valid_to: 'valid_to', dbt_scd_id: 'version' } });
    const plan = planSnapshotMerge(dialect, target, 'select 1', renamed, { queryColumns: cols('id', 'u'), targetColumns: cols('id', 'u', 'version', 'dbt_updated_at', 'dbt_valid_from', 'valid_to') });
    const all = plan.statements.map((s) => s.sql).join('\n');
    expect(all).toContain('set "valid_to" = DBT_INTERNAL_SOURCE."valid_to"');
    expect(all).not.toMatch(/dbt_valid_to|dbt_scd_id/);
    expect(() => planSnapshotMerge(dialect, target, 'select 1', renamed, { queryColumns: cols('id', 'u'), targetColumns: [...cols('id', 'u'), ...META] })).toThrow(/is not a snapshot table: it has no `version`, `valid_to` column/);
    const nr = spec({ strategy: 'timestamp', unique_key: 'id', updated_at: 'u', hard_deletes: 'new_record' });
    expect(() => planSnapshotMerge(dialect, target, 'select 1', nr, { queryColumns: cols('id', 'u'), targetColumns: [...cols('id', 'u'), ...META] })).toThrow(/no `dbt_is_deleted` column/);
  });
});
