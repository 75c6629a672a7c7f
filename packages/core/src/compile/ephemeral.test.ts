import { describe, expect, it } from 'vitest';
import { injectCtes } from './ephemeral.js';

const ctes = [
  { name: '__tsdbt__cte__a', sql: 'select 1 as x;' },
  { name: '__tsdbt__cte__b', sql: 'select * from __tsdbt__cte__a' },
];

describe('injectCtes', () => {
  it('prepends a WITH to a plain select', () => {
    expect(injectCtes('select * from __tsdbt__cte__b', ctes)).toBe('with __tsdbt__cte__a as (\nselect 1 as x\n),\n__tsdbt__cte__b as (\nselect * from __tsdbt__cte__a\n)\nselect * from __tsdbt__cte__b');
  });

  it('merges into an existing WITH (any case), after leading comments', () => {
    const sql = '-- header\n/* block */\nWITH orders as (select 1)\nselect * from orders join __tsdbt__cte__b on true';
    expect(injectCtes(sql, ctes.slice(1))).toBe('-- header\n/* block */\nwith __tsdbt__cte__b as (\nselect * from __tsdbt__cte__a\n),\norders as (select 1)\nselect * from orders join __tsdbt__cte__b on true');
  });

  it('keeps WITH RECURSIVE', () => {
    expect(injectCtes('with recursive t(n) as (select 1) select * from t', ctes.slice(0, 1))).toBe('with recursive __tsdbt__cte__a as (\nselect 1 as x\n), t(n) as (select 1) select * from t'.replace('), t(n)', '),\nt(n)'));
  });

  it('leaves SQL untouched without ephemerals', () => {
    expect(injectCtes('select 1', [])).toBe('select 1');
  });
});
