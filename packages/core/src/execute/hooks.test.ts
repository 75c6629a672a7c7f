import { describe, expect, it } from 'vitest';
import { baseTypeName, compareContract, formatMismatches } from './contract.js';
import { hookSpecs } from './hooks.js';

describe('hookSpecs', () => {
  it('reads strings, lists, {sql, transaction} and the JSON dbt’s before_begin/after_commit produce', () => {
    expect(hookSpecs(undefined)).toEqual([]);
    expect(hookSpecs('grant select on {{ this }} to r')).toEqual([{ sql: 'grant select on {{ this }} to r', transaction: true }]);
    expect(hookSpecs(['a', ['b'], { sql: 'c', transaction: false }])).toEqual([
      { sql: 'a', transaction: true },
      { sql: 'b', transaction: true },
      { sql: 'c', transaction: false },
    ]);
    expect(hookSpecs('{"sql": "vacuum", "transaction": false}')).toEqual([{ sql: 'vacuum', transaction: false }]);
    expect(() => hookSpecs(3)).toThrow('a hook must be SQL text');
  });
});

describe('contracts', () => {
  it('compares names case-insensitively and types without size or precision', () => {
    expect(baseTypeName('DECIMAL(10, 2)')).toBe('decimal');
    expect(baseTypeName('character  varying(20)')).toBe('character varying');
    const mismatches = compareContract(
      [
        { name: 'ID', type: 'INTEGER' },
        { name: 'amount', type: 'VARCHAR' },
        { name: 'extra', type: 'INTEGER' },
      ],
      [
        { name: 'id', type: 'INTEGER' },
        { name: 'amount', type: 'DECIMAL(10,2)' },
        { name: 'gone', type: 'DATE' },
      ],
    );
    expect(mismatches).toEqual([
      { column: 'amount', definitionType: 'VARCHAR', contractType: 'DECIMAL(10,2)', reason: 'data type mismatch' },
      { column: 'gone', definitionType: '', contractType: 'DATE', reason: 'missing in definition' },
      { column: 'extra', definitionType: 'INTEGER', contractType: '', reason: 'missing in contract' },
    ]);
    expect(formatMismatches(mismatches)).toBe(
      [
        '| column_name | definition_type | contract_type | mismatch_reason       |',
        '| ----------- | --------------- | ------------- | --------------------- |',
        '| amount      | VARCHAR         | DECIMAL(10,2) | data type mismatch    |',
        '| gone        |                 | DATE          | missing in definition |',
        '| extra       | INTEGER         |               | missing in contract   |',
      ].join('\n'),
    );
  });
});
