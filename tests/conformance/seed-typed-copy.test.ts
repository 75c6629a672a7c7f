// Seeds on the copy path with columns typed from a sample (Postgres): core reads the kinds of the
// first 1000 rows, creates those columns typed, and the connection checks every later value while
// copying; a value that does not fit sends the seed back to the all-text load, typed from every row.
// The results must be dbt's either way. DuckDB loads by query (its own reader's inference) and is run
// on the same files to show where the engines differ.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, seed, type Adapter, type Connection, type CsvCopyOptions, type RunOptions } from '@tsdbt/core';
import { postgresAdapter } from '@tsdbt/postgres';
import { copyFixture } from '../support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from '../support/warehouse.js';

type Call = { sql: string } | { copy: CsvCopyOptions } | { tx: 'BEGIN' | 'COMMIT' | 'ROLLBACK' };

/** The adapter with connections that log every statement and copy; `checksKinds: false` hides the typed copy (today's all-text load). */
function traced(base: Adapter, log: Call[], { checksKinds }: { checksKinds?: boolean } = {}): Adapter {
  return {
    ...base,
    createDriver(config, ctx) {
      const driver = base.createDriver(config, ctx);
      return {
        close: () => driver.close(),
        connect: async (): Promise<Connection> => {
          const conn = await driver.connect();
          return {
            execute: (sql, params) => {
              log.push({ sql });
              return conn.execute(sql, params);
            },
            begin: () => (log.push({ tx: 'BEGIN' }), conn.begin()),
            commit: () => (log.push({ tx: 'COMMIT' }), conn.commit()),
            rollback: () => (log.push({ tx: 'ROLLBACK' }), conn.rollback()),
            cancel: () => conn.cancel?.() ?? Promise.resolve(),
            close: () => conn.close(),
            copyCsv: (rel, file, options) => {
              log.push({ copy: options });
              return conn.copyCsv!(rel, file, options);
            },
            copyCsvChecksKinds: checksKinds ?? conn.copyCsvChecksKinds,
          };
        },
      };
    },
  };
}

const copies = (log: Call[]) => log.flatMap((c) => ('copy' in c ? [c.copy] : []));
const alters = (log: Call[]) => log.flatMap((c) => ('sql' in c && /^ALTER TABLE .* TYPE /s.test(c.sql) ? [c.sql] : []));

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

  async function seedIt(options: RunOptions = {}) {
    const r = await seed(await loadProject({ projectDir: dir }), { select: 'late', ...options });
    expect(r.results.map((x) => x.status)).toEqual(['success']);
    return r.results[0]!;
  }

  const types = async () => Object.fromEntries((await wh.columns('late')).map((c) => [c.name, c.type]));
  const rows = () => wh.sql('select * from main.late order by id');

  it('a value after the sampled rows that does not fit its column kind: loaded again as text and typed from every row, as dbt', async () => {
    // Row 1500 (after the 1000 sampled) breaks five columns' sampled kinds; `f` and `g` still fit theirs.
    const lines = ['id,a,b,c,d,t,f,g,h'];
    for (let i = 1; i <= 3000; i++) {
      const odd = i === 1500;
      lines.push(
        [
          i,
          odd ? ' 12' : i,
          odd ? '1e3' : `${i}.5`,
          odd ? '2147483648' : i,
          odd ? '2023-02-29' : `2024-02-${String(1 + (i % 29)).padStart(2, '0')}`,
          odd ? '2024-01-01 24:00:00' : '2024-01-01 10:00:00',
          odd ? 'True' : i % 2 ? 'true' : 'false',
          i === 2000 ? '+7' : i,
          i === 2000 ? '.5' : i === 2001 ? '1.' : `${i}.25`,
        ].join(','),
      );
    }
    writeFileSync(path.join(dir, 'seeds/late.csv'), `${lines.join('\n')}\n`);
    if (kind === 'duckdb') {
      // DuckDB's reader: ` 12` is an integer (trimmed), `1e3` a double, 2147483648 a BIGINT and
      // `24:00:00` the next midnight; only the date that does not exist stays text.
      await seedIt();
      expect(await types()).toEqual({ id: 'integer', a: 'integer', b: 'double', c: 'bigint', d: 'varchar', t: 'timestamp', f: 'boolean', g: 'integer', h: 'double' });
      return;
    }
    const log: Call[] = [];
    const typedFirst = await seedIt({ adapters: [traced(postgresAdapter, log)] });
    expect(typedFirst).toMatchObject({ message: 'INSERT 3000', rowsAffected: 3000 });
    // The typed copy was tried, aborted at row 1500 (line 1501), rolled back; then the all-text load.
    const [typed, plain, ...more] = copies(log);
    expect(more).toEqual([]);
    expect(typed!.kinds).toEqual({ id: 'integer', a: 'integer', b: 'number', c: 'integer', d: 'date', t: 'timestamp', f: 'boolean', g: 'integer', h: 'number' });
    expect(plain!.kinds).toBeUndefined();
    expect(log.filter((c) => 'tx' in c).map((c) => (c as { tx: string }).tx)).toEqual(['BEGIN', 'ROLLBACK', 'BEGIN', 'COMMIT']);
    // dbt's rules over every row: no spaces, no exponent, int4 only, real dates, hours up to 23.
    const expected = { id: 'integer', a: 'varchar', b: 'varchar', c: 'double', d: 'varchar', t: 'varchar', f: 'boolean', g: 'integer', h: 'double' };
    expect(await types()).toEqual(expected);
    const loaded = await rows();
    expect(loaded.find((r) => r['id'] === 1500)).toEqual({ id: 1500, a: ' 12', b: '1e3', c: 2147483648, d: '2023-02-29', t: '2024-01-01 24:00:00', f: true, g: 1500, h: 1500.25 });
    expect(loaded.find((r) => r['id'] === 2000)).toMatchObject({ g: 7, h: 0.5 });

    // The same file through today's all-text load alone: the same table.
    const plainLog: Call[] = [];
    await seedIt({ adapters: [traced(postgresAdapter, plainLog, { checksKinds: false })], fullRefresh: true });
    expect(copies(plainLog).map((c) => c.kinds)).toEqual([undefined]);
    expect(await types()).toEqual(expected);
    expect(await rows()).toEqual(loaded);
  });

  it('every value fits its sampled kind: the columns are created typed and never altered; a column empty in the sample is inferred over every row', async () => {
    // CRLF, quoted values, every spelling of NULL in typed columns, a quoted line break, a leap day.
    const lines = ['id,amount,day,ts,flag,name,late'];
    for (let i = 1; i <= 2500; i++) {
      lines.push(
        [
          i % 7 === 0 ? `"${i}"` : i,
          i % 11 === 0 ? 'null' : i % 13 === 0 ? '""' : i % 19 === 0 ? '"NULL"' : `${i}.25`,
          i % 17 === 0 ? 'Null' : i % 5 === 0 ? '2024-02-29' : `2023-${String(1 + (i % 12)).padStart(2, '0')}-28`,
          ['2024-01-01T10:30', '2024-01-01 10:30:00', '2024-01-01T10:30:00.123456'][i % 3],
          ['TRUE', 'false', 'True', ''][i % 4],
          i % 50 === 0 ? `"Name, ${i}\r\nsecond line"` : `Name ${i}`,
          i <= 1200 ? '' : i,
        ].join(','),
      );
    }
    writeFileSync(path.join(dir, 'seeds/late.csv'), `${lines.join('\r\n')}\r\n`);
    const nullAmounts = Array.from({ length: 2500 }, (_, k) => k + 1).filter((i) => i % 11 === 0 || i % 13 === 0 || i % 19 === 0).length;
    const log: Call[] = [];
    const adapters = kind === 'postgres' ? [traced(postgresAdapter, log)] : undefined;
    expect(await seedIt(adapters ? { adapters } : {})).toMatchObject({ message: 'INSERT 2500' });
    expect(await types()).toEqual({ id: 'integer', amount: 'double', day: 'date', ts: 'timestamp', flag: 'boolean', name: 'varchar', late: 'integer' });
    expect(await wh.sql('select cast(count(*) - count(amount) as integer) as amounts, cast(count(*) - count(day) as integer) as days, cast(count(*) - count(flag) as integer) as flags, cast(sum(late) as integer) as late from main.late')).toEqual([
      { amounts: nullAmounts, days: 147, flags: 625, late: (2500 * 2501) / 2 - (1200 * 1201) / 2 },
    ]);
    expect(await wh.sql('select id, amount, day, ts, flag, name from main.late where id in (50, 1001) order by id')).toEqual([
      { id: 50, amount: 50.25, day: '2024-02-29', ts: '2024-01-01T10:30:00.123456', flag: true, name: 'Name, 50\r\nsecond line' },
      { id: 1001, amount: null, day: '2023-06-28', ts: '2024-01-01T10:30:00.123456', flag: false, name: 'Name 1001' },
    ]);
    if (kind === 'duckdb') return;
    expect(copies(log).map((c) => c.kinds)).toEqual([{ id: 'integer', amount: 'number', day: 'date', ts: 'timestamp', flag: 'boolean' }]);
    // Only `late` (no value in the first 1000 rows) is typed afterwards, by SQL over every row.
    expect(alters(log)).toEqual([expect.stringMatching(/^ALTER TABLE "main"\."late__tsdbt_tmp"\s+ALTER COLUMN "late" TYPE integer USING "late"::integer$/)]);

    // A reload copies into the existing table, whose types the engine checks: no kinds.
    log.length = 0;
    expect(await seedIt({ adapters: [traced(postgresAdapter, log)] })).toMatchObject({ message: 'INSERT 2500' });
    expect(copies(log).map((c) => c.kinds)).toEqual([undefined]);
    expect(alters(log)).toEqual([]);
  });
});
