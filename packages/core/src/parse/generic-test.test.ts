import { describe, expect, it } from 'vitest';
import { genericTestCode, jinjaArg, readTestEntry, synthesizeTestNames, testIdHash, type TestTarget } from './generic-test.js';

const orders: TestTarget = { kind: 'ref', name: 'orders' };
const fail = (message: string): never => {
  throw new Error(message);
};

// Expected values computed with dbt-core's own functions (synthesize_generic_test_names, the
// md5 of name + repr(get_hashable_md(test_metadata))) run in Python.
describe('generic test names, as dbt synthesizes them', () => {
  it('joins sorted argument values with `__`, cleaning non-identifier characters', () => {
    expect(synthesizeTestNames('relationships', 'orders', { column_name: 'customer_id', to: "ref('customers')", field: 'id', model: 'x' }).fullName).toBe('relationships_orders_customer_id__id__ref_customers_');
    expect(synthesizeTestNames('accepted_values', 'orders', { column_name: 'status', values: [1, 2], quote: false }).fullName).toBe('accepted_values_orders_status__False__1__2');
  });

  it('64 characters or more: the first 30 of `<test>_<target>` and the md5 of the full name', () => {
    const n = synthesizeTestNames('accepted_values', 'orders', { column_name: 'status', values: ['placed', 'shipped', 'completed', 'returned'] });
    expect(n.fullName).toBe('accepted_values_orders_status__placed__shipped__completed__returned');
    expect(n.shortName).toBe('accepted_values_orders_8b08a2e3c7880954e0d6e0b54536f6b3');
  });

  it('source tests are prefixed `source_` and named after `<source>_<table>`; namespaces prefix the test', () => {
    const src = readTestEntry('not_null', { kind: 'source', source: 'raw', table: 'orders' }, 'id', fail);
    expect(src.fullName).toBe('source_not_null_raw_orders_id');
    const ns = readTestEntry({ 'dbt_utils.expression_is_true': { expression: 'amount >= 0' } }, orders, undefined, fail);
    expect([ns.fullName, ns.namespace, ns.testName]).toEqual(['dbt_utils_expression_is_true_orders_amount_0', 'dbt_utils', 'expression_is_true']);
  });

  it('unique_id hash: md5(name + repr(hashable metadata))[-10:]', () => {
    expect(testIdHash('unique_customers_id', 'unique', undefined, { column_name: 'id', model: "{{ get_where_subquery(ref('customers')) }}" })).toBe('70f3d3fd20');
    const av = readTestEntry({ accepted_values: { values: ['placed', 'shipped', 'completed', 'returned'] } }, orders, 'status', fail);
    expect(testIdHash(av.fullName, av.testName, av.namespace, av.kwargs)).toBe('69dce9e5d5');
  });
});

describe('reading a test entry', () => {
  it('config keys at the top level or under `config:` are config, not arguments; `arguments:` holds arguments', () => {
    const t = readTestEntry({ accepted_values: { arguments: { values: ['a'] }, severity: 'warn', config: { where: 'x > 1', limit: 5 } } }, orders, 'status', fail);
    expect(t.kwargs).toEqual({ values: ['a'], column_name: 'status', model: "{{ get_where_subquery(ref('orders')) }}" });
    expect(t.config).toEqual({ severity: 'warn', where: 'x > 1', limit: 5 });
    expect(t.fullName).toBe('accepted_values_orders_status__a');
  });

  it('`name:` overrides the generated name; a long generated name gets its short form as alias', () => {
    expect(readTestEntry({ unique: { name: 'orders_pk' } }, orders, 'id', fail).fullName).toBe('orders_pk');
    const long = readTestEntry({ accepted_values: { values: ['placed', 'shipped', 'completed', 'returned'] } }, orders, 'status', fail);
    expect(long.config.alias).toBe(long.shortName);
  });

  it('`test_name:` form, and errors for two keys, a reserved `model` argument, a key set twice', () => {
    expect(readTestEntry({ test_name: 'unique', name: 'x' }, orders, 'id', fail).testName).toBe('unique');
    expect(() => readTestEntry({ unique: {}, not_null: {} }, orders, 'id', fail)).toThrow(/exactly one key/);
    expect(() => readTestEntry({ unique: { model: 'x' } }, orders, 'id', fail)).toThrow(/reserved/);
    expect(() => readTestEntry({ unique: { severity: 'warn', config: { severity: 'error' } } }, orders, 'id', fail)).toThrow(/both/);
  });

  it('the test template calls the macro with every argument; ref()-like strings and {{ }} are evaluated', () => {
    const t = readTestEntry({ relationships: { to: "ref('customers')", field: 'id' } }, orders, 'customer_id', fail);
    expect(genericTestCode(t)).toBe("{{ test_relationships(model=get_where_subquery(ref('orders')), column_name='customer_id', to=(ref('customers')), field='id') }}");
    expect(jinjaArg("a > '{{ var(\"d\") }}'")).toBe(`('a > \\'' ~ (var("d")) ~ '\\'')`);
    expect(jinjaArg([1, true, null, { k: 'v' }])).toBe("[1, True, None, {'k': 'v'}]");
  });
});
