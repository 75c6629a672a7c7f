import { describe, expect, it } from 'vitest';
import { TsdbtError } from '../errors.js';
import { jinjaFunction, TemplateEngine } from './engine.js';

const ctx = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ref: jinjaFunction(([a, b]) => `"main"."${String(b ?? a)}"`),
  target: { name: 'dev', schema: 'analytics' },
  ...extra,
});

function caught(fn: () => unknown): TsdbtError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TsdbtError);
    return e as TsdbtError;
  }
  throw new Error('expected an error');
}

describe('jinjaFunction', () => {
  it('passes positional args and keyword args separately', () => {
    const seen: unknown[] = [];
    const e = new TemplateEngine();
    const config = jinjaFunction((args, kwargs) => {
      seen.push(args, kwargs);
      return '';
    });
    expect(e.render('m.sql', "{{ config(materialized='table', tags=['a']) }}select 1", { config })).toBe('select 1');
    expect(seen).toEqual([[], { materialized: 'table', tags: ['a'] }]);
    const f = jinjaFunction((args, kwargs) => `${args.join(',')}|${JSON.stringify(kwargs)}`);
    expect(e.render('m.sql', "{{ f('a', 2, b=1) }}", { f })).toBe('a,2|{"b":1}');
  });
});

describe('Jinja forms', () => {
  const e = new TemplateEngine();
  const r = (src: string, extra: Record<string, unknown> = {}) => e.render('m.sql', src, ctx(extra));

  it('{% do %} with list.append / dict.update', () => {
    expect(r('{% set l = [] %}{% do l.append(1) %}{% do l.extend([2, 3]) %}{{ l }}')).toBe('[1, 2, 3]');
    expect(r('{% set d = {"a": 1} %}{% do d.update({"b": 2}) %}{{ d }}')).toBe("{'a': 1, 'b': 2}");
  });

  it('~ concatenation and Python str() output', () => {
    expect(r('{{ "a" ~ 1 ~ none ~ True }}')).toBe('a1NoneTrue');
    expect(r('{{ True }} {{ False }} {{ None }} {{ undefined_name }}|{{ ["a", 1] }} {{ {"k": "v"} }}')).toBe("True False None |['a', 1] {'k': 'v'}");
  });

  it('dict methods', () => {
    const src = '{% set d = {"a": 1, "b": 2} %}{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{{ d.keys() | list }} {{ d.values() | list }} {{ d.get("a") }} {{ d.get("z", "dflt") }} {{ d.get("z") }}';
    expect(r(src)).toBe("a=1;b=2;['a', 'b'] [1, 2] 1 dflt None");
    expect(r('{% for k in {"x": 1, "y": 2} %}{{ k }}{% endfor %}')).toBe('xy');
  });

  it('True/False/None, is none / is not none, slicing', () => {
    expect(r('{{ x is none }} {{ none is none }} {{ 1 is not none }} {{ y is none }}', { x: null })).toBe('True True True True');
    expect(r('{{ [1, 2, 3][1:] }} {{ "abcd"[:2] }} {{ "abc"[::-1] }}')).toBe('[2, 3] ab cba');
    expect(r('{% if None %}a{% elif False %}b{% elif True %}c{% endif %}')).toBe('c');
  });

  it('{% set %} blocks and whitespace control', () => {
    expect(r('{% set x %}  select {{ 1 + 1 }}{% endset %}[{{ x }}]')).toBe('[  select 2]');
    expect(r('a  {%- if True -%}  b  {%- endif -%}  c')).toBe('abc');
    expect(r('{{- "x" -}}  \n  y  {#- c -#}  z')).toBe('xyz');
  });

  it('drops one trailing newline and normalises CRLF, like Jinja', () => {
    expect(r('select 1\n')).toBe('select 1');
    expect(r('a\r\nb\r\n\n')).toBe('a\nb\n');
  });

  it('Python truthiness, list +, % formatting, tuples, namespace', () => {
    expect(r('{% if [] %}y{% else %}n{% endif %} {{ "y" if {} else "n" }} {{ [] or "empty" }} {{ not [] }} {{ [0] and "ok" }}')).toBe('n n empty True ok');
    expect(r('{{ [1] + [2] }} {{ 1 + 2 }} {{ "%s-%03d" % ("a", 7) }} {{ "%.2f" % 3.14159 }} {{ (1, 2) }}')).toBe('[1, 2] 3 a-007 3.14 (1, 2)');
    expect(r('{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}')).toBe('6');
  });

  it('string methods (prototype-free)', () => {
    expect(r('{{ "Hello".upper() }} {{ "Hello".lower() }} {{ "  x ".strip() }} {{ "abc".startswith("ab") }} {{ "abc".endswith("x") }}')).toBe('HELLO hello x True False');
    expect(r('{{ "a,b,c".split(",") }} {{ " a  b ".split() }} {{ "aXbXc".replace("X", "-") }} {{ ", ".join(["a", "b"]) }} {{ "{}_{}".format("a", 1) }}')).toBe("['a', 'b', 'c'] ['a', 'b'] a-b-c a, b a_1");
    expect('abc'.replace('b', 'x')).toBe('axc'); // JS strings untouched
    expect((String.prototype as unknown as Record<string, unknown>)['upper']).toBeUndefined();
  });

  it('filters: tojson, lower/upper/trim, join, map, unique, selectattr', () => {
    expect(r('{{ {"b": 1, "a": [1, "x", none]} | tojson }} {{ tojson({"b": 1, "a": 2}) }}')).toBe('{"a": [1, "x", null], "b": 1} {"b": 1, "a": 2}');
    expect(r('{{ " MiXed " | lower | trim }}{{ "x" | upper }}')).toBe('mixedX');
    expect(r('{{ [{"n": "a"}, {"n": "b"}] | map(attribute="n") | join(", ") }} {{ ["a", "A", "b"] | unique | list }} {{ [True, 1] | join("/") }}')).toBe("a, b ['a', 'b'] True/1");
    expect(r('{{ [{"t": "m"}, {"t": "s"}] | selectattr("t", "equalto", "m") | list | length }}')).toBe('1');
  });

  it('zip, range, set, dict', () => {
    expect(r('{{ zip([1, 2], ["a", "b", "c"]) }} {{ range(3) }} {{ set([1, 1, 2]) }} {{ dict(a=1) }}')).toBe("[(1, 'a'), (2, 'b')] [0, 1, 2] [1, 2] {'a': 1}");
  });

  it('modules.datetime and modules.re', () => {
    const now = new Date();
    expect(r('{{ modules.datetime.datetime.now().year }}')).toBe(String(now.getFullYear()));
    expect(r('{{ modules.datetime.date.today().isoformat() | length }}')).toBe('10');
    expect(r('{{ modules.datetime.date(2024, 1, 31) + modules.datetime.timedelta(days=1) }}')).toBe('2024-02-01');
    expect(r('{{ (modules.datetime.datetime(2024, 1, 1, 12) - modules.datetime.timedelta(hours=13)).strftime("%Y-%m-%d %H:%M") }}')).toBe('2023-12-31 23:00');
    expect(r('{{ modules.datetime.timedelta(days=1, hours=2) }}')).toBe('1 day, 2:00:00');
    expect(r('{{ modules.re.search("a(b+)", "xabbb").group(1) }} {{ modules.re.match("b", "ab") }} {{ modules.re.match("a", "ab") is not none }}')).toBe('bbb None True');
    expect(r('{{ modules.re.sub("b+", "B", "abbcb") }} {{ modules.re.sub("(\\\\w)-(\\\\w)", "\\\\2-\\\\1", "a-b") }}')).toBe('aBcB b-a');
  });

  it('log, print and exceptions.warn go to onLog', () => {
    const logs: Array<[string, boolean]> = [];
    const le = new TemplateEngine({ onLog: (m, info) => logs.push([m, info]) });
    expect(le.render('m.sql', '{{ log("debug msg") }}{{ log("info msg", info=True) }}{{ exceptions.warn("careful") }}{{ print("p") }}', {})).toBe('');
    expect(logs).toEqual([
      ['debug msg', false],
      ['info msg', true],
      ['Warning: careful', true],
      ['p', true],
    ]);
  });
});

describe('macros', () => {
  function engine(): TemplateEngine {
    const e = new TemplateEngine();
    e.addMacroFile(
      'macros/money.sql',
      `{% macro cents_to_dollars(col, scale=2) -%}
({{ col }} / 100)::numeric(16, {{ scale }})
{%- endmacro %}
{% macro columns() %}{{ return(['id', 'amount', ref('x')]) }}not rendered{% endmacro %}
{% macro pick(flag) %}{% if flag %}{{ return({'a': 1}) }}{% endif %}{{ return(none) }}{% endmacro %}
{% macro _private() %}p{% endmacro %}
{% macro uses_private() %}{{ _private() }}{% endmacro %}
{% macro target_schema() %}{{ target.schema }}{% endmacro %}`,
    );
    e.addMacroFile('macros/other.sql', '{% macro all_cols() %}{{ columns() | join(", ") }} / {{ cents_to_dollars("c", scale=4) }}{% endmacro %}');
    return e;
  }

  it('registers macros by name and returns the names', () => {
    const e = new TemplateEngine();
    expect(e.addMacroFile('macros/a.sql', '{% macro a() %}{% endmacro %}{% macro b(x) %}{% endmacro %}{% test not_negative(model, column_name) %}x{% endtest %}')).toEqual(['a', 'b', 'test_not_negative']);
    expect(e.hasMacro('a')).toBe(true);
    expect(e.hasMacro('test_not_negative')).toBe(true);
    expect(e.hasMacro('zzz')).toBe(false);
    const mats = "{% materialization my_table, adapter='duckdb' %}{{ return({'relations': []}) }}{% endmaterialization %}{% materialization v, default %}x{% endmaterialization %}";
    expect(e.addMacroFile('macros/mat.sql', mats)).toEqual(['materialization_my_table_duckdb', 'materialization_v_default']);
    expect(e.callMacro('materialization_my_table_duckdb', [], {})).toEqual({ relations: [] });
    expect(e.render('snapshots/s.sql', '{% snapshot snap %}\nselect 1\n{% endsnapshot %}', {})).toBe('\nselect 1\n');
  });

  it('macro kwargs and defaults; macros calling macros in other files', () => {
    const e = engine();
    expect(e.render('m.sql', '{{ cents_to_dollars("amt") }} {{ cents_to_dollars("amt", scale=3) }}', ctx())).toBe('(amt / 100)::numeric(16, 2) (amt / 100)::numeric(16, 3)');
    expect(e.render('m.sql', '{{ all_cols() }}', ctx())).toBe('id, amount, "main"."x" / (c / 100)::numeric(16, 4)');
    expect(e.render('m.sql', '{{ uses_private() }}', {})).toBe('p');
  });

  it('return() gives real values with early exit, also for same-file calls', () => {
    const e = engine();
    expect(e.render('m.sql', '{% set c = columns() %}{{ c[0] }}|{{ c | length }}', ctx())).toBe('id|3');
    expect(e.render('m.sql', '{{ pick(true).a }} {{ pick(false) is none }}', {})).toBe('1 True');
    expect(e.callMacro('columns', [], ctx())).toEqual(['id', 'amount', '"main"."x"']);
    // a model-local macro using return() leaves the caller's frame intact
    expect(e.render('m.sql', '{% macro five() %}{{ return(5) }}{% endmacro %}{% set a = 1 %}{{ five() }}{% for i in [1] %}{{ a }}{% endfor %}{{ a }}', {})).toBe('511');
  });

  it('the render context is visible inside macros, per render', () => {
    const e = engine();
    expect(e.render('m.sql', '{{ target_schema() }}', ctx())).toBe('analytics');
    expect(e.render('m.sql', '{{ target_schema() }}', { target: { schema: 'other' } })).toBe('other');
    expect(e.callMacro('target_schema', [], { target: { schema: 'js' } })).toBe('js');
  });

  it('supports nested callMacro/render from context functions', () => {
    const e = engine();
    const inner = jinjaFunction(() => e.callMacro('target_schema', [], { target: { schema: 'nested' } }));
    const sub = jinjaFunction(() => e.render('sub.sql', '[{{ target_schema() }}]', { target: { schema: 'sub' } }));
    expect(e.render('m.sql', '{{ inner() }} {{ sub() }} {{ target_schema() }}', ctx({ inner, sub }))).toBe('nested [sub] analytics');
  });

  it('later registrations override earlier ones everywhere (project over built-in)', () => {
    const e = new TemplateEngine();
    e.addMacroFile('builtin/is_incremental.sql', '{% macro is_incremental() %}builtin{% endmacro %}{% macro check() %}{{ is_incremental() }}{% endmacro %}');
    expect(e.render('m.sql', '{{ check() }}', {})).toBe('builtin');
    e.addMacroFile('macros/mine.sql', '{% macro is_incremental() %}project{% endmacro %}');
    expect(e.render('m.sql', '{{ is_incremental() }} {{ check() }}', {})).toBe('project project');
  });

  it('callMacro passes kwargs and returns the rendered string', () => {
    const e = engine();
    expect(e.callMacro('cents_to_dollars', ['x'], {}, { scale: 5 })).toBe('(x / 100)::numeric(16, 5)');
    const err = caught(() => e.callMacro('cents_to_dolars', [], {}));
    expect(err.message).toContain('cents_to_dolars');
    expect(err.hint).toContain('cents_to_dollars');
  });

  it('caller() in {% call %} blocks', () => {
    const e = new TemplateEngine();
    e.addMacroFile('macros/w.sql', '{% macro wrap() %}<{{ caller() }}>{% endmacro %}');
    expect(e.render('m.sql', '{% call wrap() %}inside{% endcall %}', {})).toBe('<inside>');
  });
});

describe('errors', () => {
  const e = new TemplateEngine();
  e.addMacroFile('macros/bad.sql', '{% macro bad(x) %}\n  {{ exceptions.raise_compiler_error("bad " ~ x) }}\n{% endmacro %}\n{% macro outer() %}{{ bad(1) }}{% endmacro %}');

  it('raise_compiler_error → template error at the calling template line', () => {
    const err = caught(() => e.render('models/m.sql', 'select 1\n  {{ exceptions.raise_compiler_error("boom") }}', {}));
    expect(err.kind).toBe('template');
    expect(err.message).toBe('boom');
    expect(err.location).toEqual({ file: 'models/m.sql', line: 2, column: 6 });
    const viaMacro = caught(() => e.render('models/m.sql', '\n\n   {{ outer() }}', {}));
    expect(viaMacro.message).toBe('bad 1');
    expect(viaMacro.location).toEqual({ file: 'models/m.sql', line: 3, column: 7 });
    expect(viaMacro.hint).toBe('in macro bad (macros/bad.sql), called from outer (macros/bad.sql)');
  });

  it('syntax errors name file, line and column', () => {
    const unknownTag = caught(() => e.render('models/a.sql', 'select\n  {% foo %}', {}));
    expect(unknownTag.location).toEqual({ file: 'models/a.sql', line: 2, column: 6 });
    expect(unknownTag.message).toContain('unknown tag: foo');
    const unclosed = caught(() => e.render('models/b.sql', 'select\n{% if x %}\n1', {}));
    expect(unclosed.location).toEqual({ file: 'models/b.sql', line: 2, column: 1 });
    expect(unclosed.message).toContain('{% endif %}');
    const badExpr = caught(() => e.render('models/c.sql', 'x\n {{ a b }}', {}));
    expect(badExpr.location).toEqual({ file: 'models/c.sql', line: 2, column: 7 });
    const unterminated = caught(() => e.render('models/d.sql', 'x\n {{ "abc }}', {}));
    expect(unterminated.location).toEqual({ file: 'models/d.sql', line: 2, column: 5 });
    const inMacroFile = caught(() => e.addMacroFile('macros/broken.sql', '{% macro x() %}\n  {{ foo( }}\n{% endmacro %}'));
    expect(inMacroFile.location).toEqual({ file: 'macros/broken.sql', line: 2, column: 11 });
    const mismatched = caught(() => e.render('models/e.sql', '{% for x in y %}\n{% endif %}', {}));
    expect(mismatched.location).toMatchObject({ line: 2, column: 1 });
  });

  it('undefined functions and filters get a position and a suggestion', () => {
    const err = caught(() => e.render('models/m.sql', 'select\n  {{ cents_to_dolars(1) }}', { cents_to_dollars: () => '' }));
    expect(err.location).toEqual({ file: 'models/m.sql', line: 2, column: 6 });
    expect(err.message).toContain('`cents_to_dolars` is undefined');
    expect(err.hint).toContain('cents_to_dollars');
    const filter = caught(() => e.render('models/m.sql', 'a\n{{ x | nofilter }}', {}));
    expect(filter.message).toBe('unknown filter `nofilter`');
    expect(filter.location).toMatchObject({ line: 2, column: 8 });
  });

  it('a TsdbtError from a context function propagates unchanged, located if it was not', () => {
    const located = new TsdbtError('ref', 'no such model', { location: { file: 'elsewhere.yml', line: 9 } });
    const got = caught(() => e.render('models/m.sql', '{{ ref("x") }}', { ref: () => { throw located; } }));
    expect(got).toBe(located);
    expect(got.location).toEqual({ file: 'elsewhere.yml', line: 9 });
    const bare = new TsdbtError('ref', 'missing');
    const got2 = caught(() => e.render('models/m.sql', 'select\n from {{ ref("x") }}', { ref: () => { throw bare; } }));
    expect(got2).toBe(bare);
    expect(got2.kind).toBe('ref');
    expect(got2.location).toEqual({ file: 'models/m.sql', line: 2, column: 10 });
  });

  it('return() outside a macro is an error', () => {
    expect(caught(() => e.render('m.sql', '{{ return(1) }}', {})).message).toContain('inside a macro');
  });
});

describe('compile cache', () => {
  it('re-rendering the same source is cheap (printed, not asserted)', () => {
    const e = new TemplateEngine();
    e.addMacroFile('macros/m.sql', '{% macro cents(c) %}({{ c }} / 100){% endmacro %}');
    const c = ctx({ config: jinjaFunction(() => ''), is_incremental: jinjaFunction(() => false), this: '"main"."m"' });
    const sources = Array.from({ length: 200 }, (_, i) => `{{ config(materialized='table') }}\nselect {{ cents('amount') }} as a${i}\nfrom {{ ref('stg_${i}') }}\n{% if is_incremental() %}where x > (select max(x) from {{ this }}){% endif %}\n`);
    let t0 = performance.now();
    for (const s of sources) e.render('m.sql', s, c);
    const first = (performance.now() - t0) / sources.length;
    t0 = performance.now();
    for (let k = 0; k < 20; k++) for (const s of sources) e.render('m.sql', s, c);
    const cached = (performance.now() - t0) / (sources.length * 20);
    console.log(`render: first (compile + render) ${first.toFixed(3)} ms, cached ${cached.toFixed(4)} ms per template`);
    expect(e.render('m.sql', sources[0] as string, c)).toContain('(amount / 100) as a0');
  });
});
