import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../adapter/types.js';
import { TemplateEngine } from './engine.js';
import { introspectionContext, parseTimeIntrospection, PendingWarehouseCall, renderWithWarehouse, WarehouseAnswers, type WarehouseAccess } from './introspection.js';

/** A fake warehouse: every executed statement is recorded; `select_*` answers from `tables`. */
function fakeWarehouse(tables: Record<string, QueryResult> = {}) {
  const executed: string[] = [];
  const access: WarehouseAccess = {
    async execute(sql) {
      executed.push(sql);
      return tables[sql] ?? { columns: [], rows: [], rowsAffected: 1 };
    },
    async columns(rel) {
      executed.push(`columns ${rel.schema}.${rel.identifier}`);
      return rel.identifier === 'orders' ? [{ name: 'id', type: 'INTEGER' }, { name: 'status', type: 'VARCHAR' }] : [];
    },
    async relations(schema) {
      executed.push(`relations ${schema}`);
      return [{ schema, identifier: 'orders', kind: 'table' }];
    },
  };
  return { access, executed };
}

const METHODS: QueryResult = { columns: [{ name: 'method', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }], rows: [{ method: 'card', n: 3 }, { method: 'coupon', n: 1 }] };

function renderer(engine: TemplateEngine, source: string, extra: Record<string, unknown> = {}) {
  const answers = new WarehouseAnswers();
  const deps = {
    answers,
    adapterType: 'duckdb',
    quote: (id: string) => `"${id}"`,
    relation: (ref: { schema?: string | undefined; identifier?: string | undefined }, type?: string) => ({ ...ref, type, toString: () => `"${ref.schema}"."${ref.identifier}"` }),
    defaultDatabase: undefined,
  };
  return { answers, render: () => engine.render('m.sql', source, { execute: true, ...introspectionContext(deps), ...extra }) };
}

describe('introspection by suspend-and-replay', () => {
  it('run_query: agate-like table (rows by position and name, columns, values()), one query per call', async () => {
    const engine = new TemplateEngine();
    const wh = fakeWarehouse({ 'select method, n from t': METHODS });
    const src = `{% set r = run_query('select method, n from t;') %}{{ r.columns[0].values() | join(',') }}|{{ r.rows[1]['method'] }}={{ r.rows[1][1] }}|{{ r.rows | length }}|{{ r | length }}|{{ r.column_names }}|{{ r.columns['n'].values() }}`;
    const { render } = renderer(engine, src);
    expect(await renderWithWarehouse(render, wh.access)).toBe("card,coupon|coupon=1|2|2|['method', 'n']|[3, 1]");
    expect(wh.executed).toEqual(['select method, n from t']);
  });

  it('without a warehouse the render stops with a located error', () => {
    const engine = new TemplateEngine();
    const { render } = renderer(engine, "select 1\n{% set r = run_query('select 1') %}");
    expect(render).toThrow(PendingWarehouseCall);
    try {
      render();
    } catch (e) {
      expect((e as PendingWarehouseCall).location?.file).toBe('m.sql');
    }
  });

  it('a statement with side effects runs once per render, in order; repeated identical calls each run', async () => {
    const engine = new TemplateEngine();
    const wh = fakeWarehouse();
    const src = "{% do run_query('insert 1') %}{% do run_query('insert 2') %}{% do run_query('insert 1') %}done";
    const { render } = renderer(engine, src);
    expect(await renderWithWarehouse(render, wh.access)).toBe('done');
    expect(wh.executed).toEqual(['insert 1', 'insert 2', 'insert 1']);
  });

  it('log() before a query is not repeated by the replays', async () => {
    const logged: string[] = [];
    const engine = new TemplateEngine({ onLog: (m) => logged.push(m) });
    const wh = fakeWarehouse();
    const answers = new WarehouseAnswers();
    const deps = { answers, adapterType: 'duckdb', quote: (id: string) => id, relation: () => null, defaultDatabase: undefined, log: engine.builtin('log') };
    const src = "{{ log('a') }}{% do run_query('q1') %}{{ log('b') }}{% do run_query('q2') %}{{ log('a') }}ok";
    expect(await renderWithWarehouse(() => engine.render('m.sql', src, introspectionContext(deps)), wh.access)).toBe('ok');
    expect(logged).toEqual(['a', 'b', 'a']);
  });

  it('statement + load_result inside a macro: response, data (tuples), table', async () => {
    const engine = new TemplateEngine();
    engine.addMacroFile(
      'macros/m.sql',
      `{% macro methods() %}{% call statement('m', fetch_result=True) %}select method, n from t{% endcall %}{% do return(load_result('m')) %}{% endmacro %}`,
    );
    const wh = fakeWarehouse({ 'select method, n from t': METHODS });
    const { render } = renderer(engine, "{% set r = methods() %}{{ r['data'] }}|{{ r.response.code }}|{{ r.table.rows[0].method }}|{{ load_result('nothing') is none }}");
    expect(await renderWithWarehouse(render, wh.access)).toBe("[['card', 3], ['coupon', 1]]|SELECT|card|True");
  });

  it('adapter.get_columns_in_relation, get_relation (none when missing), quote, api.Relation.create', async () => {
    const engine = new TemplateEngine();
    const wh = fakeWarehouse();
    const src = [
      "{% set rel = api.Relation.create(schema='main', identifier='orders') %}",
      '{% for c in adapter.get_columns_in_relation(rel) %}{{ c.name }}:{{ c.data_type }}:{{ c.quoted }}:{{ c.is_string() }};{% endfor %}',
      "|{{ adapter.get_relation(database=none, schema='main', identifier='orders') }}",
      "|{{ adapter.get_relation(none, 'main', 'nope') is none }}",
      "|{{ adapter.quote('a b') }}|{{ adapter.type() }}",
    ].join('');
    const { render } = renderer(engine, src);
    expect(await renderWithWarehouse(render, wh.access)).toBe('id:INTEGER:"id":False;status:VARCHAR:"status":True;|"main"."orders"|True|"a b"|duckdb');
  });

  it('parse time: queries return none, columns an empty list, statement runs nothing, graph is empty', () => {
    const engine = new TemplateEngine();
    const src = [
      "{{ run_query('select 1') is none }}|",
      "{% call statement('x', fetch_result=True) %}select 1{% endcall %}{{ load_result('x') is none }}|",
      "{{ adapter.get_columns_in_relation(api.Relation.create(schema='s', identifier='t')) | length }}|",
      "{{ adapter.get_relation(none, 's', 't') is none }}|{{ graph.nodes | length }}",
    ].join('');
    expect(engine.render('m.sql', src, { execute: false, ...parseTimeIntrospection() })).toBe('True|True|0|True|0');
  });
});
