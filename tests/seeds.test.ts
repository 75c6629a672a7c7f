// Seeds end to end on DuckDB: parse, type inference as dbt does it, config, build order, bad files,
// --full-refresh, and the "copy" load path a server adapter (Postgres) would use.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, loadProject, parse, parseProject, seed, TsdbtError, type Adapter, type Connection, type CsvCopyOptions, type Dialect, type RelationRef, type RunOptions } from '@tsdbt/core';
import { duckdbAdapter } from '@tsdbt/duckdb';
import { copyFixture, duckdb, tsdbt } from './support/project.js';

const dbFile = (dir: string) => path.join(dir, 'seeds_demo.duckdb');

async function seedProject(dir: string, options: RunOptions = {}) {
  return seed(await loadProject({ projectDir: dir }), options);
}

async function columnTypes(dir: string, schema: string, table: string): Promise<Record<string, string>> {
  const rows = await duckdb(dbFile(dir), `select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by ordinal_position`);
  return Object.fromEntries(rows.map((r) => [r['column_name'], r['data_type']]));
}

const TYPED = {
  id: 'INTEGER',
  price: 'DOUBLE',
  sold_on: 'DATE',
  active: 'BOOLEAN',
  name: 'VARCHAR',
  code: 'INTEGER', // 00123: dbt-duckdb infers a number (leading zeros dropped); column_types keeps text
  loaded_at: 'TIMESTAMP',
  iso_at: 'TIMESTAMP',
  note: 'VARCHAR',
  opens: 'VARCHAR', // dbt reads times as text
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
    writeFileSync(path.join(dir, 'tsdbt_project.yml'), `name: seeds_demo\nseeds:\n  seeds_demo:\n    +delimeter: ";"\n`);
    const project = await loadProject({ projectDir: dir });
    await parse(project);
    expect(project.diagnostics.items.map((d) => d.message)).toContainEqual(expect.stringContaining('unknown config key `delimeter` — did you mean `delimiter`?'));
  });

  it('a seed and a model with the same name is an error naming both files', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'models/zips.sql'), 'select 1 as x\n');
    const err = await parseProject(await loadProject({ projectDir: dir })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsdbtError);
    expect((err as TsdbtError).message).toMatch(/are both named `zips`/);
    expect((err as TsdbtError).message).toContain('seeds/raw/zips.csv');
    expect((err as TsdbtError).message).toContain('models/zips.sql');
  });

  it('two seeds with the same name in different folders is an error', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'seeds/lookups/zips.csv'), 'a\n1\n');
    const err = await parseProject(await loadProject({ projectDir: dir })).catch((e: unknown) => e);
    expect((err as TsdbtError).message).toMatch(/two seeds are named `zips`: seeds\/lookups\/zips\.csv and seeds\/raw\/zips\.csv/);
  });
});

describe('tsdbt seed on DuckDB', () => {
  it('loads every seed with the types dbt infers, and reports rows', async () => {
    const dir = copyFixture('seeds');
    const r = await seedProject(dir);
    expect(r.success).toBe(true);
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
    expect(byName['typed']).toMatchObject({ status: 'success', message: 'INSERT 3', rowsAffected: 3 });
    expect(byName['header_only']).toMatchObject({ status: 'success', message: 'INSERT 0', rowsAffected: 0 });
    expect(byName['retired']).toBeUndefined();
    expect(await columnTypes(dir, 'main', 'typed')).toEqual(TYPED);
    const rows = await duckdb(dbFile(dir), 'select id, price, sold_on::varchar as sold_on, active, code, iso_at::varchar as iso_at, note from main.typed order by id');
    expect(rows).toEqual([
      { id: 1, price: 19.99, sold_on: '2024-01-15', active: true, code: 123, iso_at: '2024-01-15 10:30:00', note: null },
      { id: 2, price: 5, sold_on: '2024-02-01', active: false, code: 456, iso_at: '2024-02-01 08:00:00', note: null }, // "null" is NULL, as in dbt
      { id: 3, price: 120.5, sold_on: '2024-03-10', active: true, code: 7, iso_at: '2024-03-10 23:59:59', note: 'said "hi", left' },
    ]);
  });

  it('column_types override inference per column (leading zeros kept), merged from folder and properties config', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'zips' });
    expect(await columnTypes(dir, 'main', 'zips')).toEqual({ zip: 'VARCHAR', city: 'VARCHAR', population: 'BIGINT' });
    expect(await duckdb(dbFile(dir), 'select zip from main.zips order by zip')).toEqual([{ zip: '00501' }, { zip: '01234' }, { zip: '90210' }]);
  });

  it('keeps column names with spaces and mixed case (quote_columns), in the folder schema', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'country_codes' });
    expect(Object.keys(await columnTypes(dir, 'main_lookups', 'country_codes'))).toEqual(['ISO Code', 'Country Name', 'population']);
    expect(await duckdb(dbFile(dir), `select "Country Name" from main_lookups.country_codes where "ISO Code" = 'FR'`)).toEqual([{ 'Country Name': 'France, Metropolitan' }]);
  });

  it('reads a `;`-delimited file (delimiter config), values with commas intact', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'semicolon' });
    expect(await duckdb(dbFile(dir), 'select * from main.semicolon order by id')).toEqual([
      { id: 1, label: 'alpha, first', amount: 1.5 },
      { id: 2, label: 'beta', amount: 2.25 },
    ]);
  });

  it('a header-only file makes an empty table with the header columns as VARCHAR', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'header_only' });
    expect(await columnTypes(dir, 'main', 'header_only')).toEqual({ a: 'VARCHAR', b: 'VARCHAR', c: 'VARCHAR' });
  });

  it('a disabled seed is not loaded, and ref() to it is an error', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir);
    expect(await duckdb(dbFile(dir), `select count(*)::int as n from information_schema.tables where table_name = 'retired'`)).toEqual([{ n: 0 }]);
    writeFileSync(path.join(dir, 'models/uses_retired.sql'), "select * from {{ ref('retired') }}\n");
    const err = await parseProject(await loadProject({ projectDir: dir })).catch((e: unknown) => e);
    expect((err as TsdbtError).message).toMatch(/refers to `retired`, which is disabled/);
  });

  it('build loads a seed before the model that refs it', async () => {
    const dir = copyFixture('seeds');
    const r = await build(await loadProject({ projectDir: dir }));
    expect(r.success).toBe(true);
    const order = r.results.map((x) => x.name);
    expect(order.indexOf('country_codes')).toBeLessThan(order.indexOf('country_summary'));
    expect(await duckdb(dbFile(dir), 'select iso_code, population from main.country_summary order by 1')).toEqual([
      { iso_code: 'DE', population: 84000000 },
      { iso_code: 'FR', population: 68000000 },
    ]);
  });
});

describe('reloading and --full-refresh', () => {
  it('without --full-refresh: truncate + insert, keeping the table and its column types (dbt)', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'zips' });
    // A changed column_types only applies with --full-refresh, as in dbt.
    writeFileSync(path.join(dir, 'seeds/raw/zips.csv'), 'zip,city,population\n01234,Springfield,30000\n10001,New York,8300000\n');
    const props = path.join(dir, 'seeds/properties.yml');
    writeFileSync(props, readFileSync(props, 'utf8').replace('population: bigint', 'population: double'));
    const r = await seedProject(dir, { select: 'zips' });
    expect(r.results[0]).toMatchObject({ status: 'success', message: 'INSERT 2', rowsAffected: 2 });
    expect(await columnTypes(dir, 'main', 'zips')).toMatchObject({ population: 'BIGINT' });
    expect(await duckdb(dbFile(dir), 'select zip from main.zips order by zip')).toEqual([{ zip: '01234' }, { zip: '10001' }]);

    const full = await seedProject(dir, { select: 'zips', fullRefresh: true });
    expect(full.results[0]).toMatchObject({ status: 'success', message: 'CREATE 2', rowsAffected: 2 });
    expect(await columnTypes(dir, 'main', 'zips')).toMatchObject({ population: 'DOUBLE' });
  });

  it('a header that no longer matches the table rebuilds it (where dbt would fail and ask for --full-refresh)', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'semicolon' });
    writeFileSync(path.join(dir, 'seeds/raw/semicolon.csv'), 'id;label;amount;currency\n1;alpha;1.5;EUR\n');
    const r = await seedProject(dir, { select: 'semicolon' });
    expect(r.results[0]).toMatchObject({ status: 'success', message: 'CREATE 1 (the columns changed: table rebuilt)' });
    expect(await duckdb(dbFile(dir), 'select * from main.semicolon')).toEqual([{ id: 1, label: 'alpha', amount: 1.5, currency: 'EUR' }]);
  });

  it('full_refresh: false in config wins over --full-refresh', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'tsdbt_project.yml'), 'name: seeds_demo\nseeds:\n  seeds_demo:\n    +full_refresh: false\n');
    await seedProject(dir, { select: 'header_only' });
    const r = await seedProject(dir, { select: 'header_only', fullRefresh: true });
    expect(r.results[0]!.message).toBe('INSERT 0');
  });
});

describe('bad files', () => {
  const ragged = 'zip,city,population\n01234,Springfield,30000\n99999,Nowhere\n';

  async function seededThenBroken(content: string) {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'zips' });
    writeFileSync(path.join(dir, 'seeds/raw/zips.csv'), content);
    return dir;
  }

  it('a ragged row fails with the file and line, and the previous table keeps its rows', async () => {
    const dir = await seededThenBroken(ragged);
    const r = await seedProject(dir, { select: 'zips' });
    expect(r.success).toBe(false);
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: row has 2 fields, the header has 3/);
    expect(r.results[0]!.message).toContain('"main"."zips" is unchanged');
    expect(await duckdb(dbFile(dir), 'select count(*)::int as n from main.zips')).toEqual([{ n: 3 }]);
  });

  it('the same with --full-refresh (temp table, then swap)', async () => {
    const dir = await seededThenBroken(ragged);
    const r = await seedProject(dir, { select: 'zips', fullRefresh: true });
    expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: row has 2 fields/);
    expect(await duckdb(dbFile(dir), 'select count(*)::int as n from main.zips')).toEqual([{ n: 3 }]);
    expect(await duckdb(dbFile(dir), `select count(*)::int as n from information_schema.tables where table_name like 'zips__tsdbt%'`)).toEqual([{ n: 0 }]);
  });

  it('an unclosed quote names the line where the quoted value starts', async () => {
    const dir = await seededThenBroken('zip,city,population\n01234,Springfield,30000\n99999,"Nowhere,1\n88888,Elsewhere,2\n');
    const r = await seedProject(dir, { select: 'zips', fullRefresh: true });
    expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:3: a quoted value starts here and is never closed/);
    expect(await duckdb(dbFile(dir), 'select count(*)::int as n from main.zips')).toEqual([{ n: 3 }]);
  });

  it('in a large file the line comes from DuckDB itself', async () => {
    const dir = copyFixture('seeds');
    const lines = ['zip,city,population'];
    for (let i = 0; i < 30_000; i++) lines.push(`${10000 + i},City ${i},${i}`);
    lines.push('1,2');
    writeFileSync(path.join(dir, 'seeds/raw/zips.csv'), `${lines.join('\n')}\n`);
    const r = await seedProject(dir, { select: 'zips' });
    expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:30002: row has 2 fields, the header has 3: 1,2/);
  });

  it('a value that does not fit the type sniffed from the first rows: types are inferred from the whole file', async () => {
    const dir = copyFixture('seeds');
    const lines = ['n,label'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},x${i}`);
    lines.push('n/a,last');
    writeFileSync(path.join(dir, 'seeds/header_only.csv'), `${lines.join('\n')}\n`);
    const r = await seedProject(dir, { select: 'header_only' });
    expect(r.results[0]).toMatchObject({ status: 'success', rowsAffected: 30_001 });
    expect(await columnTypes(dir, 'main', 'header_only')).toEqual({ n: 'VARCHAR', label: 'VARCHAR' });
  });

  it('a declared type that a value does not fit names the line, column and value', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'seeds/raw/zips.csv'), 'zip,city,population\n01234,Springfield,lots\n');
    const r = await seedProject(dir, { select: 'zips' });
    expect(r.results[0]!.message).toMatch(/^seeds\/raw\/zips\.csv:2: value "lots" in column `population` is not a valid BIGINT/);
  });

  it('an empty file is a clear error', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'seeds/header_only.csv'), '');
    const r = await seedProject(dir, { select: 'header_only' });
    expect(r.results[0]!.message).toBe('seeds/header_only.csv: the file is empty: a seed needs at least a header row naming its columns');
  });

  it('column_types naming no column is ignored (as dbt) and noted in the result', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'seeds/properties.yml'), 'version: 2\nseeds:\n  - name: zips\n    config:\n      column_types:\n        Population: bigint\n');
    const r = await seedProject(dir, { select: 'zips' });
    expect(r.results[0]!.message).toBe('INSERT 3 (column_types: no column `Population`, did you mean `population`?)');
  });
});

describe('the copy path (Connection.copyCsv), as a server adapter would load seeds', () => {
  // DuckDB standing in for Postgres: no selectFromCsv, a copyCsv that appends text rows as COPY does.
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

  it('infers the same types as the query path, from text columns, and reloads', async () => {
    const dir = copyFixture('seeds');
    const r = await seedProject(dir, { adapters: [copyAdapter()] });
    expect(r.results.every((x) => x.status === 'success')).toBe(true);
    expect(await columnTypes(dir, 'main', 'typed')).toEqual(TYPED);
    expect(await columnTypes(dir, 'main', 'zips')).toEqual({ zip: 'VARCHAR', city: 'VARCHAR', population: 'BIGINT' });
    expect(await duckdb(dbFile(dir), 'select code, note from main.typed order by id')).toEqual([
      { code: 123, note: null },
      { code: 456, note: null },
      { code: 7, note: 'said "hi", left' },
    ]);
    const again = await seedProject(dir, { adapters: [copyAdapter()], select: 'typed' });
    expect(again.results[0]).toMatchObject({ status: 'success', message: 'INSERT 3' });
  });
});

describe('config and caching', () => {
  it('a delimiter that is not one character is an error for that seed only', async () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'seeds/properties.yml'), 'version: 2\nseeds:\n  - name: zips\n    config:\n      delimiter: ";;"\n');
    const r = await seedProject(dir);
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
    expect(byName['zips']!.message).toMatch(/^seeds\/raw\/zips\.csv: `delimiter` must be one character, got ";;"/);
    expect(byName['typed']!.status).toBe('success');
  });

  it('a CSV added or changed after a run is seen by the next one (the parse cache keys on seed files)', async () => {
    const dir = copyFixture('seeds');
    await seedProject(dir, { select: 'zips' });
    writeFileSync(path.join(dir, 'seeds/extra.csv'), 'k,v\n1,one\n');
    const r = await seedProject(dir, { select: 'extra' });
    expect(r.results.map((x) => [x.name, x.message])).toEqual([['extra', 'INSERT 1']]);
  });
});

describe('tsdbt seed (CLI)', () => {
  it('exits 0 when every seed loads and 1 when one fails, naming file and line', () => {
    const dir = copyFixture('seeds');
    const ok = tsdbt(['seed', '--project-dir', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/seed\s+"main"\."typed" 3 rows/);
    writeFileSync(path.join(dir, 'seeds/raw/zips.csv'), 'zip,city\n1,a,b\n');
    const bad = tsdbt(['seed', '--project-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toContain('seeds/raw/zips.csv:2: row has 3 fields, the header has 2');
  });

  it('exits 2 on a project error (a seed named like a model)', () => {
    const dir = copyFixture('seeds');
    writeFileSync(path.join(dir, 'models/typed.sql'), 'select 1 as x\n');
    const r = tsdbt(['seed', '--project-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('are both named `typed`');
  });
});
