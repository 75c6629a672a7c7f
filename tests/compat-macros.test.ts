// Cross-database macros, adapter.dispatch and the bundled dbt_utils on every adapter: the
// compat-macros fixture (a dbt project with packages.yml naming dbt_utils and a `dispatch:` entry)
// is built, and each macro's value is compared with what dbt documents for it.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, list, loadProject, run, test, type NodeResult } from '@tsdbt/core';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Row, type Warehouse } from './support/warehouse.js';

const RAW = [
  'create schema if not exists raw',
  'create table raw.events (id integer, kind varchar(10), amount integer, created_at timestamp, note varchar(20))',
  `insert into raw.events values
     (1, 'a', 10, current_timestamp, 'x'), (2, 'b', 20, current_timestamp, 'y'),
     (3, 'c', 30, current_timestamp, 'z'), (4, 'd', 100, current_timestamp, null)`,
];

const DBT_UTILS_TESTS = [
  'dbt_utils_expression_is_true_events_amount_0',
  'dbt_utils_unique_combination_of_columns_events_id__kind',
  'dbt_utils_equality_events_id__kind__ref_expected_events_',
  'dbt_utils_recency_events_day__created_at__1',
  'dbt_utils_accepted_range_events_amount__100__0',
  'dbt_utils_not_null_proportion_events_0_6__note',
];

/** Values in one shape across drivers: dates as YYYY-MM-DD, numbers as numbers, the rest as is. */
function norm(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace(/T00:00:00\.000Z$/, '').replace('T', ' ').replace(/\.000Z$/, '');
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return v.replace('T', ' ').replace(/(\.0+)?Z?$/, '');
  if (v !== null && typeof v === 'object' && 'toString' in v && !Array.isArray(v)) {
    const s = String(v);
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    return s;
  }
  return v;
}
const normRow = (r: Row) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)]));
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('compat-macros');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  const rows = async (sql: string) => (await wh.sql(sql)).map(normRow);
  const buildAll = async (select?: string) => {
    const r = await build(await loadProject({ projectDir: dir }), select ? { select } : {});
    return new Map<string, NodeResult>(r.results.map((x) => [x.name, x]));
  };

  it('builds every model and passes every dbt_utils test on clean rows', async () => {
    const results = await buildAll();
    const failed = [...results.values()].filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.name}: ${r.status} ${r.message}`);
    expect(failed).toEqual([]);
    for (const t of DBT_UTILS_TESTS) expect(results.get(t)?.status, t).toBe('pass');

    // Cross-database macros: the value dbt documents for each, on this adapter.
    const [x] = await rows('select * from main.cross_db');
    expect(x).toEqual({
      dateadd_day: '2024-02-02',
      dateadd_month: '2024-02-29',
      dateadd_quarter: '2024-04-15',
      dateadd_hour: '2023-12-31 23:00:00',
      datediff_day: 74,
      datediff_month: 2,
      datediff_year: 1,
      datediff_quarter: 3,
      datediff_hour: 26,
      datediff_minute: 45,
      datediff_week: 3,
      date_trunc_month: '2024-05-01',
      last_day_month: '2024-02-29',
      last_day_quarter: '2024-03-31',
      hash_abc: '900150983cd24fb0d6963f7d28e17f72',
      concat_abc: 'abc',
      type_string: 12,
      type_int: 42,
      type_bigint: 9000000000,
      type_float: 1.5,
      type_numeric: 2.25,
      type_boolean: true,
      safe_cast_int: 7,
      split_part_2: 'b',
      split_part_last: 'c',
      escaped: "it's",
      position_c: 3,
      replaced: 'a-b-',
      right_2: 'ef',
      length_4: 4,
      bool_text: 'true',
      now_is_recent: true,
    });
    expect(await rows('select * from main.aggregates order by g')).toEqual([
      { g: 1, names: 'a|b', first_name: 'a', any_f: true, any_g: 1, except_count: 1, intersect_count: 1 },
      { g: 2, names: 'c', first_name: 'c', any_f: false, any_g: 2, except_count: 1, intersect_count: 1 },
    ]);

    // Dispatch: the adapter's own implementation, the default one, and a project override of
    // dbt_utils' safe_add chosen through the `dispatch:` search order.
    expect(await rows('select * from main.dispatched')).toEqual([{ by_adapter: `${kind}:hi`, by_default: 'psst:hi', added: 101 }]);

    // dbt_utils: surrogate keys are md5 of dbt_utils' concatenation, the same on every adapter.
    expect(await rows('select id, sk from main.surrogate order by id')).toEqual([
      { id: 1, sk: md5('1-a') },
      { id: 2, sk: md5('2-_dbt_utils_surrogate_key_null_') },
    ]);
    // date_spine: start included, end excluded.
    expect(await rows('select count(*) as n, cast(min(date_day) as date) as lo, cast(max(date_day) as date) as hi from main.day_spine')).toEqual([{ n: 3653, lo: '2020-01-01', hi: '2029-12-31' }]);
    expect(await rows('select count(*) as n, cast(max(date_month) as date) as hi from main.month_spine')).toEqual([{ n: 12, hi: '2024-12-01' }]);
    expect(await rows('select * from main.pivoted order by size')).toEqual([
      { size: 'L', red: 0, blue: 0 },
      { size: 'M', red: 2, blue: 0 },
      { size: 'S', red: 1, blue: 1 },
    ]);
    expect(await rows('select * from main.pivoted_values order by size')).toEqual([
      { size: 'L', n_blue: null, n_green: 5, n_red: null },
      { size: 'M', n_blue: null, n_green: null, n_red: 4 },
      { size: 'S', n_blue: 2, n_green: null, n_red: 1 },
    ]);
    expect(await rows('select * from main.unpivoted order by id, attr')).toEqual([
      { id: 1, attr: 'amount', val: 10 },
      { id: 1, attr: 'flag', val: 'true' },
      { id: 1, attr: 'label', val: 'x' },
      { id: 2, attr: 'amount', val: 20 },
      { id: 2, attr: 'flag', val: 'false' },
      { id: 2, attr: 'label', val: 'y' },
    ]);
    expect((await wh.columns('starred')).map((c) => c.name)).toEqual(['w_id', 'w_label', 'w_flag']);
    const unioned = await rows('select * from main.unioned order by id');
    expect(unioned.map((r) => [r['id'], r['only_a'], r['only_b']])).toEqual([
      [1, 'a1', null],
      [2, null, 'b2'],
      [3, null, 'b3'],
    ]);
    expect(String(unioned[0]!['_dbt_source_relation'])).toMatch(/part_a"$/);
    expect(await rows('select id, version, label from main.deduped order by id')).toEqual([
      { id: 1, version: 2, label: 'new' },
      { id: 2, version: 5, label: 'only' },
    ]);
    expect(await rows('select * from main.single_value')).toEqual([{ item_count: 5 }]);
    expect(await rows('select * from main.series order by generated_number')).toEqual([1, 2, 3, 4, 5].map((n) => ({ generated_number: n, intervals: 10 })));
  });

  it('each dbt_utils test fails on rows crafted to break it', async () => {
    await buildAll();
    await wh.sql([
      `insert into raw.events values (1, 'a', 500, current_timestamp, null), (5, 'e', -1, current_timestamp, null)`,
      `update raw.events set created_at = cast('2000-01-01' as timestamp)`,
    ]);
    // (run, then test: a build would keep the old rows of `events` when its tests fail)
    await run(await loadProject({ projectDir: dir }), { select: 'events' });
    const results = new Map((await test(await loadProject({ projectDir: dir }), { select: 'events' })).results.map((x) => [x.name, x]));
    const status = Object.fromEntries(DBT_UTILS_TESTS.map((t) => [t, [results.get(t)?.status, results.get(t)?.failures]]));
    expect(status).toEqual({
      dbt_utils_expression_is_true_events_amount_0: ['fail', 1],
      dbt_utils_unique_combination_of_columns_events_id__kind: ['fail', 1],
      dbt_utils_equality_events_id__kind__ref_expected_events_: ['fail', 1],
      dbt_utils_recency_events_day__created_at__1: ['fail', 1],
      dbt_utils_accepted_range_events_amount__100__0: ['fail', 2],
      dbt_utils_not_null_proportion_events_0_6__note: ['fail', 1],
    });
  });

  it('the dispatch: search order decides between a project override and the package', async () => {
    const file = path.join(dir, 'dbt_project.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("search_order: ['compat_macros', 'dbt_utils']", "search_order: ['dbt_utils', 'compat_macros']"));
    await buildAll('dispatched');
    expect(await rows('select added from main.dispatched')).toEqual([{ added: 1 }]);
  });
});

describe('packages.yml', () => {
  it('dbt_utils resolves to the bundled library; another package is a located error naming it', async () => {
    const dir = copyFixture('compat-macros');
    await expect(loadProject({ projectDir: dir })).resolves.toBeDefined();
    writeFileSync(
      path.join(dir, 'packages.yml'),
      'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: calogica/dbt_expectations\n    version: [">=0.10.0"]\n',
    );
    await expect(loadProject({ projectDir: dir })).rejects.toMatchObject({
      message: expect.stringContaining('calogica/dbt_expectations'),
      location: { file: 'packages.yml', line: 4 },
      hint: expect.stringContaining('macro-paths'),
    });
  });

  it('a git entry for dbt-utils resolves; local packages and cross-project dependencies do not', async () => {
    const dir = copyFixture('compat-macros');
    writeFileSync(path.join(dir, 'packages.yml'), 'packages:\n  - git: "https://github.com/dbt-labs/dbt-utils.git"\n    revision: 1.1.1\n');
    await expect(loadProject({ projectDir: dir })).resolves.toBeDefined();
    writeFileSync(path.join(dir, 'packages.yml'), 'packages:\n  - local: ../shared_macros\n');
    await expect(loadProject({ projectDir: dir })).rejects.toMatchObject({ message: expect.stringContaining('local: ../shared_macros'), location: { file: 'packages.yml', line: 2 } });
    writeFileSync(path.join(dir, 'packages.yml'), 'packages: []\n');
    writeFileSync(path.join(dir, 'dependencies.yml'), 'projects:\n  - name: core_platform\n');
    await expect(loadProject({ projectDir: dir })).rejects.toMatchObject({ message: expect.stringContaining('core_platform'), location: { file: 'dependencies.yml', line: 2 } });
  });
});

describe('dbt_utils tests in YAML', () => {
  it('a misspelt dbt_utils test is a located error suggesting the right one', async () => {
    const dir = copyFixture('compat-macros');
    const schema = path.join(dir, 'models', 'tests', 'schema.yml');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('dbt_utils.accepted_range:', 'dbt_utils.accepted_rnge:'));
    await expect(list(await loadProject({ projectDir: dir }), {})).rejects.toMatchObject({
      message: expect.stringContaining('unknown test `dbt_utils.accepted_rnge`'),
      hint: 'did you mean `dbt_utils.accepted_range`?',
      location: { file: 'models/tests/schema.yml' },
    });
  });
});

describe('dispatch: in the project file', () => {
  it('an entry without macro_namespace / search_order is a located error', async () => {
    const dir = copyFixture('compat-macros');
    const file = path.join(dir, 'dbt_project.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("search_order: ['compat_macros', 'dbt_utils']", "search_order: compat_macros"));
    await expect(list(await loadProject({ projectDir: dir }), {})).rejects.toMatchObject({
      message: expect.stringContaining('`dispatch:` entries need `macro_namespace`'),
      location: { file: 'dbt_project.yml', line: 7 },
    });
  });

  it('a search_order package that does not exist is skipped, as in dbt', async () => {
    const dir = copyFixture('compat-macros');
    const file = path.join(dir, 'dbt_project.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("search_order: ['compat_macros', 'dbt_utils']", "search_order: ['spark_utils', 'dbt_utils']"));
    const wh = createWarehouse('duckdb');
    try {
      await wh.attach(dir);
      const r = await build(await loadProject({ projectDir: dir }), { select: 'dispatched' });
      expect(r.results[0]).toMatchObject({ status: 'success' });
      expect(await wh.sql('select added from main.dispatched')).toEqual([{ added: 1 }]);
    } finally {
      await wh.dispose();
    }
  });
});
