import { describe, expect, it } from 'vitest';
import { createDuckDBDialect } from './duckdb-dialect.js';
import { createDuckDBDriver } from './duckdb-driver.js';

const d = createDuckDBDialect();

describe('DuckDB seeds SQL', () => {
  it('selectFromCsv sets every read_csv option that matters, escaping the path and names', () => {
    expect(d.selectFromCsv("/p/seeds/o'brien.csv", { delimiter: ';', header: true, columnTypes: { "it's": 'varchar(5)' } })).toBe(
      "SELECT * FROM read_csv('/p/seeds/o''brien.csv', header = true, delim = ';', quote = '\"', escape = '\"', comment = '', skip = 0, strict_mode = true, null_padding = false, ignore_errors = false, hive_partitioning = false, nullstr = ['', 'null', 'NULL', 'Null'], auto_type_candidates = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DATE', 'VARCHAR'], types = {'it''s': 'varchar(5)'})",
    );
    const inferred = d.selectFromCsv('/f.csv', { delimiter: ',', header: true, columnTypes: {}, wholeFile: true });
    expect(inferred).toMatch(/dateformat = '%Y-%m-%d', sample_size = -1\)$/);
  });

  it('explainCsvError reads line, reason and whether a sampled type was too narrow', () => {
    const ragged = 'Invalid Input Error: CSV Error on Line: 50002\nOriginal Line: 1,2\nExpected Number of Columns: 3 Found: 2\nPossible fixes:\n* …';
    expect(d.explainCsvError(ragged)).toEqual({ line: 50002, reason: 'row has 2 fields, the header has 3: 1,2', sampledTypeMismatch: false });
    const conversion = `Conversion Error: CSV Error on Line: 7\nOriginal Line: zz,2\nError when converting column "a b". Could not convert string "zz" to 'BIGINT'\n\nColumn a is being converted as type BIGINT\nThis type was auto-detected from the CSV file.\n`;
    expect(d.explainCsvError(conversion)).toEqual({ line: 7, reason: 'value "zz" in column `a b` is not a valid BIGINT', sampledTypeMismatch: true });
    expect(d.explainCsvError('Invalid Input Error: Error when sniffing file "x.csv".\nIt was not possible…')).toMatchObject({ line: undefined, reason: expect.stringContaining('cannot be read as CSV') });
    expect(d.explainCsvError('Catalog Error: Table with name x does not exist!')).toBeUndefined();
  });

  it('inferSeedKinds runs, with dbt rules, against a real table', async () => {
    const driver = createDuckDBDriver({ type: 'duckdb', schema: 'main', path: ':memory:' }, { projectDir: '/', projectName: 't' });
    const conn = await driver.connect();
    try {
      await conn.execute(`create table t as select * from (values
        ('00123', '1.50', '2024-01-02', '2024-01-02 10:00:00', 'TRUE', 'x', null::varchar, '2024-01-02T10:00:00', '2024-01-02 10:00:00.5', '01/02/2024', '12:30:00'),
        ('7', '2', '2024-12-31', '2024-12-31 23:59:59', 'false', '1', null, '2024-01-02T10:00', null, null, null)
      ) v(i, n, d, ts, b, s, e, iso, frac, mdy, tm)`);
      const cols = ['i', 'n', 'd', 'ts', 'b', 's', 'e', 'iso', 'frac', 'mdy', 'tm'];
      const { rows } = await conn.execute(d.inferSeedKinds({ schema: 'main', identifier: 't' }, cols));
      expect(rows[0]).toEqual({ i: 'integer', n: 'number', d: 'date', ts: 'timestamp', b: 'boolean', s: 'text', e: 'text', iso: 'timestamp', frac: 'text', mdy: 'text', tm: 'text' });
      const sample = await conn.execute(d.inferSeedKinds({ schema: 'main', identifier: 't' }, ['s'], 1));
      expect(sample.rows[0]).toEqual({ s: 'text' });
    } finally {
      await conn.close();
      await driver.close();
    }
  });
});
