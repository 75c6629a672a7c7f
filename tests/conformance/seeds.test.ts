// Seeds end to end on every adapter: type inference as dbt does it, config, build order, bad files,
// reloads and --full-refresh. DuckDB loads by query (read_csv); Postgres by copy (CREATE TABLE, COPY
// FROM STDIN, then text columns typed by inferSeedKinds). Parse-only scenarios need no warehouse.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject, parse, parseProject, seed, TsdbtError, type Adapter, type Connection, type CsvCopyOptions, type Dialect, type RelationRef, type RunOptions } from '@tsdbt/core';
import { duckdbAdapter } from '@tsdbt/duckdb';
import { copyFixture, tsdbt } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from '../support/warehouse.js';

async function seedProject(dir: string, options: RunOptions = {}) {
  return seed(await loadProject({ projectDir: dir }), options);
}

/** Column name → canonical type (see canonicalType in tests/support/warehouse.ts). */
async function columnTypes(wh: Warehouse, table: string, schema?: string): Promise<Record<string, string>> {
  return Object.fromEntries((await wh.columns(table, schema)).map((c) => [c.name, c.type]));
}

async function count(wh: Warehouse, relation: string): Promise<number> {
  const rows = await wh.sql(`select cast(count(*) as integer) as n from ${relation}`);
  return Number(rows[0]!['n']);
}

/** Rewrite tsdbt_project.yml, keeping the `profile:` line attach() added. */
function rewriteProject(dir: string, yaml: string): void {
  const file = path.join(dir, 'tsdbt_project.yml');
  const profile = /^profile:.*$/m.exec(readFileSync(file, 'utf8'))?.[0];
  writeFileSync(file, `${yaml.trimEnd()}\n${profile ? `${profile}\n` : ''}`);
}

function write(dir: string, file: string, content: string): void {
  writeFileSync(path.join(dir, file), content);
}

const TYPED = {
  id: 'integer',
  price: 'double',
  sold_on: 'date',
  active: 'boolean',
  name: 'varchar',
  code: 'integer', // 00123: dbt infers a number (leading zeros dropped); column_types keeps text
  loaded_at: 'timestamp',
  iso_at: 'timestamp',
  note: 'varchar',
  opens: 'varchar', // dbt reads times as text
};

describe('parse', () => {
  it('makes one seed node per CSV with fqn, folder config < properties config, and skips disabled ones', async () => {
    const dir = copyFixture('seeds');
    const p = await parseProject(await loadProject({ projectDir: dir }));
    const seeds = [...p.nodes.values()].filter((n) => n.resourceType === 'seed');
    expect(seeds.map((n) => n.uniqueId).sort()).toEqual(['seed.seeds_demo.country_codes', 'seed.seeds_demo.header_only', 'seed.seeds_demo.semicolon', 'seed.seeds_demo.typed', 'seed.seeds_demo.zips']);
    const semicolon = p.nodes.get('seed.seeds_demo.semicolon')!;
    expect(semicolon.fqn).toEqual(['seeds_demo', 'raw', 'semicolon']);
    expect(semicolon.config.delimiter).toBe(';'); // properties beat the folder's "|"
    expect(semicolon.config.materialized).toBe('seed');
    expect(semicolon.description).toBe('A European-style CSV, separated by semicolons.');
    const zips = p.nodes.get('seed.seeds_demo.zips')!;
    expect(zips.config.column_types).toEqual({ zip: 'varchar', population: 'bigint' }); // merged key by key, as dbt does
    const countries = p.nodes.get('seed.seeds_demo.country_codes')!;
    expect(countries.tags.sort()).toEqual(['lookup', 'seed']);
    expect(countries.relation).toMatchObject({ schema: 'main_lookups', identifier: 'country_codes' });
    expect(countries.columns['Country Name']?.description).toBe("The country's English name.");
    expect(p.disabled.has('seed.seeds_demo.retired')).toBe(true);
    expect(p.nodes.has('seed.seeds_demo.retired')).toBe(false);
  });

  it('warns on an unknown seed config key with a suggestion', async () => {
    const dir = copyFixture('seeds');
    write(dir, 'tsdbt_project.yml', `name: seeds_demo\nseeds:\n  seeds_demo:\n    +delimeter: ";"\n`);
    const project = await loadProject({ projectDir: dir });
    await parse(project);
    expect(project.diagnostics.items.map((d) => d.message)).toContainEqual(expect.stringContaining('unknown config key `delimeter` — did you mean `delimiter`?'));
  });

  it('a seed and a model with the same name is an error naming both files', async () => {
    const dir = copyFixture('seeds');
    write(dir, 'models/zips.sql', 'select 1 as x\n');
    const err = await parseProject(await loadProject({ projectDir: dir })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsdbtError);
    expect((err as TsdbtError).message).toMatch(/are both named `zips`/);
    expect((err as TsdbtError).message).toContain('seeds/raw/zips.csv');
    expect((err as TsdbtError).message).toContain('models/zips.sql');
  });

  it('two seeds with the same name in different folders is an error', async () => {
    const dir = copyFixture('seeds');
    write(dir, 'seeds/lookups/zips.csv', 'a\n1\n');
    const err = await parseProject(await loadProject({ projectDir: dir })).catch((e: unknown) => e);
    expect((err as TsdbtError).message).toMatch(/two seeds are named `zips`: seeds\/lookups\/zips\.csv and seeds\/raw\/zips\.csv/);
  });

  it('ref() to a disabled seed is an error', async () => {
    const dir = copyFixture('seeds');
    write(dir, 'models/uses_retired.sql', "select * from {{ ref('retired') }}\n");
    const err = await parseProject(await loadProject({ projectDir: dir })).catch((e: unknown) => e);
    expect((err as TsdbtError).message).toMatch(/refers to `retired`, which is disabled/);
  });

  it('tsdbt seed exits 2 on a project error (a seed named like a model)', () => {
    const dir = copyFixture('seeds');
    write(dir, 'models/typed.sql', 'select 1 as x\n');
    const r = tsdbt(['seed', '--project-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('are both named `typed`');
  });
});

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('seeds');
    wh = createWarehouse(kind);
    await wh.attach(dir);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  describe('tsdbt seed', () => {
    it('loads every seed with the types dbt infers, and reports rows', async () => {
      const r = await seedProject(dir);
      expect(r.success).toBe(true);
      const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
      expect(byName['typed']).toMatchObject({ status: 'success', message: 'INSERT 3', rowsAffected: 3 });
      expect(byName['header_only']).toMatchObject({ status: 'success', message: 'INSERT 0', rowsAffected: 0 });
      expect(byName['retired']).toBeUndefined();
      expect(await columnTypes(wh, 'typed')).toEqual(TYPED);
      expect(await wh.sql('select id, price, sold_on, active, code, loaded_at, iso_at, note, opens from main.typed order by id')).toEqual([
        { id: 1, price: 19.99, sold_on: '2024-01-15', active: true, code: 123, loaded_at: '2024-01-15T10:30:00', iso_at: '2024-01-15T10:30:00', note: null, opens: '09:00:00' },
        // "null" is NULL, as in dbt
        { id: 2, price: 5, sold_on: '2024-02-01', active: false, code: 456, loaded_at: '2024-02-01T08:00:00', iso_at: '2024-02-01T08:00:00', note: null, opens: '10:30:00' },
        { id: 3, price: 120.5, sold_on: '2024-03-10', active: true, code: 7, loaded_at: '2024-03-10T23:59:59', iso_at: '2024-03-10T23:59:59', note: 'said "hi", left', opens: '12:00:00' },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('column_types override inference per column (leading zeros kept), merged from folder and properties config', async () => {
      await seedProject(dir, { select: 'zips' });
      expect(await columnTypes(wh, 'zips')).toEqual({ zip: 'varchar', city: 'varchar', population: 'bigint' });
      expect(await wh.sql('select zip, population from main.zips order by zip')).toEqual([
        { zip: '00501', population: 5_000_000_000 },
        { zip: '01234', population: 30_000 },
        { zip: '90210', population: 34_000 },
      ]);
    });

    it('keeps column names with spaces and mixed case (quote_columns), in the folder schema', async () => {
      await seedProject(dir, { select: 'country_codes' });
      expect(await columnTypes(wh, 'country_codes', 'main_lookups')).toEqual({ 'ISO Code': 'varchar', 'Country Name': 'varchar', population: 'integer' });
      expect(await wh.sql(`select "Country Name" from main_lookups.country_codes where "ISO Code" = 'FR'`)).toEqual([{ 'Country Name': 'France, Metropolitan' }]);
    });

    it('a header with mixed case, spaces and a reserved word loads, queryable by those exact names', async () => {
      write(dir, 'seeds/orders.csv', '"Order Id",select,Amount\n1,first,10\n2,second,25\n');
      const r = await seedProject(dir, { select: 'orders' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2' });
      expect(await wh.columns('orders')).toEqual([
        { name: 'Order Id', type: 'integer' },
        { name: 'select', type: 'varchar' },
        { name: 'Amount', type: 'integer' },
      ]);
      expect(await wh.sql('select "Order Id", "select", "Amount" from main.orders order by "Order Id"')).toEqual([
        { 'Order Id': 1, select: 'first', Amount: 10 },
        { 'Order Id': 2, select: 'second', Amount: 25 },
      ]);
      // The reload path (truncate + insert) addresses the same columns.
      const again = await seedProject(dir, { select: 'orders' });
      expect(again.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2' });
    });

    it('quote_columns: false gives plain names the warehouse unquoted spelling', async () => {
      write(dir, 'seeds/orders.csv', '"Order Id",select,Amount\n1,first,10\n2,second,25\n');
      write(dir, 'seeds/orders.yml', 'version: 2\nseeds:\n  - name: orders\n    config:\n      quote_columns: false\n      column_types:\n        Amount: bigint\n');
      const r = await seedProject(dir, { select: 'orders' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2' });
      // Postgres folds unquoted identifiers to lower case; DuckDB keeps the spelling (and matches names case-insensitively).
      // Names that are not plain identifiers ("Order Id") and reserved words stay quoted as written.
      const amount = kind === 'postgres' ? 'amount' : 'Amount';
      expect(await wh.columns('orders')).toEqual([
        { name: 'Order Id', type: 'integer' },
        { name: 'select', type: 'varchar' },
        { name: amount, type: 'bigint' }, // column_types follows its column through the fold
      ]);
      expect(await wh.sql('select "Order Id" as order_id, amount as amount from main.orders order by 1')).toEqual([
        { order_id: 1, amount: 10 },
        { order_id: 2, amount: 25 },
      ]);
      // The folded names match the table's, so the next run reloads instead of rebuilding.
      const again = await seedProject(dir, { select: 'orders' });
      expect(again.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2' });
    });

    it('reads a `;`-delimited file (delimiter config), values with commas intact', async () => {
      await seedProject(dir, { select: 'semicolon' });
      expect(await wh.sql('select * from main.semicolon order by id')).toEqual([
        { id: 1, label: 'alpha, first', amount: 1.5 },
        { id: 2, label: 'beta', amount: 2.25 },
      ]);
    });

    it('a header-only file makes an empty table with the header columns as text', async () => {
      await seedProject(dir, { select: 'header_only' });
      expect(await columnTypes(wh, 'header_only')).toEqual({ a: 'varchar', b: 'varchar', c: 'varchar' });
      expect(await count(wh, 'main.header_only')).toBe(0);
    });

    it('a disabled seed is not loaded', async () => {
      await seedProject(dir);
      expect((await wh.relations()).map((r) => r.name)).not.toContain('retired');
    });

    it('build loads a seed before the model that refs it', async () => {
      const r = await build(await loadProject({ projectDir: dir }));
      expect(r.success).toBe(true);
      const order = r.results.map((x) => x.name);
      expect(order.indexOf('country_codes')).toBeLessThan(order.indexOf('country_summary'));
      expect(await wh.sql('select iso_code, population from main.country_summary order by 1')).toEqual([
        { iso_code: 'DE', population: 84000000 },
        { iso_code: 'FR', population: 68000000 },
      ]);
    });

    it('null, NULL and empty fields are NULL in declared and inferred columns alike, on first load and on reload', async () => {
      write(dir, 'seeds/raw/zips.csv', 'zip,city,population\n01234,,null\n00501,NULL,5000000000\n90210,Beverly Hills,\n10001,"Null","null"\n');
      const first = await seedProject(dir, { select: 'zips' });
      expect(first.results[0]).toMatchObject({ status: 'success', message: 'INSERT 4' });
      expect(await columnTypes(wh, 'zips')).toEqual({ zip: 'varchar', city: 'varchar', population: 'bigint' });
      const rows = [
        { zip: '00501', city: null, population: 5_000_000_000 },
        { zip: '01234', city: null, population: null },
        { zip: '10001', city: null, population: null },
        { zip: '90210', city: 'Beverly Hills', population: null },
      ];
      expect(await wh.sql('select zip, city, population from main.zips order by zip')).toEqual(rows);
      // Reload into the typed table: `typed`'s inferred integer and double columns get NULL strings too.
      await seedProject(dir, { select: 'typed' });
      const typed = readFileSync(path.join(dir, 'seeds/raw/typed.csv'), 'utf8').replace('1,19.99,2024-01-15,true', 'null,NULL,null,Null');
      write(dir, 'seeds/raw/typed.csv', typed);
      const r = await seedProject(dir, { select: 'zips typed' });
      expect(Object.fromEntries(r.results.map((x) => [x.name, x.message]))).toEqual({ typed: 'INSERT 3', zips: 'INSERT 4' });
      expect(await wh.sql('select zip, city, population from main.zips order by zip')).toEqual(rows);
      expect(await wh.sql('select id, price, sold_on, active from main.typed order by id nulls first')).toEqual([
        { id: null, price: null, sold_on: null, active: null },
        { id: 2, price: 5, sold_on: '2024-02-01', active: false },
        { id: 3, price: 120.5, sold_on: '2024-03-10', active: true },
      ]);
    });

    it('in a large file, null strings are NULL wherever they fall (quoted fields with delimiters and line breaks around)', async () => {
      const lines = ['zip,city,population'];
      for (let i = 0; i < 30_000; i++) lines.push(`${10000 + i},"City, ${i}${i % 7 === 0 ? '\nnull' : ''}",${i % 3 === 0 ? 'null' : i}`);
      write(dir, 'seeds/raw/zips.csv', `${lines.join('\n')}\n`);
      const r = await seedProject(dir, { select: 'zips' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 30000' });
      expect(await wh.sql(`select cast(count(*) - count(population) as integer) as nulls, cast(count(city) as integer) as cities, cast(sum(population) as bigint) as total from main.zips`)).toEqual([
        { nulls: 10_000, cities: 30_000, total: (30_000 * 29_999) / 2 - 3 * ((10_000 * 9_999) / 2) },
      ]);
      expect(await wh.sql(`select city from main.zips where zip = '10007'`)).toEqual([{ city: 'City, 7\nnull' }]);
    });

    it('booleans spelled t/f or yes/no, and integers beyond 32 bits', async () => {
      write(dir, 'seeds/kinds.csv', 'id,tf,yn,big\n1,t,yes,5000000000\n2,f,no,1\n');
      await seedProject(dir, { select: 'kinds' });
      // DuckDB's CSV reader takes t/f and yes/no as BOOLEAN and wide integers as BIGINT (dbt-duckdb);
      // the Postgres path applies dbt's agate rules: only true/false are booleans, and an integer beyond
      // int4 is a number (float8), as dbt-postgres loads it.
      if (kind === 'duckdb') {
        expect(await columnTypes(wh, 'kinds')).toEqual({ id: 'integer', tf: 'boolean', yn: 'boolean', big: 'bigint' });
        expect(await wh.sql('select tf, yn, big from main.kinds order by id')).toEqual([
          { tf: true, yn: true, big: 5_000_000_000 },
          { tf: false, yn: false, big: 1 },
        ]);
      } else {
        expect(await columnTypes(wh, 'kinds')).toEqual({ id: 'integer', tf: 'varchar', yn: 'varchar', big: 'double' });
        expect(await wh.sql('select tf, yn, big from main.kinds order by id')).toEqual([
          { tf: 't', yn: 'yes', big: 5_000_000_000 },
          { tf: 'f', yn: 'no', big: 1 },
        ]);
      }
    });
  });

  describe('reloading and --full-refresh', () => {
    it('without --full-refresh: truncate + insert, keeping the table and its column types (dbt)', async () => {
      await seedProject(dir, { select: 'zips' });
      // A changed column_types only applies with --full-refresh, as in dbt.
      write(dir, 'seeds/raw/zips.csv', 'zip,city,population\n01234,Springfield,30000\n10001,New York,8300000\n');
      const props = path.join(dir, 'seeds/properties.yml');
      writeFileSync(props, readFileSync(props, 'utf8').replace('population: bigint', 'population: float8'));
      const r = await seedProject(dir, { select: 'zips' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2', rowsAffected: 2 });
      expect(await columnTypes(wh, 'zips')).toMatchObject({ population: 'bigint' });
      expect(await wh.sql('select zip from main.zips order by zip')).toEqual([{ zip: '01234' }, { zip: '10001' }]);

      const full = await seedProject(dir, { select: 'zips', fullRefresh: true });
      expect(full.results[0]).toMatchObject({ status: 'success', message: 'CREATE 2', rowsAffected: 2 });
      expect(await columnTypes(wh, 'zips')).toMatchObject({ population: 'double' });
      expect(await wh.leftovers()).toEqual([]);
    });

    it('a header that no longer matches the table rebuilds it (where dbt would fail and ask for --full-refresh)', async () => {
      await seedProject(dir, { select: 'semicolon' });
      write(dir, 'seeds/raw/semicolon.csv', 'id;label;amount;currency\n1;alpha;1.5;EUR\n');
      const r = await seedProject(dir, { select: 'semicolon' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'CREATE 1 (the columns changed: table rebuilt)' });
      expect(await wh.sql('select * from main.semicolon order by id')).toEqual([{ id: 1, label: 'alpha', amount: 1.5, currency: 'EUR' }]);
    });

    it('full_refresh: false in config wins over --full-refresh', async () => {
      rewriteProject(dir, 'name: seeds_demo\nseeds:\n  seeds_demo:\n    +full_refresh: false\n');
      await seedProject(dir, { select: 'header_only' });
      const r = await seedProject(dir, { select: 'header_only', fullRefresh: true });
      expect(r.results[0]!.message).toBe('INSERT 0');
    });

    it('--full-refresh keeps a view built on the seed, which then reads the new rows', async () => {
      const r = await build(await loadProject({ projectDir: dir }));
      expect(r.success).toBe(true);
      expect(await wh.relations()).toContainEqual({ name: 'country_summary', kind: 'view' });
      write(dir, 'seeds/lookups/country_codes.csv', 'ISO Code,Country Name,population\nDE,Germany,84000000\nIT,Italy,59000000\n');
      const full = await seedProject(dir, { select: 'country_codes', fullRefresh: true });
      expect(full.results[0]).toMatchObject({ status: 'success', message: 'CREATE 2' });
      expect(await wh.relations()).toContainEqual({ name: 'country_summary', kind: 'view' });
      expect(await wh.sql('select iso_code, country_name, population from main.country_summary order by 1')).toEqual([
        { iso_code: 'DE', country_name: 'Germany', population: 84000000 },
        { iso_code: 'IT', country_name: 'Italy', population: 59000000 },
      ]);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('a rebuild for changed columns keeps a view built on the seed', async () => {
      await seedProject(dir, { select: 'zips' });
      await wh.sql('create view main.big_zips as select zip, population from main.zips where population > 100000');
      write(dir, 'seeds/raw/zips.csv', 'zip,city,state,population\n01234,Springfield,MA,30000\n10001,New York,NY,8300000\n');
      const r = await seedProject(dir, { select: 'zips' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'CREATE 2 (the columns changed: table rebuilt)' });
      expect(await wh.relations()).toEqual([
        { name: 'big_zips', kind: 'view' },
        { name: 'zips', kind: 'table' },
      ]);
      expect(await wh.sql('select zip, population from main.big_zips order by zip')).toEqual([{ zip: '10001', population: 8_300_000 }]);
    });
  });

  describe('bad files', () => {
    const ragged = 'zip,city,population\n01234,Springfield,30000\n99999,Nowhere\n';
    // Each engine words a malformed row its own way; both name the file and the line.
    const missingField = kind === 'duckdb' ? 'row has 2 fields, the header has 3' : 'row has fewer fields than the header (missing data for column "population")';

    async function seededThenBroken(content: string): Promise<void> {
      await seedProject(dir, { select: 'zips' });
      write(dir, 'seeds/raw/zips.csv', content);
    }

    it('a ragged row fails with the file and line, and the previous table keeps its rows', async () => {
      await seededThenBroken(ragged);
      const r = await seedProject(dir, { select: 'zips' });
      expect(r.success).toBe(false);
      expect(r.results[0]!.status).toBe('error');
      expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: /);
      expect(r.results[0]!.message).toContain(missingField);
      expect(r.results[0]!.message).toContain('"main"."zips" is unchanged');
      expect(await count(wh, 'main.zips')).toBe(3);
    });

    it('the same with --full-refresh (temp table, then swap)', async () => {
      await seededThenBroken(ragged);
      const r = await seedProject(dir, { select: 'zips', fullRefresh: true });
      expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: /);
      expect(r.results[0]!.message).toContain(missingField);
      expect(r.results[0]!.message).toContain('"main"."zips" is unchanged');
      expect(await count(wh, 'main.zips')).toBe(3);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('an unclosed quote names the line where the quoted value starts', async () => {
      await seededThenBroken('zip,city,population\n01234,Springfield,30000\n99999,"Nowhere,1\n88888,Elsewhere,2\n');
      const r = await seedProject(dir, { select: 'zips', fullRefresh: true });
      expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: a quoted value starts here and is never closed/);
      expect(await count(wh, 'main.zips')).toBe(3);
      expect(await wh.leftovers()).toEqual([]);
    });

    it('in a large file the line comes from the engine itself', async () => {
      const lines = ['zip,city,population'];
      for (let i = 0; i < 30_000; i++) lines.push(`${10000 + i},City ${i},${i}`);
      lines.push('1,2');
      write(dir, 'seeds/raw/zips.csv', `${lines.join('\n')}\n`);
      const r = await seedProject(dir, { select: 'zips' });
      expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:30002: /);
      expect(r.results[0]!.message).toContain(kind === 'duckdb' ? 'row has 2 fields, the header has 3: 1,2' : missingField);
      expect(await wh.relations()).toEqual([]);
    });

    it('a value that does not fit the type inferred from the first rows: types are inferred from the whole file', async () => {
      const lines = ['n,label'];
      for (let i = 0; i < 30_000; i++) lines.push(`${i},x${i}`);
      lines.push('n/a,last');
      write(dir, 'seeds/header_only.csv', `${lines.join('\n')}\n`);
      const r = await seedProject(dir, { select: 'header_only' });
      expect(r.results[0]).toMatchObject({ status: 'success', rowsAffected: 30_001 });
      expect(await columnTypes(wh, 'header_only')).toEqual({ n: 'varchar', label: 'varchar' });
      expect(await wh.sql(`select n, label from main.header_only where label in ('x0', 'last') order by label`)).toEqual([
        { n: 'n/a', label: 'last' },
        { n: '0', label: 'x0' },
      ]);
    });

    it('a declared type that a value does not fit names the line, column and value, on first load, reload and --full-refresh', async () => {
      // The type as each engine spells it in its error.
      const reason = `value "lots" in column \`population\` is not a valid ${kind === 'duckdb' ? 'BIGINT' : 'bigint'}`;
      write(dir, 'seeds/header_only.csv', 'zip,city,population\n01234,Springfield,lots\n');
      const props = path.join(dir, 'seeds/properties.yml');
      writeFileSync(props, `${readFileSync(props, 'utf8')}  - name: header_only\n    config:\n      column_types:\n        population: bigint\n`);
      const first = await seedProject(dir, { select: 'header_only' });
      expect(first.results[0]!.message).toMatch(/^seeds\/header_only\.csv:2: /);
      expect(first.results[0]!.message).toContain(reason);
      expect(await wh.relations()).toEqual([]);

      await seededThenBroken('zip,city,population\n01234,Springfield,30000\n99999,Nowhere,lots\n');
      for (const fullRefresh of [false, true]) {
        const r = await seedProject(dir, { select: 'zips', fullRefresh });
        expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: /);
        expect(r.results[0]!.message).toContain(reason);
        expect(r.results[0]!.message).toContain('"main"."zips" is unchanged');
        expect(await count(wh, 'main.zips')).toBe(3);
      }
      expect(await wh.leftovers()).toEqual([]);
    });

    it('CRLF line endings', async () => {
      write(dir, 'seeds/raw/semicolon.csv', 'id;label;amount\r\n1;"two\r\nlines";null\r\n2;beta;2.25\r\n');
      const r = await seedProject(dir, { select: 'semicolon' });
      expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2' });
      expect(await wh.sql('select id, label, amount from main.semicolon order by id')).toEqual([
        { id: 1, label: 'two\r\nlines', amount: null },
        { id: 2, label: 'beta', amount: 2.25 },
      ]);
    });

    it('an empty file is a clear error', async () => {
      write(dir, 'seeds/header_only.csv', '');
      const r = await seedProject(dir, { select: 'header_only' });
      expect(r.results[0]!.message).toBe('seeds/header_only.csv: the file is empty: a seed needs at least a header row naming its columns');
    });

    it('column_types naming no column is ignored (as dbt) and noted in the result', async () => {
      write(dir, 'seeds/properties.yml', 'version: 2\nseeds:\n  - name: zips\n    config:\n      column_types:\n        Population: bigint\n');
      const r = await seedProject(dir, { select: 'zips' });
      expect(r.results[0]!.message).toBe('INSERT 3 (column_types: no column `Population`, did you mean `population`?)');
    });
  });

  // DuckDB standing in for a server adapter: core's copy path against DuckDB's own types. Postgres
  // takes the copy path natively in every scenario above.
  it.runIf(kind === 'duckdb')('the copy path (Connection.copyCsv) infers the same types as the query path, and reloads', async () => {
    function copyAdapter(): Adapter {
      return {
        ...duckdbAdapter,
        createDialect: (config) => {
          const base = duckdbAdapter.createDialect(config);
          return Object.create(base, { selectFromCsv: { value: undefined } }) as Dialect;
        },
        createDriver: (config, ctx) => {
          const driver = duckdbAdapter.createDriver(config, ctx);
          const dialect = duckdbAdapter.createDialect(config);
          return {
            close: () => driver.close(),
            connect: async (): Promise<Connection> => {
              const conn = await driver.connect();
              // Appends text rows as COPY does.
              const copyCsv = async (rel: RelationRef, file: string, o: CsvCopyOptions) => {
                const read = `read_csv(${dialect.stringLiteral(file)}, header = true, delim = ${dialect.stringLiteral(o.delimiter)}, quote = '"', escape = '"', all_varchar = true, nullstr = ['', 'null', 'NULL'], strict_mode = true)`;
                return (await conn.execute(`INSERT INTO ${dialect.relationName(rel)} SELECT * FROM ${read}`)).rowsAffected ?? 0;
              };
              return Object.assign(conn, { copyCsv });
            },
          };
        },
      };
    }
    const r = await seedProject(dir, { adapters: [copyAdapter()] });
    expect(r.results.every((x) => x.status === 'success')).toBe(true);
    expect(await columnTypes(wh, 'typed')).toEqual(TYPED);
    expect(await columnTypes(wh, 'zips')).toEqual({ zip: 'varchar', city: 'varchar', population: 'bigint' });
    expect(await wh.sql('select code, note from main.typed order by id')).toEqual([
      { code: 123, note: null },
      { code: 456, note: null },
      { code: 7, note: 'said "hi", left' },
    ]);
    const again = await seedProject(dir, { adapters: [copyAdapter()], select: 'typed' });
    expect(again.results[0]).toMatchObject({ status: 'success', message: 'INSERT 3' });
  });

  describe('config and caching', () => {
    it('a delimiter that is not one character is an error for that seed only', async () => {
      write(dir, 'seeds/properties.yml', 'version: 2\nseeds:\n  - name: zips\n    config:\n      delimiter: ";;"\n');
      const r = await seedProject(dir);
      const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
      expect(byName['zips']!.message).toMatch(/^seeds\/raw\/zips\.csv: `delimiter` must be one character, got ";;"/);
      expect(byName['typed']!.status).toBe('success');
    });

    it('a CSV added or changed after a run is seen by the next one (the parse cache keys on seed files)', async () => {
      await seedProject(dir, { select: 'zips' });
      write(dir, 'seeds/extra.csv', 'k,v\n1,one\n');
      const r = await seedProject(dir, { select: 'extra' });
      expect(r.results.map((x) => [x.name, x.message])).toEqual([['extra', 'INSERT 1']]);
      expect(await wh.sql('select k, v from main.extra')).toEqual([{ k: 1, v: 'one' }]);
    });
  });

  describe('tsdbt seed (CLI)', () => {
    it('exits 0 when every seed loads and 1 when one fails, naming file and line', async () => {
      const ok = tsdbt(['seed', '--project-dir', dir]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/seed\s+"main"\."typed" 3 rows/);
      expect(await count(wh, 'main.typed')).toBe(3);
      write(dir, 'seeds/raw/zips.csv', 'zip,city\n1,a,b\n');
      const bad = tsdbt(['seed', '--project-dir', dir]);
      expect(bad.code).toBe(1);
      // Engine wording differs; the file and line do not.
      expect(bad.stdout + bad.stderr).toContain(`seeds/raw/zips.csv:2: ${kind === 'duckdb' ? 'row has 3 fields, the header has 2' : 'row has more fields than the header'}`);
    });
  });
});
