// `source freshness` and `show --output csv|json` end to end, on every warehouse: statuses from real
// ages (rows loaded `now() - interval …`), inheritance and overrides, filter, freshness: null, tables
// left out, a runtime error, sources.json, CLI exit codes; and show's data-only stdout.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, sourceFreshness, type RunEvent, type SourceFreshnessResult } from '@tsdbt/core';
import { copyFixture, tsdbt } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

const RAW = [
  'create schema if not exists app',
  'create table app.fresh (id integer, loaded_at timestamp)',
  "insert into app.fresh values (1, now()::timestamp - interval '1 day'), (2, now()::timestamp - interval '10 minutes')",
  'create table app.stale_warn (id integer, loaded_at timestamp)',
  "insert into app.stale_warn values (1, now()::timestamp - interval '3 hours')",
  'create table app.stale_error (id integer, loaded_at timestamp)',
  "insert into app.stale_error values (1, now()::timestamp - interval '2 days')",
  'create table app.overridden (id integer, loaded_at timestamp)',
  "insert into app.overridden values (1, now()::timestamp - interval '3 hours')",
  'create table app.filtered (id integer, kind varchar, loaded_at timestamp)',
  "insert into app.filtered values (1, 'test', now()::timestamp - interval '10 minutes'), (2, 'real', now()::timestamp - interval '3 days')",
  'create table app.daily (id integer, loaded_on date)',
  "insert into app.daily values (1, cast(current_date - interval '3 days' as date))",
  'create table app.zoned (id integer, loaded_at_tz timestamptz)',
  "insert into app.zoned values (1, now() - interval '30 minutes')",
];

const HOUR = 3600;
const DAY = 86400;

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('freshness');
    wh = createWarehouse(kind);
    await wh.attach(dir);
    await wh.sql(RAW);
  });
  afterEach(async () => {
    await wh.dispose();
  });

  const check = async (options: Parameters<typeof sourceFreshness>[1] = {}) => sourceFreshness(await loadProject({ projectDir: dir }), options);
  const byTable = (results: SourceFreshnessResult[]) => Object.fromEntries(results.map((r) => [`${r.sourceName}.${r.tableName}`, r]));

  describe('source freshness', () => {
    it('gives pass, warn, error and runtime error by age, with inheritance, overrides, filter and tables left out', async () => {
      const events: RunEvent[] = [];
      const result = await check({ onEvent: (e) => events.push(e) });
      const r = byTable(result.results);
      expect(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.status]))).toEqual({
        'app.fresh': 'pass',
        'app.stale_warn': 'warn',
        'app.stale_error': 'error',
        'app.overridden': 'pass',
        'app.filtered': 'error',
        'logs.events': 'warn',
        'logs.daily': 'warn',
        'logs.zoned': 'error',
        'broken.missing': 'runtime error',
      });
      // Not checked: `freshness: null`, and a table without loaded_at_field.
      expect(r['app.no_freshness']).toBeUndefined();
      expect(r['logs.audit']).toBeUndefined();
      expect(result.ok).toBe(false);

      const near = (actual: number | undefined, expected: number) => expect(Math.abs(actual! - expected)).toBeLessThan(120);
      near(r['app.fresh']!.ageSeconds, 600);
      near(r['app.stale_warn']!.ageSeconds, 3 * HOUR);
      near(r['app.stale_error']!.ageSeconds, 2 * DAY);
      near(r['app.filtered']!.ageSeconds, 3 * DAY);
      near(r['logs.zoned']!.ageSeconds, 30 * 60);
      // A DATE: midnight three days ago, so between 3 and 4 days.
      expect(r['logs.daily']!.ageSeconds).toBeGreaterThanOrEqual(3 * DAY - 60);
      expect(r['logs.daily']!.ageSeconds).toBeLessThan(4 * DAY + 60);
      expect(r['logs.daily']!.maxLoadedAt).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(r['app.fresh']!.maxLoadedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
      expect(r['logs.zoned']!.maxLoadedAt).toMatch(/Z$/);

      // Criteria: source-level inherited, table-level merged key by key, project-level, config: form.
      expect(r['app.fresh']!.criteria).toEqual({ warnAfter: { count: 2, period: 'hour' }, errorAfter: { count: 1, period: 'day' }, filter: undefined });
      expect(r['app.overridden']!.criteria).toEqual({ warnAfter: { count: 6, period: 'hour' }, errorAfter: { count: 1, period: 'day' }, filter: undefined });
      expect(r['app.filtered']!.criteria.filter).toBe("kind = 'real'");
      expect(r['logs.events']!.criteria).toEqual({ warnAfter: { count: 1, period: 'hour' }, errorAfter: undefined, filter: undefined });
      expect(r['logs.zoned']!.criteria).toEqual({ warnAfter: undefined, errorAfter: { count: 20, period: 'minute' }, filter: undefined });
      expect(r['app.stale_warn']!.message).toBe('max loaded 3h ago (more than 2 hours)');
      expect(r['broken.missing']!.message).toMatch(/missing/i);

      const types = events.map((e) => e.type);
      expect(types[types.length - 1]).toBe('freshness_finished');
      expect(types.filter((t) => t === 'freshness_checked')).toHaveLength(9);
      expect(events.find((e) => e.type === 'freshness_started')).toMatchObject({ total: 9, adapter: kind });
    });

    it('writes target/sources.json shaped like dbt’s sources.json v3', async () => {
      const result = await check({ select: ['source:app', 'source:broken'] });
      const file = path.join(dir, 'target', 'sources.json');
      expect(result.sourcesPath).toBe(file);
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { metadata: Record<string, unknown>; results: Array<Record<string, unknown>>; elapsed_time: number };
      expect(doc.metadata).toMatchObject({ dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json', tsdbt_schema_version: 'https://tsdbt.dev/schemas/sources/v1.json', adapter_type: kind, project_name: 'freshness_test' });
      expect(doc.results.map((x) => x.unique_id)).toEqual([
        'source.freshness_test.app.fresh',
        'source.freshness_test.app.stale_warn',
        'source.freshness_test.app.stale_error',
        'source.freshness_test.app.overridden',
        'source.freshness_test.app.filtered',
        'source.freshness_test.broken.missing',
      ]);
      const warn = doc.results[1]!;
      expect(Object.keys(warn)).toEqual(['unique_id', 'max_loaded_at', 'snapshotted_at', 'max_loaded_at_time_ago_in_s', 'status', 'criteria', 'adapter_response', 'timing', 'thread_id', 'execution_time']);
      expect(warn).toMatchObject({
        status: 'warn',
        criteria: { warn_after: { count: 2, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null },
        thread_id: expect.stringMatching(/^Thread-\d+$/),
      });
      expect(warn.max_loaded_at_time_ago_in_s).toBeGreaterThan(3 * HOUR - 120);
      expect(doc.results[4]!.criteria).toMatchObject({ filter: "kind = 'real'" });
      expect(doc.results[5]).toEqual({ unique_id: 'source.freshness_test.broken.missing', error: expect.any(String), status: 'runtime error' });
      expect(doc.elapsed_time).toBeGreaterThan(0);
    });

    it('selects with source: selectors and --exclude; ok when only pass and warn', async () => {
      const result = await check({ select: ['source:app'], exclude: ['source:app.stale_error', 'source:app.filtered'] });
      expect(result.results.map((r) => `${r.tableName}:${r.status}`)).toEqual(['fresh:pass', 'stale_warn:warn', 'overridden:pass']);
      expect(result.ok).toBe(true);
      // `source:logs+` also selects downstream models; only source tables are checked.
      const logs = await check({ select: ['source:app.fresh+'], writeArtifacts: false });
      expect(logs.results.map((r) => r.tableName)).toEqual(['fresh']);
      expect(existsSync(path.join(dir, 'target', 'sources.json'))).toBe(true);
    });

    it('an empty table (or no row passing the filter) is as old as 0001-01-01, as in dbt', async () => {
      await wh.sql("delete from app.filtered where kind = 'real'");
      const result = await check({ select: 'source:app.filtered' });
      expect(result.results[0]).toMatchObject({ status: 'error', maxLoadedAt: '0001-01-01T00:00:00Z', message: 'no rows pass the filter (more than 1 day)' });
    });

    it.runIf(kind === 'postgres')('a timestamp without zone is compared with the session’s wall clock, whatever its zone', async () => {
      await wh.sql([
        "do $$ begin execute format('alter database %I set timezone = %L', current_database(), 'Asia/Kolkata'); end $$",
        "set timezone = 'Asia/Kolkata'",
        'delete from app.stale_warn',
        "insert into app.stale_warn values (1, now()::timestamp - interval '3 hours')",
      ]);
      const result = await check({ select: ['source:app.stale_warn', 'source:logs.zoned'] });
      expect(result.results.map((r) => [r.tableName, r.status, Math.round(r.ageSeconds! / 60)])).toEqual([
        ['stale_warn', 'warn', 180],
        ['zoned', 'error', 30],
      ]);
    });

    it('warns about unknown freshness keys with a suggestion, and rejects a bad period', async () => {
      const yml = path.join(dir, 'models', 'sources.yml');
      const original = readFileSync(yml, 'utf8');
      writeFileSync(yml, original.replace('warn_after: {count: 6}', 'warn_afer: {count: 6}'));
      const events: RunEvent[] = [];
      const result = await check({ select: 'source:app.overridden', onEvent: (e) => events.push(e) });
      const diagnostics = events.flatMap((e) => (e.type === 'diagnostic' ? [e.diagnostic] : []));
      expect(diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/unknown freshness key `warn_afer` — did you mean `warn_after`/));
      expect(diagnostics[0]!.location).toMatchObject({ file: 'models/sources.yml', line: expect.any(Number) });
      // The typo is ignored: the source's 2 hours apply, so 3 hours warns.
      expect(result.results[0]!.status).toBe('warn');

      writeFileSync(yml, original.replace('warn_after: {count: 6}', 'warn_after: {count: 6, period: week}'));
      await expect(check({ select: 'source:app.overridden' })).rejects.toThrow(/period` must be minute, hour or day, got `week`/);
    });

    it('CLI: progress lines, exit 1 on error or runtime error, 0 on pass and warn, 2 on project errors; --output', () => {
      const all = tsdbt(['source', 'freshness', '--project-dir', dir]);
      expect(all.code).toBe(1);
      expect(all.stdout).toMatch(/Checking freshness of 9 source tables on target test/);
      expect(all.stdout).toMatch(/\d of 9 PASS freshness of app\.fresh … max loaded 10m ago/);
      expect(all.stdout).toMatch(/\d of 9 WARN freshness of app\.stale_warn … max loaded 3h ago \(more than 2 hours\)/);
      expect(all.stdout).toMatch(/\d of 9 ERROR STALE freshness of app\.stale_error … max loaded 2d ago \(more than 1 day\)/);
      expect(all.stdout).toMatch(/\d of 9 ERROR freshness of broken\.missing/);
      expect(all.stdout).toMatch(/Finished 9 freshness checks in .*: 2 pass, 3 warn, 3 error, 1 runtime error/);

      const okRun = tsdbt(['source', 'freshness', '--project-dir', dir, '-s', 'source:app.fresh', 'source:app.stale_warn', '-o', path.join(dir, 'out', 'fresh.json'), '--threads', '1']);
      expect(okRun.code, okRun.stdout + okRun.stderr).toBe(0);
      const doc = JSON.parse(readFileSync(path.join(dir, 'out', 'fresh.json'), 'utf8')) as { results: Array<{ status: string; thread_id: string }> };
      expect(doc.results.map((x) => x.status)).toEqual(['pass', 'warn']);
      expect(doc.results.map((x) => x.thread_id)).toEqual(['Thread-1', 'Thread-1']);

      // `tsdbt freshness` is an alias.
      expect(tsdbt(['freshness', '--project-dir', dir, '-s', 'source:broken']).code).toBe(1);
      expect(tsdbt(['freshness', '--project-dir', dir, '-s', 'source:app.overridden']).code).toBe(0);

      writeFileSync(path.join(dir, 'models', 'sources.yml'), readFileSync(path.join(dir, 'models', 'sources.yml'), 'utf8').replace('{count: 6}', '{count: six}'));
      const bad = tsdbt(['source', 'freshness', '--project-dir', dir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/models\/sources\.yml:\d+:\d+: `warn_after.count` must be a whole number, got `six`/);
    });
  });

  describe('show --output', () => {
    const INLINE = [
      "select 1 as id, 'plain' as txt, cast(1.5 as decimal(10,2)) as amount, cast(null as varchar) as note, timestamp '2024-01-02 03:04:05' as at",
      "union all select 2, 'a,b', cast(2 as decimal(10,2)), '', timestamp '2024-01-02 03:04:05'",
      `union all select 3, 'say "hi"' || chr(10) || 'bye', cast(3.25 as decimal(10,2)), 'x', timestamp '2024-01-02 03:04:05'`,
      'order by id',
    ].join('\n');

    it('csv: RFC 4180 on stdout and nothing else; NULL empty, empty string quoted; limit note on stderr', () => {
      const r = tsdbt(['show', '--project-dir', dir, '--inline', INLINE, '--output', 'csv', '--limit', '-1']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(['id,txt,amount,note,at', '1,plain,1.50,,2024-01-02T03:04:05', '2,"a,b",2.00,"",2024-01-02T03:04:05', '3,"say ""hi""\nbye",3.25,x,2024-01-02T03:04:05', ''].join('\n'));
      expect(r.stderr).not.toMatch(/more rows/);

      const cut = tsdbt(['show', '--project-dir', dir, '--inline', INLINE, '--output', 'csv', '--limit', '2']);
      expect(cut.code).toBe(0);
      expect(cut.stdout).toBe('id,txt,amount,note,at\n1,plain,1.50,,2024-01-02T03:04:05\n2,"a,b",2.00,"",2024-01-02T03:04:05\n');
      expect(cut.stderr).toMatch(/showing the first 2 rows; more rows not shown: --limit N for more, --limit -1 for all/);

      // Exactly the limit: nothing was cut, no note.
      const exact = tsdbt(['show', '--project-dir', dir, '--inline', INLINE, '-o', 'csv', '--limit', '3']);
      expect(exact.stdout.split('\n')).toHaveLength(6);
      expect(exact.stderr).not.toMatch(/more rows/);
    });

    it('json: {"node", "show": rows}, pretty-printed, for a model and an inline query', () => {
      const r = tsdbt(['show', '--project-dir', dir, '--inline', INLINE, '--output', 'json', '--limit', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${JSON.stringify({ node: 'inline_query', show: [{ id: 1, txt: 'plain', amount: 1.5, note: null, at: '2024-01-02T03:04:05' }] }, null, 2)}\n`);
      expect(r.stderr).toMatch(/showing the first 1 row;/);

      const model = tsdbt(['show', '--project-dir', dir, '-s', 'recent', '--output', 'json', '--limit', '-1']);
      expect(model.code, model.stderr).toBe(0);
      const doc = JSON.parse(model.stdout) as { node: string; show: Array<{ id: number }> };
      expect(doc.node).toBe('recent');
      expect(doc.show.map((x) => x.id).sort()).toEqual([1, 2]);
    });

    it('table stays the default and says how to see every row', () => {
      const r = tsdbt(['show', '--project-dir', dir, '--inline', INLINE, '--limit', '2']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\| id \| txt +\|/);
      expect(r.stdout).toMatch(/2 rows \(limit 2; more rows not shown: --limit N for more, --limit -1 for all\)/);
      expect(tsdbt(['show', '--project-dir', dir, '--inline', 'select 1', '--output', 'xml']).code).toBe(2);
    });
  });
});
