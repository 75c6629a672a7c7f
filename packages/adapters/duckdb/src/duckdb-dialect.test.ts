import { describe, expect, it } from 'vitest';
import { DuckDBDialect, stripTrailingSemicolons } from './duckdb-dialect.js';

const d = new DuckDBDialect();
const rel = { schema: 'analytics', identifier: 'orders' };
const relDb = { database: 'warehouse', schema: 'analytics', identifier: 'orders' };

describe('DuckDBDialect quoting', () => {
  it('always double-quotes identifiers and doubles embedded quotes', () => {
    expect(d.quoteIdentifier('orders')).toBe('"orders"');
    expect(d.quoteIdentifier('MixedCase')).toBe('"MixedCase"');
    expect(d.quoteIdentifier('select')).toBe('"select"');
    expect(d.quoteIdentifier('a"b')).toBe('"a""b"');
    expect(d.quoteIdentifier('with space')).toBe('"with space"');
    expect(d.quoteIdentifier('""')).toBe('""""""');
  });

  it('builds relation names, omitting an undefined or empty database', () => {
    expect(d.relationName(rel)).toBe('"analytics"."orders"');
    expect(d.relationName({ ...rel, database: undefined })).toBe('"analytics"."orders"');
    expect(d.relationName({ ...rel, database: '' })).toBe('"analytics"."orders"');
    expect(d.relationName(relDb)).toBe('"warehouse"."analytics"."orders"');
    expect(d.relationName({ database: 'My DB', schema: 'Order', identifier: 'x"y z' })).toBe('"My DB"."Order"."x""y z"');
  });

  it('escapes string literals by doubling single quotes (backslash is literal)', () => {
    expect(d.stringLiteral('abc')).toBe("'abc'");
    expect(d.stringLiteral("it's")).toBe("'it''s'");
    expect(d.stringLiteral('a\\b')).toBe("'a\\b'");
    expect(d.stringLiteral('')).toBe("''");
  });
});

describe('DuckDBDialect DDL', () => {
  it('createSchema', () => {
    expect(d.createSchema('analytics')).toBe('CREATE SCHEMA IF NOT EXISTS "analytics"');
    expect(d.createSchema('Sales Data', 'warehouse')).toBe('CREATE SCHEMA IF NOT EXISTS "warehouse"."Sales Data"');
  });

  it('createTableAs puts the query on its own lines', () => {
    expect(d.createTableAs(rel, 'select 1 as id')).toBe('CREATE TABLE "analytics"."orders" AS (\nselect 1 as id\n)');
    expect(d.createTableAs(relDb, 'select 1 as id -- note;\n')).toBe(
      'CREATE TABLE "warehouse"."analytics"."orders" AS (\nselect 1 as id -- note;\n)',
    );
  });

  it('createView', () => {
    expect(d.createView(rel, 'select * from t;')).toBe('CREATE VIEW "analytics"."orders" AS (\nselect * from t\n)');
  });

  it('renameRelation keeps the schema and quotes the new identifier only', () => {
    expect(d.renameRelation(rel, 'table', 'orders__tsdbt_backup')).toBe(
      'ALTER TABLE "analytics"."orders" RENAME TO "orders__tsdbt_backup"',
    );
    expect(d.renameRelation(relDb, 'view', 'New"Name')).toBe('ALTER VIEW "warehouse"."analytics"."orders" RENAME TO "New""Name"');
  });

  it('dropRelation', () => {
    expect(d.dropRelation(rel, 'table')).toBe('DROP TABLE IF EXISTS "analytics"."orders" CASCADE');
    expect(d.dropRelation(relDb, 'view')).toBe('DROP VIEW IF EXISTS "warehouse"."analytics"."orders" CASCADE');
  });
});

describe('DuckDBDialect incremental DML', () => {
  const tmp = { schema: 'analytics', identifier: 'orders__tsdbt_tmp' };

  it('insertInto names the columns on both sides', () => {
    expect(d.insertInto(rel, tmp, ['id', 'Amount'])).toBe('INSERT INTO "analytics"."orders" ("id", "Amount")\nSELECT "id", "Amount" FROM "analytics"."orders__tsdbt_tmp"');
    expect(() => d.insertInto(rel, tmp, [])).toThrow(RangeError);
  });

  it('deleteMatching compares every key column NULL-safely, then the predicates', () => {
    expect(d.deleteMatching(rel, tmp, { uniqueKey: ['day', 'cat"x'], predicates: ["DBT_INTERNAL_DEST.day > '2024-01-01'"] })).toBe(
      [
        'DELETE FROM "analytics"."orders" AS DBT_INTERNAL_DEST',
        'USING "analytics"."orders__tsdbt_tmp" AS DBT_INTERNAL_SOURCE',
        'WHERE (DBT_INTERNAL_SOURCE."day" IS NOT DISTINCT FROM DBT_INTERNAL_DEST."day") AND (DBT_INTERNAL_SOURCE."cat""x" IS NOT DISTINCT FROM DBT_INTERNAL_DEST."cat""x") AND (DBT_INTERNAL_DEST.day > \'2024-01-01\')',
      ].join('\n'),
    );
    expect(() => d.deleteMatching(rel, tmp, { uniqueKey: [] })).toThrow(RangeError);
  });

  it('merge updates the non-key columns of matched rows and inserts the rest', () => {
    expect(d.merge(rel, tmp, { uniqueKey: ['id'], columns: ['id', 'status'], updateColumns: ['status'] })).toBe(
      [
        'MERGE INTO "analytics"."orders" AS DBT_INTERNAL_DEST',
        'USING "analytics"."orders__tsdbt_tmp" AS DBT_INTERNAL_SOURCE',
        'ON (DBT_INTERNAL_SOURCE."id" IS NOT DISTINCT FROM DBT_INTERNAL_DEST."id")',
        'WHEN MATCHED THEN UPDATE SET "status" = DBT_INTERNAL_SOURCE."status"',
        'WHEN NOT MATCHED THEN INSERT ("id", "status") VALUES (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."status")',
      ].join('\n'),
    );
  });

  it('merge without a key matches nothing; with only key columns it never updates', () => {
    expect(d.merge(rel, tmp, { uniqueKey: [], columns: ['id'], updateColumns: ['id'], predicates: ['x > 1'] })).toBe(
      'MERGE INTO "analytics"."orders" AS DBT_INTERNAL_DEST\nUSING "analytics"."orders__tsdbt_tmp" AS DBT_INTERNAL_SOURCE\nON (FALSE) AND (x > 1)\nWHEN NOT MATCHED THEN INSERT ("id") VALUES (DBT_INTERNAL_SOURCE."id")',
    );
    expect(d.merge(rel, tmp, { uniqueKey: ['id'], columns: ['id'], updateColumns: [] })).not.toContain('WHEN MATCHED');
  });

  it('adds, drops and retypes columns', () => {
    expect(d.addColumn(rel, { name: 'note', type: 'VARCHAR' })).toBe('ALTER TABLE "analytics"."orders" ADD COLUMN "note" VARCHAR');
    expect(d.dropColumn(rel, 'note')).toBe('ALTER TABLE "analytics"."orders" DROP COLUMN "note"');
    expect(d.alterColumnType(rel, 'amount', 'DECIMAL(18,2)')).toBe('ALTER TABLE "analytics"."orders" ALTER COLUMN "amount" SET DATA TYPE DECIMAL(18,2)');
  });
});

describe('DuckDBDialect limitQuery', () => {
  it('wraps the query as a subquery on its own lines', () => {
    expect(d.limitQuery('select * from t', 10)).toBe('select * from (\nselect * from t\n) as __tsdbt_limit limit 10');
  });

  it('survives a trailing semicolon and a trailing line comment', () => {
    expect(d.limitQuery('select 1;', 5)).toBe('select * from (\nselect 1\n) as __tsdbt_limit limit 5');
    expect(d.limitQuery('select 1 -- done', 5)).toBe('select * from (\nselect 1 -- done\n) as __tsdbt_limit limit 5');
    expect(d.limitQuery('select 1; -- done;\n  ', 0)).toBe('select * from (\nselect 1 -- done;\n) as __tsdbt_limit limit 0');
  });

  it('rejects a negative or fractional limit', () => {
    expect(() => d.limitQuery('select 1', -1)).toThrow(RangeError);
    expect(() => d.limitQuery('select 1', 1.5)).toThrow(RangeError);
  });
});

describe('stripTrailingSemicolons', () => {
  it('removes only terminators at the end, keeping comments', () => {
    expect(stripTrailingSemicolons('select 1;;  ')).toBe('select 1');
    expect(stripTrailingSemicolons('select 1; /* c; */ ; -- x;\n')).toBe('select 1 /* c; */  -- x;');
    expect(stripTrailingSemicolons('select 1')).toBe('select 1');
  });

  it('ignores semicolons inside strings, identifiers, dollar strings and comments', () => {
    expect(stripTrailingSemicolons("select ';'")).toBe("select ';'");
    expect(stripTrailingSemicolons("select 'it''s;'")).toBe("select 'it''s;'");
    expect(stripTrailingSemicolons("select E'\\';'")).toBe("select E'\\';'");
    expect(stripTrailingSemicolons('select 1 as ";"')).toBe('select 1 as ";"');
    expect(stripTrailingSemicolons('select $tag$;$tag$')).toBe('select $tag$;$tag$');
    expect(stripTrailingSemicolons('select $1 + 1;')).toBe('select $1 + 1');
    expect(stripTrailingSemicolons('select 1 /* a /* nested; */ ; */')).toBe('select 1 /* a /* nested; */ ; */');
  });

  it('keeps semicolons between statements', () => {
    expect(stripTrailingSemicolons('select 1; select 2;')).toBe('select 1; select 2');
  });
});

describe('DuckDBDialect capabilities', () => {
  it('reports DuckDB 1.5 capabilities', () => {
    expect(d.name).toBe('duckdb');
    expect(d.capabilities).toEqual({ transactionalDdl: true, createOrReplace: true, merge: true });
  });
});
