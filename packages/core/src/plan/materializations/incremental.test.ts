import { describe, expect, it } from 'vitest';
import type { ColumnMeta, Dialect, RelationRef } from '../../adapter/types.js';
import { TsdbtError } from '../../errors.js';
import { diffColumns, planIncremental, readIncrementalConfig, shouldFullRefresh, type IncrementalConfig } from './incremental.js';

// A dialect that names each call, so plans read as a list of operations (only what plans use).
function fakeDialect(merge = true): Dialect {
  const n = (r: RelationRef) => `${r.schema}.${r.identifier}`;
  const dialect: Partial<Dialect> = {
    name: 'fake',
    capabilities: { transactionalDdl: true, createOrReplace: true, merge },
    quoteIdentifier: (id) => id,
    relationName: n,
    stringLiteral: (v) => `'${v}'`,
    createSchema: (s) => `create schema ${s}`,
    createTableAs: (r, sql) => `ctas ${n(r)}: ${sql}`,
    createView: (r, sql) => `view ${n(r)}: ${sql}`,
    renameRelation: (r, _k, to) => `rename ${n(r)} ${to}`,
    dropRelation: (r, k) => `drop ${k} ${n(r)}`,
    limitQuery: (sql) => sql,
    insertInto: (t, s, cols) => `insert ${n(t)} <- ${n(s)} (${cols.join(',')})`,
    deleteMatching: (t, s, o) => `delete ${n(t)} by ${o.uniqueKey.join(',')}${o.predicates?.length ? ` where ${o.predicates.join(' and ')}` : ''}`,
    merge: (t, s, o) => `merge ${n(t)} <- ${n(s)} on ${o.uniqueKey.join(',') || 'false'} set ${o.updateColumns.join(',')} insert ${o.columns.join(',')}`,
    addColumn: (r, c) => `add ${n(r)} ${c.name} ${c.type}`,
    dropColumn: (r, c) => `dropcol ${n(r)} ${c}`,
    alterColumnType: (r, c, t) => `retype ${n(r)} ${c} ${t}`,
  };
  return dialect as Dialect;
}

const target = { schema: 'main', identifier: 'events' };
const col = (name: string, type = 'INTEGER'): ColumnMeta => ({ name, type });
const base: IncrementalConfig = { strategy: 'merge', uniqueKey: ['id'], onSchemaChange: 'ignore', predicates: [] };

function plan(config: Partial<IncrementalConfig>, temp: ColumnMeta[], existing: ColumnMeta[], dialect = fakeDialect()) {
  const p = planIncremental(dialect, target, { name: 'events', file: 'models/events.sql', sql: 'select 1', config: { ...base, ...config } }, {
    existing: 'table',
    leftovers: [{ identifier: 'events__tsdbt_backup', kind: 'table' }],
  });
  return { build: p.build.map((s) => s.sql), ...p.apply({ temp, target: existing }) };
}

describe('planIncremental', () => {
  const same = [col('id'), col('status', 'VARCHAR')];

  it('drops leftovers, builds the temp table, applies, drops the temp table', () => {
    const p = plan({}, same, same);
    expect(p.build).toEqual(['drop table main.events__tsdbt_backup', 'ctas main.events__tsdbt_tmp: select 1']);
    expect(p.statements.map((s) => s.sql)).toEqual(['merge main.events <- main.events__tsdbt_tmp on id set status insert id,status', 'drop table main.events__tsdbt_tmp']);
    expect(p).toMatchObject({ rowsFrom: 0, verb: 'MERGE' });
  });

  it('delete+insert deletes by key then inserts; without a key, or as append, it only inserts', () => {
    expect(plan({ strategy: 'delete+insert', predicates: ['p'] }, same, same).statements.map((s) => s.sql).slice(0, 2)).toEqual([
      'delete main.events by id where p',
      'insert main.events <- main.events__tsdbt_tmp (id,status)',
    ]);
    expect(plan({ strategy: 'delete+insert' }, same, same)).toMatchObject({ rowsFrom: 1, verb: 'INSERT' });
    expect(plan({ strategy: 'delete+insert', uniqueKey: [] }, same, same).statements[0]!.sql).toMatch(/^insert/);
    expect(plan({ strategy: 'append' }, same, same).statements[0]!.sql).toMatch(/^insert/);
  });

  it('falls back from merge to delete+insert where the dialect has no MERGE', () => {
    const p = plan({}, same, same, fakeDialect(false));
    expect(p.statements.map((s) => s.sql.split(' ')[0])).toEqual(['delete', 'insert', 'drop']);
    expect(p.verb).toBe('INSERT');
  });

  it('matches key columns case-insensitively, using the target’s spelling', () => {
    const p = plan({ uniqueKey: ['ID'] }, [col('Id'), col('status', 'VARCHAR')], same);
    expect(p.statements[0]!.sql).toContain(' on id ');
  });

  it('ignore writes the target’s columns and fails on a removed one', () => {
    expect(plan({}, [...same, col('extra')], same).statements[0]!.sql).toContain('insert id,status');
    expect(() => plan({}, [col('id')], same)).toThrow(/has column\(s\) the model no longer returns: status/);
  });

  it('append_new_columns adds; sync_all_columns adds, drops and retypes, before the DML', () => {
    const temp = [col('id', 'BIGINT'), col('note', 'VARCHAR')];
    expect(plan({ onSchemaChange: 'append_new_columns' }, temp, same).statements.map((s) => s.sql)).toEqual([
      'add main.events note VARCHAR',
      // The key keeps the table's type, so the new rows take it too (modifiers aside).
      'retype main.events__tsdbt_tmp id INTEGER',
      'merge main.events <- main.events__tsdbt_tmp on id set note insert id,note',
      'drop table main.events__tsdbt_tmp',
    ]);
    const widened = plan({}, [col('id', 'character varying'), col('status', 'VARCHAR(9)')], [col('id', 'character varying(5)'), col('status', 'VARCHAR')]);
    expect(widened.statements.map((s) => s.sql)[0]).toMatch(/^merge/);
    expect(plan({}, [col('id', 'text'), col('status', 'VARCHAR')], [col('id', 'character varying(5)'), col('status', 'VARCHAR')]).statements[0]!.sql).toBe(
      'retype main.events__tsdbt_tmp id character varying',
    );
    const sync = plan({ onSchemaChange: 'sync_all_columns' }, temp, same);
    expect(sync.statements.map((s) => s.sql).slice(0, 3)).toEqual(['add main.events note VARCHAR', 'dropcol main.events status', 'retype main.events id BIGINT']);
    expect(sync.rowsFrom).toBe(3);
  });

  it('fail throws a TsdbtError naming every difference', () => {
    try {
      plan({ onSchemaChange: 'fail' }, [col('id', 'BIGINT'), col('note', 'VARCHAR')], same);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TsdbtError);
      expect((e as TsdbtError).message).toContain('columns in the model, not in the table: note (VARCHAR)');
      expect((e as TsdbtError).message).toContain('columns in the table, not in the model: status (VARCHAR)');
      expect((e as TsdbtError).message).toContain('changed types: id INTEGER → BIGINT');
    }
    expect(plan({ onSchemaChange: 'fail' }, same, same).statements).toHaveLength(2);
  });

  it('rejects a unique_key missing on either side', () => {
    expect(() => plan({ uniqueKey: ['id', 'day'] }, same, same)).toThrow(/unique_key column\(s\) `day` not found/);
  });
});

describe('diffColumns', () => {
  it('compares names case-insensitively and types ignoring case', () => {
    expect(diffColumns([col('ID', 'integer'), col('b')], [col('id'), col('c')])).toEqual({ added: [col('b')], removed: [col('c')], retyped: [] });
  });
});

describe('readIncrementalConfig', () => {
  const read = (config: Record<string, unknown>) => readIncrementalConfig({ enabled: true, materialized: 'incremental', tags: [], meta: {}, ...config }, 'models/m.sql');

  it('defaults to delete+insert (dbt-duckdb) and ignore', () => {
    expect(read({})).toEqual({ strategy: 'delete+insert', uniqueKey: [], onSchemaChange: 'ignore', predicates: [] });
    expect(read({ unique_key: 'id', incremental_predicates: 'x > 1' })).toMatchObject({ uniqueKey: ['id'], predicates: ['x > 1'] });
    expect(read({ unique_key: ['a', 'b'] }).uniqueKey).toEqual(['a', 'b']);
  });

  it('rejects unknown values with a suggestion, and microbatch for now', () => {
    expect(() => read({ incremental_strategy: 'delete_insert' })).toThrow(/unknown incremental_strategy `delete_insert`/);
    expect(() => read({ on_schema_change: 'append' })).toThrow(/unknown on_schema_change/);
    expect(() => read({ incremental_strategy: 'microbatch' })).toThrow(/not supported yet/);
    expect(() => read({ unique_key: [1] })).toThrow(/unique_key must be/);
  });
});

describe('shouldFullRefresh', () => {
  const cfg = (full_refresh?: boolean) => ({ enabled: true, materialized: 'incremental', tags: [], meta: {}, full_refresh });
  it('follows the flag unless the model sets full_refresh', () => {
    expect(shouldFullRefresh(cfg(), true)).toBe(true);
    expect(shouldFullRefresh(cfg(), false)).toBe(false);
    expect(shouldFullRefresh(cfg(false), true)).toBe(false);
    expect(shouldFullRefresh(cfg(true), false)).toBe(true);
  });
});
