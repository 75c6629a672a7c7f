import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { TsdbtError } from '../errors.js';
import { jinjaFunction, TemplateEngine } from './engine.js';
import { extractStatic, renderSimple } from './static-extract.js';

describe('extractStatic', () => {
  it('finds literal ref/source/config calls with positions', () => {
    const src = "{{ config(materialized='table', tags=['a', 'b'], meta={'owner': 'x'}) }}\nselect *\nfrom {{ ref('orders') }} o\njoin {{ source('raw', 'customers') }} c\n-- {{ ref('pkg', 'm2', v=2) }}";
    const ex = extractStatic(src);
    expect(ex.refs).toEqual([
      { name: 'orders', position: { line: 3, column: 9 } },
      { package: 'pkg', name: 'm2', version: 2, position: { line: 5, column: 7 } },
    ]);
    expect(ex.sources).toEqual([{ source: 'raw', table: 'customers', position: { line: 4, column: 9 } }]);
    expect(ex.configs).toEqual([{ materialized: 'table', tags: ['a', 'b'], meta: { owner: 'x' } }]);
    expect(ex.complete).toBe(true);
    expect(ex.simple).toBe(true);
    expect(ex.calls).toEqual([]);
  });

  it('lists other calls as candidate macros', () => {
    const ex = extractStatic("select {{ cents_to_dollars('amount') }}, {{ var('x') }} from {{ dbt_utils.star(from=ref('a')) }} {{ x.upper() }} {{ y | replace('a', 'b') }}\n{% if is_incremental() %}{{ log('x') }}{% endif %}");
    expect(ex.calls).toEqual(['cents_to_dollars', 'dbt_utils.star', 'is_incremental']);
    expect(ex.refs.map((r) => r.name)).toEqual(['a']);
    expect(ex.complete).toBe(true);
    expect(ex.simple).toBe(false);
  });

  it('literal refs inside {% if %} are collected and complete', () => {
    const ex = extractStatic("{% if target.name == 'prod' %}\n  select * from {{ ref('a') }}\n{% else %}\n  select * from {{ ref('b') }}\n{% endif %}");
    expect(ex.refs.map((r) => r.name)).toEqual(['a', 'b']);
    expect(ex.refs[1]?.position).toEqual({ line: 4, column: 20 });
    expect(ex.complete).toBe(true);
  });

  it('is not complete when rendering could find something else', () => {
    const incomplete = [
      "{% for m in ['a', 'b'] %}{{ ref(m) }}{% endfor %}", // variable argument
      "{% for m in ['a'] %}{{ ref('a') }}{% endfor %}", // inside a loop
      "{% macro m() %}{{ source('s', 't') }}{% endmacro %}", // inside a macro
      "{% if x %}{{ config(materialized='table') }}{% endif %}", // conditional config
      "{% set r = ref %}{{ r('a') }}", // aliased
      "{% set ref = 1 %}", // shadowed
      "{{ ref(var('name')) }}", // non-literal
      "{% include 'other.sql' %}", // include
      "{{ ref('a', ) }}", // trailing comma (nunjucks rejects it)
      "{{ ref('a') }", // unclosed tag
      '{% if x %}{{ ref("a") }}', // unclosed block
    ];
    for (const src of incomplete) expect(extractStatic(src).complete, src).toBe(false);
  });

  it('ignores comments and raw blocks', () => {
    const ex = extractStatic("{# {{ ref('hidden') }} #}{% raw %}{{ ref('raw') }}{% endraw %}select {{ ref('a') }}");
    expect(ex.refs.map((r) => r.name)).toEqual(['a']);
    expect(ex.complete).toBe(true);
    expect(ex.simple).toBe(false);
  });

  it('simple templates become segments', () => {
    const ex = extractStatic("{{- config(materialized='view') -}}\n\nselect {{ var('cols', ['a']) }} from {{ this }} -- {# c #}\n");
    expect(ex.simple).toBe(true);
    expect(ex.segments).toEqual([
      { fn: 'config', args: [], kwargs: { materialized: 'view' }, position: { line: 1, column: 5 } },
      'select ',
      { fn: 'var', args: ['cols', ['a']], kwargs: {}, position: { line: 3, column: 11 } },
      ' from ',
      { fn: 'this', args: [], kwargs: {}, position: { line: 3, column: 41 } },
      ' -- ',
    ]);
    for (const notSimple of ['{{ x }}', "{{ ref('a') | upper }}", '{% set x = 1 %}', "{{ cents('a') }}", '{{ this.schema }}', 'a #} b']) {
      expect(extractStatic(notSimple).simple, notSimple).toBe(false);
    }
  });

  it('segments survive a JSON round trip (parse cache)', () => {
    const ex = extractStatic("select {{ ref('a') }} {{ var('n', 3) }}");
    expect(JSON.parse(JSON.stringify(ex))).toEqual(ex);
  });
});

describe('renderSimple', () => {
  const engine = new TemplateEngine();
  const context = (): Record<string, unknown> => ({
    ref: jinjaFunction(([a, b], kw) => `"main"."${String(b ?? a)}"${kw['v'] ? `_v${String(kw['v'])}` : ''}`),
    source: jinjaFunction(([s, t]) => `"raw_${String(s)}"."${String(t)}"`),
    config: jinjaFunction(() => ''),
    var: jinjaFunction(([name, dflt]) => ({ flag: true, nothing: null, cols: ['a', 'b'], n: 3 })[String(name)] ?? dflt),
    env_var: jinjaFunction(([name, dflt]) => (name === 'HOME_X' ? '/x' : dflt)),
    this: { schema: 'main', identifier: 'm', toString: () => '"main"."m"' },
  });
  const templates = [
    "{{ config(materialized='table', tags=['a']) }}\nselect * from {{ ref('orders') }} join {{ source('raw', 'c') }}\n",
    "select {{ var('flag') }}, {{ var('nothing') }}, {{ var('cols') }}, {{ var('n') }}, {{ var('missing', {'k': [1, none]}) }}",
    "{{- ref('a') -}}   \n   x  {{- ref('pkg', 'b', v=2) }}  {#- comment -#}  y\r\n{{ this }} {{ env_var('HOME_X') }} {{ env_var('NOPE', 'dflt') }}\n\n",
    "select '{{ var(\"missing\", \"it's\") }}' as q, {{ var('missing', -1.5) }}, {{ var('missing', True) }}, {{ var('missing', (1, 'a')) }}",
    'plain sql, no jinja at all\n',
  ];

  it('agrees with engine.render', () => {
    for (const src of templates) {
      const ex = extractStatic(src);
      expect(ex.simple, src).toBe(true);
      expect(renderSimple(ex, context()), src).toBe(engine.render('m.sql', src, context()));
    }
  });

  it('locates errors thrown by context functions', () => {
    const ex = extractStatic("select\n  {{ ref('missing') }}");
    const ref = jinjaFunction(() => {
      throw new TsdbtError('ref', 'no model `missing`');
    });
    try {
      renderSimple(ex, { ref }, 'models/m.sql');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(TsdbtError);
      expect((e as TsdbtError).location).toEqual({ file: 'models/m.sql', line: 2, column: 6 });
    }
  });
});

describe('benchmark (printed, not asserted)', () => {
  function model(i: number, simple: boolean): string {
    const body = `with src as (\n    select * from {{ ref('stg_${i % 97}') }}\n), other as (\n    select id, amount, created_at from {{ source('raw', 'tbl_${i % 13}') }}\n)\nselect\n    src.id,\n    src.customer_id,\n    other.amount * 100 as amount_cents,\n    coalesce(src.status, 'unknown') as status\nfrom src\nleft join other on src.id = other.id\nwhere other.created_at > '{{ var("start_date", "2020-01-01") }}'\n`;
    const extra = simple ? '' : `{% if is_incremental() %}\n  and other.created_at > (select max(created_at) from {{ this }})\n{% endif %}\n{{ cents_to_dollars('amount') }}\n`;
    // flat strings, like file contents read from disk
    return Buffer.from(`{{ config(materialized='table', tags=['t${i % 5}']) }}\n\n${body}${extra}`.repeat(2)).toString();
  }

  it('extracts 10k models; compares with nunjucks parse; renders', () => {
    const files = Array.from({ length: 10_000 }, (_, i) => model(i, i % 2 === 0));
    const kb = files.reduce((n, f) => n + f.length, 0) / 1024;
    const passes: string[] = [];
    for (let p = 0; p < 3; p++) {
      const t0 = performance.now();
      for (const f of files) extractStatic(f);
      passes.push((performance.now() - t0).toFixed(0));
    }
    const parser = (nunjucks as unknown as { parser: { parse(s: string): unknown } }).parser;
    let t0 = performance.now();
    for (const f of files.slice(0, 1000)) parser.parse(f);
    const parseMs = (performance.now() - t0) / 1000;

    const engine = new TemplateEngine();
    engine.addMacroFile('macros/m.sql', '{% macro cents_to_dollars(c) %}({{ c }} / 100){% endmacro %}');
    const ctx = {
      ref: jinjaFunction(([n]) => `"main"."${String(n)}"`),
      source: jinjaFunction(([s, t]) => `"${String(s)}"."${String(t)}"`),
      config: jinjaFunction(() => ''),
      var: jinjaFunction(([, d]) => d),
      is_incremental: jinjaFunction(() => false),
      this: '"main"."m"',
    };
    const sample = files.slice(0, 500);
    t0 = performance.now();
    for (const f of sample) engine.render('m.sql', f, ctx);
    const firstRender = (performance.now() - t0) / sample.length;
    t0 = performance.now();
    for (let k = 0; k < 10; k++) for (const f of sample) engine.render('m.sql', f, ctx);
    const cachedRender = (performance.now() - t0) / (sample.length * 10);
    const simple = sample.map((f) => extractStatic(f)).filter((ex) => ex.simple);
    t0 = performance.now();
    for (let k = 0; k < 10; k++) for (const ex of simple) renderSimple(ex, ctx);
    const simpleRender = (performance.now() - t0) / (simple.length * 10);
    console.log(
      [
        `extractStatic: 10,000 files (${(kb / 1024).toFixed(1)} MB) in ${passes.join(' / ')} ms (passes 1/2/3)`,
        `nunjucks parser.parse: ${parseMs.toFixed(3)} ms per file (≈ ${(parseMs * 10).toFixed(1)} s for 10,000)`,
        `engine.render: ${firstRender.toFixed(3)} ms first (compile), ${cachedRender.toFixed(4)} ms cached; renderSimple ${simpleRender.toFixed(4)} ms`,
      ].join('\n'),
    );
    expect(simple.length).toBeGreaterThan(0);
  });
});
