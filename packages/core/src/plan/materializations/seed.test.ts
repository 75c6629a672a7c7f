import { describe, expect, it } from 'vitest';
import type { Dialect, RelationRef } from '../../adapter/types.js';
import { planSeed, seedFullRefresh, seedLoadPath, type SeedPlanInput } from './seed.js';

// A dialect that names each call, so plans read as a list of operations (only what seed plans use).
function fakeDialect(): Dialect {
  const n = (r: RelationRef) => `${r.schema}.${r.identifier}`;
  const dialect: Partial<Dialect> = {
    name: 'fake',
    capabilities: { transactionalDdl: true, createOrReplace: true, merge: true },
    relationName: n,
    createTableAs: (r, sql) => `ctas ${n(r)}: ${sql}`,
    renameRelation: (r, _k, to) => `rename ${n(r)} ${to}`,
    dropRelation: (r, k) => `drop ${k} ${n(r)}`,
    seedTypes: { integer: 'int', number: 'float', date: 'date', timestamp: 'timestamp', boolean: 'bool', text: 'text' },
    selectFromCsv: (file, o) => `read ${file} ${o.delimiter} ${JSON.stringify(o.columnTypes)}${o.wholeFile ? ' whole' : ''}`,
    createTable: (r, cols, o) => `create ${n(r)} (${cols.map((c) => `${c.name} ${c.type}`).join(', ')})${o.quoteColumns ? '' : ' unquoted'}`,
  };
  return dialect as Dialect;
}
const dialect = fakeDialect();
const target = { schema: 'main', identifier: 'zips' };
const input = (over: Partial<SeedPlanInput> = {}): SeedPlanInput => ({
  target,
  file: '/p/seeds/zips.csv',
  header: ['zip', 'city'],
  delimiter: ',',
  columnTypes: { zip: 'varchar' },
  quoteColumns: true,
  fullRefresh: false,
  state: {},
  ...over,
});
const summary = (steps: ReturnType<typeof planSeed>['steps']) => steps.map((s) => (s.kind === 'sql' ? `${s.purpose}: ${s.sql}` : `${s.kind} ${s.purpose}`));

describe('planSeed', () => {
  it('first load: read into the temp table, type text columns, swap in', () => {
    const plan = planSeed(dialect, 'query', input());
    expect(plan).toMatchObject({ mode: 'create', code: 'INSERT', rowsFrom: 0 });
    expect(summary(plan.steps)).toEqual([
      'load into temp: ctas main.zips__tsdbt_tmp: read /p/seeds/zips.csv , {"zip":"varchar"}',
      'type-columns type text columns',
      'swap in: rename main.zips__tsdbt_tmp zips',
    ]);
    expect(plan.steps[1]).toMatchObject({ except: ['zip'] });
    expect(planSeed(dialect, 'query', input({ wholeFile: true })).steps[0]).toMatchObject({ sql: expect.stringMatching(/ whole$/) });
  });

  it('existing table with the same columns: truncate + insert with the table types (dbt without --full-refresh)', () => {
    const plan = planSeed(dialect, 'query', input({ state: { existing: 'table', existingColumns: [{ name: 'zip', type: 'INTEGER' }, { name: 'city', type: 'VARCHAR' }] } }));
    expect(plan).toMatchObject({ mode: 'reload', code: 'INSERT', rowsFrom: 1 });
    expect(summary(plan.steps)).toEqual(['truncate: DELETE FROM main.zips', 'insert rows: INSERT INTO main.zips\nread /p/seeds/zips.csv , {"zip":"INTEGER","city":"VARCHAR"}']);
  });

  it('--full-refresh, or a header that changed: rebuild and swap (leftovers dropped first, old table dropped last)', () => {
    const existing = { existing: 'table' as const, existingColumns: [{ name: 'zip', type: 'INTEGER' }, { name: 'city', type: 'VARCHAR' }], leftovers: [{ identifier: 'zips__tsdbt_tmp', kind: 'table' as const }] };
    const full = planSeed(dialect, 'query', input({ fullRefresh: true, state: existing }));
    expect(full).toMatchObject({ mode: 'create', code: 'CREATE', rowsFrom: 1, reason: undefined });
    expect(full.steps.map((s) => s.purpose)).toEqual(['drop leftover', 'load into temp', 'type text columns', 'move old aside', 'swap in', 'drop old']);
    const changed = planSeed(dialect, 'query', input({ header: ['zip', 'town'], state: existing }));
    expect(changed).toMatchObject({ mode: 'create', code: 'CREATE', reason: 'the columns changed' });
  });

  it('copy path: create the temp table with text columns, copy, then type them', () => {
    const plan = planSeed(dialect, 'copy', input());
    expect(summary(plan.steps)).toEqual([
      'create temp: create main.zips__tsdbt_tmp (zip varchar, city text)',
      'copy load into temp',
      'type-columns type text columns',
      'swap in: rename main.zips__tsdbt_tmp zips',
    ]);
    expect(planSeed(dialect, 'copy', input({ quoteColumns: false })).steps[0]).toMatchObject({ sql: expect.stringMatching(/ unquoted$/) });
    expect(plan.rowsFrom).toBe(1);
    const reload = planSeed(dialect, 'copy', input({ state: { existing: 'table', existingColumns: [{ name: 'zip', type: 'VARCHAR' }, { name: 'city', type: 'VARCHAR' }] } }));
    expect(summary(reload.steps)).toEqual(['truncate: DELETE FROM main.zips', 'copy insert rows']);
  });

  it('copy path with sampled kinds: typed columns created typed and checked by the copy; only columns without a kind typed afterwards; reloads ignore them', () => {
    const header = ['zip', 'n', 'day', 'city', 'empty'];
    const kinds = { n: 'integer', day: 'date', city: 'text' } as const;
    const plan = planSeed(dialect, 'copy', input({ header, kinds }));
    expect(summary(plan.steps)).toEqual([
      'create temp: create main.zips__tsdbt_tmp (zip varchar, n int, day date, city text, empty text)',
      'copy load into temp',
      'type-columns type text columns',
      'swap in: rename main.zips__tsdbt_tmp zips',
    ]);
    expect(plan.steps[1]).toMatchObject({ kinds: { n: 'integer', day: 'date' } });
    expect(plan.steps[2]).toMatchObject({ except: ['zip', 'n', 'day', 'city'] });
    // Every column settled: nothing left to type.
    const all = planSeed(dialect, 'copy', input({ header: ['zip', 'n'], kinds: { n: 'integer' } }));
    expect(all.steps.map((s) => s.kind)).toEqual(['sql', 'copy', 'sql']);
    // The query path and reloads do not use them.
    expect(planSeed(dialect, 'query', input({ kinds })).steps[1]).toMatchObject({ kind: 'type-columns', except: ['zip'] });
    const reload = planSeed(dialect, 'copy', input({ kinds, state: { existing: 'table', existingColumns: [{ name: 'zip', type: 'VARCHAR' }, { name: 'city', type: 'VARCHAR' }] } }));
    expect(reload.steps[1]).not.toHaveProperty('kinds');
  });
});

describe('seedLoadPath and seedFullRefresh', () => {
  it('picks the path by what the adapter offers', () => {
    expect(seedLoadPath(dialect, true)).toBe('query');
    const noQuery = Object.create(dialect, { selectFromCsv: { value: undefined } }) as Dialect;
    expect(seedLoadPath(noQuery, true)).toBe('copy');
    expect(seedLoadPath(noQuery, false)).toBeUndefined();
  });

  it('full_refresh config wins over the flag', () => {
    const config = (full_refresh?: boolean) => ({ enabled: true, materialized: 'seed', tags: [], meta: {}, full_refresh });
    expect(seedFullRefresh(config(), true)).toBe(true);
    expect(seedFullRefresh(config(false), true)).toBe(false);
    expect(seedFullRefresh(config(true), false)).toBe(true);
  });
});
