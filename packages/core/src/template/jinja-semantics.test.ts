// Jinja semantics where nunjucks differs: each case is the output Jinja2 (as dbt configures it:
// loop controls and `do` enabled, default Undefined) documents or produces for the template.
import { describe, expect, it } from 'vitest';
import { RelationValue } from '../compile/relation.js';
import { parseDocsBlocks, renderDescription } from './docs-blocks.js';
import { jinjaFunction, TemplateEngine } from './engine.js';
import { extractStatic } from './static-extract.js';

const e = new TemplateEngine();
const r = (src: string, ctx: Record<string, unknown> = {}) => e.render('m.sql', src, ctx);

describe('truthiness: empty list, dict and string are false', () => {
  it('in if / inline if / not', () => {
    expect(r('{% if [] %}y{% else %}n{% endif %}{% if {} %}y{% else %}n{% endif %}{% if "" %}y{% else %}n{% endif %}{% if [0] %}y{% endif %}')).toBe('nnny');
    expect(r('{{ "y" if x else "n" }} {{ not x }} {{ not "a" }}', { x: [] })).toBe('n True False');
  });
  it('and / or return an operand, as Python', () => {
    expect(r('{{ [] or "empty" }}|{{ {} and "x" }}|{{ "" or [] }}|{{ [1] and "ok" }}|{{ "a" or "b" }}')).toBe('empty|{}|[]|ok|a');
  });
  it('select / reject without a test, default with boolean=true', () => {
    expect(r('{{ [[], [1], "", "a", {}, 0, 2] | select | list }}')).toBe("[[1], 'a', 2]");
    expect(r('{{ [[], [1], "", "a", {}] | reject | list }}')).toBe("[[], '', {}]");
    // default() only replaces undefined; with boolean=true also falsy values
    expect(r('{{ [] | default("d") }}|{{ [] | default("d", true) }}|{{ "" | default("d", true) }}|{{ nope | default("d") }}')).toBe('[]|d|d|d');
  });
});

describe('printing: Python str()', () => {
  it('None, booleans, lists, dicts, nested strings', () => {
    expect(r('{{ None }} {{ none }} {{ True }} {{ false }}')).toBe('None None True False');
    expect(r('{{ ["a", 1] }} {{ {"k": "v"} }} {{ [None, True, "it\'s"] }} {{ [] }} {{ {} }}')).toBe(`['a', 1] {'k': 'v'} [None, True, "it's"] [] {}`);
    expect(r('{{ ("a", 2) }}')).toBe("('a', 2)"); // a tuple
  });
  it('division is true division: 4/2 is 2.0; // floors; % is Python modulo', () => {
    expect(r('{{ 4 / 2 }} {{ 7 / 2 }} {{ 1 / 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }}')).toBe('2.0 3.5 0.3333333333333333 3 -4 1 2 -2');
    expect(r('{{ 2.0 }} {{ 4 / 2 + 1 }} {{ (4 / 2) * 3 }} {{ 1.5 * 2 }} {{ 3 * 2 }} {{ 2 ** 3 }} {{ 2.0 ** 2 }} {{ 7.0 // 2 }}')).toBe('2.0 3.0 6.0 3.0 6 8 4.0 3.0');
    expect(r('{{ 4 / 2 == 2 }} {{ (4 / 2) | int }} {{ 10 / 4 }} {{ [1, 2, 3][4 // 2] }}')).toBe('True 2 2.5 3');
  });
  it('% on strings', () => {
    expect(r("{{ '%s-%d' % (x, y) }} {{ '%05.1f|%-3s|' % (3.14159, 'a') }} {{ '%s' % 'solo' }} {{ '%(a)s' % {'a': 1} }} {{ '100%%' % () }}", { x: 'a', y: 7 })).toBe('a-7 003.1|a  | solo 1 100%');
  });
});

describe('strings', () => {
  it('methods', () => {
    expect(r('{{ "MiX".lower() }} {{ "MiX".upper() }} [{{ "  x  ".strip() }}] {{ "xxaxx".strip("x") }} {{ "abc".startswith("ab") }} {{ "abc".endswith(("x", "c")) }}')).toBe('mix MIX [x] a True True');
    expect(r('{{ "a,b,,c".split(",") }} {{ "a b  c".split() }} {{ "a.b.c".split(".", 1) }}')).toBe("['a', 'b', '', 'c'] ['a', 'b', 'c'] ['a', 'b.c']");
    expect(r('{{ "{} and {}".format("x", 1) }} {{ "{0}{0}{name}".format("a", name="n") }} {{ "{{x}}".format() }}')).toBe('x and 1 aan {x}');
    expect(r('{{ "a-b-c".replace("-", "_") }} {{ "a-b-c".replace("-", "_", 1) }} {{ "aaa" | replace("a", "b") }}')).toBe('a_b_c a_b-c bbb');
  });
  it('negative indexes and slices give strings', () => {
    expect(r('{{ "abc"[-1] }} {{ "abc"[0] }} {{ [1, 2, 3][-1] }} {{ [1, 2, 3][-3] }} {{ x[-2] }}', { x: ['p', 'q', 'r'] })).toBe('c a 3 1 q');
    expect(r('{{ "abcdef"[1:3] }} {{ "abc"[::-1] }} {{ "abcdef"[-2:] }} {{ "abcdef"[::2] }} {{ [1, 2, 3, 4][1:-1] }} {{ ("abc"[1:]).upper() }}')).toBe('bc cba ef ace [2, 3] BC');
  });
});

describe('statements', () => {
  it('{% do %} and namespace()', () => {
    expect(r('{% set l = [] %}{% do l.append(1) %}{% do l.extend([2]) %}{% set d = {} %}{% do d.update({"k": l}) %}{{ d }}')).toBe("{'k': [1, 2]}");
    expect(r('{% set ns = namespace(found=false, n=0) %}{% for x in [1, 2, 3] %}{% if x > 1 %}{% set ns.found = true %}{% set ns.n = ns.n + x %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.n }}')).toBe('True 5');
  });
  it('{% set %} inside a for loop is loop-scoped (and starts from the outer value each iteration)', () => {
    expect(r('{% set x = 0 %}{% for i in [1, 2, 3] %}{{ x }}{% set x = i %}{{ x }},{% endfor %}|{{ x }}')).toBe('01,02,03,|0');
    expect(r('{% set total = 0 %}{% for i in [1, 2, 3] %}{% set total = total + i %}{% endfor %}{{ total }}')).toBe('0');
    expect(r('{% for i in [1, 2] %}{% set inner = i %}{% endfor %}[{{ inner }}]')).toBe('[]');
    // an if does not open a scope: a set in it at top level is visible after it
    expect(r('{% if true %}{% set y = 5 %}{% endif %}{{ y }}')).toBe('5');
    // nested loops: the inner set stays inside the inner loop
    expect(r('{% for a in [1, 2] %}{% set v = a %}{% for b in [10] %}{% set v = b %}{% endfor %}{{ v }}{% endfor %}')).toBe('12');
    // in a macro too, also for a macro argument and an outer loop's variable
    e.addMacroFile('macros/scoped.sql', '{% macro scoped() %}{% set n = "outer" %}{% for i in [1] %}{% set n = "inner" %}{% endfor %}{{ n }}{% endmacro %}{% macro arg_scoped(a) %}{% for i in [1, 2] %}[{{ a }}{% if i == 2 %}{% set a = i %}{% endif %}{{ a }}]{% endfor %}{{ a }}{% endmacro %}');
    expect(r('{{ scoped() }}')).toBe('outer');
    expect(r('{{ arg_scoped(0) }}')).toBe('[00][02]0');
    expect(r('{% for a in [1, 2] %}{% for b in [7] %}{% set a = b %}{{ a }}{% endfor %}{{ a }}{% endfor %}')).toBe('7172');
  });
  it('loop variables', () => {
    const src = '{% for x in ["a", "b", "c"] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}:{{ loop.previtem }}<{{ loop.nextitem }}>{{ loop.cycle("odd", "even") }};{% endfor %}';
    expect(r(src)).toBe('1032TrueFalse3:<b>odd;2121FalseFalse3:a<c>even;3210FalseTrue3:b<>odd;');
    expect(r('{% for x in [1, 1, 2] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}')).toBe('12');
    expect(r('{% for a in [1, 2] %}{% set outer = loop %}{% for b in [1] %}{{ outer.index }}.{{ loop.index }} {% endfor %}{% endfor %}')).toBe('1.1 2.1 ');
    expect(r('{% for k, v in {"a": 1, "b": 2}.items() %}{{ loop.index }}{{ k }}{{ v }}{% endfor %}')).toBe('1a12b2');
    expect(r('{% for x in [] %}x{% else %}empty{% endfor %}')).toBe('empty');
  });
  it('{% break %} and {% continue %}', () => {
    expect(r('{% for i in range(10) %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}')).toBe('012');
    expect(r('{% for i in range(5) %}{% if i is odd %}{% continue %}{% endif %}{{ i }}{% endfor %}')).toBe('024');
    expect(r('{% for a in [1, 2] %}{% for b in [1, 2, 3] %}{% if b == 2 %}{% break %}{% endif %}{{ a }}{{ b }} {% endfor %}{% endfor %}')).toBe('11 21 ');
    expect(r('{% for k, v in {"a": 1, "b": 2, "c": 3}.items() %}{% if v == 2 %}{% continue %}{% endif %}{{ k }}{% endfor %}')).toBe('ac');
    expect(() => r('{% break %}')).toThrow(/break.*outside|outside.*loop/);
  });
  it('dict literals with expression keys, trailing commas, tuples', () => {
    expect(r('{% set d = {1: "one", 2: "two"} %}{{ d[1] }} {{ d[2] }}')).toBe('one two');
    expect(r('{% set k = "dyn" %}{% set d = {k: 1, "a" ~ "b": 2} %}{{ d.dyn }} {{ d.ab }} {{ d | length }}')).toBe('1 2 2');
    expect(r('{{ [1, 2,] }} {{ {"a": 1,} }} {{ (1, 2,) }} {{ (1,) }} {{ [\n  "x",\n  "y",\n] | join }}')).toBe("[1, 2] {'a': 1} (1, 2) (1,) xy");
    expect(r('{{ dict(a=1, b=2,) }} {{ "{}-{}".format(1, 2,) }}')).toBe("{'a': 1, 'b': 2} 1-2");
    expect(r('{% for a, b in [(1, "x"), (2, "y")] %}{{ a }}{{ b }}{% endfor %} {{ (1, 2)[1] }} {{ (1, 2) | length }}')).toBe('1x2y 2 2');
  });
  it('**kwargs and *args at call sites; varargs and kwargs in macros', () => {
    e.addMacroFile(
      'macros/args.sql',
      `{% macro show(a, b=2, c=3) %}{{ a }}-{{ b }}-{{ c }}{% endmacro %}
{% macro collect(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}
{% macro nothing_extra(a) %}{{ a }}{% endmacro %}`,
    );
    expect(r('{% set opts = {"c": 30, "b": 20} %}{{ show(1, **opts) }} {{ show(**{"a": 9}) }} {{ show(*[7, 8]) }} {{ show(1, c=5, **{"b": 4}) }}')).toBe('1-20-30 9-2-3 7-8-3 1-4-5');
    expect(r('{{ collect(1, 2, 3, x="y") }} {{ collect(1) }}')).toBe("1|[2, 3]|{'x': 'y'} 1|[]|{}");
    expect(r('{% set kw = {"x": 1} %}{{ collect(0, **kw) }}')).toBe("0|[]|{'x': 1}");
    const f = jinjaFunction((args, kwargs) => `${JSON.stringify(args)} ${JSON.stringify(kwargs)}`);
    expect(r('{{ f(*[1, 2], **{"k": "v"}) }}', { f })).toBe('[1,2] {"k":"v"}');
    expect(r('{{ nothing_extra(5) }}')).toBe('5');
  });
});

describe('filters', () => {
  it('map(attribute=…), map(filter), unique, tojson', () => {
    const cols = [{ name: 'id', t: 'int' }, { name: 'Name', t: 'text' }, { name: 'name', t: 'text' }];
    expect(r('{{ cols | map(attribute="name") | join(",") }} {{ cols | map(attribute="name") | map("lower") | unique | list }} {{ cols | map(attribute="t") | unique | list }}', { cols })).toBe("id,Name,name ['id', 'name'] ['int', 'text']");
    expect(r('{{ ["a", "A", "b"] | unique | list }} {{ ["a", "A", "b"] | unique(case_sensitive=true) | list }} {{ cols | unique(attribute="t") | map(attribute="name") | list }}', { cols })).toBe("['a', 'b'] ['a', 'A', 'b'] ['id', 'Name']");
    expect(r('{{ {"b": [1, none, true], "a": "x<y"} | tojson }}')).toBe('{"a": "x\\u003cy", "b": [1, null, true]}');
  });
  it('as_bool / as_number / as_text / as_native render their text in SQL templates (dbt text rendering)', () => {
    expect(r('{{ "true" | as_bool }} {{ True | as_bool }} {{ "42" | as_number }} {{ 3 | as_text }} {{ [1] | as_native }}')).toBe('true True 42 3 [1]');
    // dbt's TextMarker is a str: a non-empty result is truthy whatever it says
    expect(r('{% if "false" | as_bool %}t{% else %}f{% endif %}')).toBe('t');
  });
});

describe('number filters', () => {
  it('int, float and round as Jinja', () => {
    expect(r('{{ True | int }} {{ "3.7" | int }} {{ 3.7 | int }} {{ "x" | int }} {{ "x" | int(5) }} {{ "0x1A" | int(0, 16) }}')).toBe('1 3 3 0 5 26');
    expect(r('{{ [1.5, 2.5] | sum }} {{ [1, 2] | sum }} {{ [{"n": 1}, {"n": 2}] | sum(attribute="n") }} {{ [1] | sum(start=10) }} {{ "%d items" % (4 / 2) }}')).toBe('4.0 3 3 11 2 items');
    expect(r('{{ 2 | float }} {{ "1.5" | float }} {{ "x" | float }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 3.14159 | round(2) }} {{ 2.7 | round(0, "floor") }}')).toBe('2.0 1.5 0.0 2.0 4.0 3.14 2.0');
  });
});

describe('tests', () => {
  it('mapping, iterable, string, number', () => {
    const t = (v: string) => r(`{{ ${v} is mapping }}{{ ${v} is iterable }}{{ ${v} is string }}{{ ${v} is number }}`);
    expect(t('{"a": 1}')).toBe('TrueTrueFalseFalse');
    expect(t('[1]')).toBe('FalseTrueFalseFalse');
    expect(t('(1, 2)')).toBe('FalseTrueFalseFalse');
    expect(t('"s"')).toBe('FalseTrueTrueFalse');
    expect(t('42')).toBe('FalseFalseFalseTrue');
    expect(t('4 / 2')).toBe('FalseFalseFalseTrue');
    expect(t('none')).toBe('FalseFalseFalseFalse');
    // a relation (an object, not a dict) is neither
    expect(r('{{ x is mapping }} {{ x is iterable }} {{ x is string }}', { x: new RelationValue({ database: 'db', schema: 'analytics', identifier: 'orders' }, '"db"."analytics"."orders"', 'table') })).toBe('False False False');
    expect(r('{{ {"a": 1} is sequence }} {{ "ab" is sequence }} {{ 1 is sequence }}')).toBe('True True False');
  });
});

describe('return()', () => {
  it('returns a real list, dict or relation, and exits early', () => {
    const relation = new RelationValue({ database: 'db', schema: 'analytics', identifier: 'orders' }, '"db"."analytics"."orders"', 'table');
    e.addMacroFile(
      'macros/ret.sql',
      `{% macro cols() %}{{ return(['a', 'b']) }}never{% endmacro %}
{% macro meta() %}{% do return({'rows': 3, 'ok': true}) %}{% endmacro %}
{% macro rel() %}{% if true %}{{ return(ref('orders')) }}{% endif %}{{ exceptions.raise_compiler_error('not reached') }}{% endmacro %}
{% macro first_big(xs) %}{% for x in xs %}{% if x > 10 %}{{ return(x) }}{% endif %}{% endfor %}{{ return(none) }}{% endmacro %}`,
    );
    const ref = jinjaFunction(() => relation);
    expect(r('{% set c = cols() %}{{ c | length }} {{ c[-1] }} {{ c is iterable }} {{ c is string }}')).toBe('2 b True False');
    expect(r('{% set m = meta() %}{{ m.rows + 1 }} {{ m.ok }} {{ m is mapping }}')).toBe('4 True True');
    expect(r('{% set t = rel() %}{{ t.schema }}.{{ t.identifier }} {{ t }}', { ref })).toBe('analytics.orders "db"."analytics"."orders"');
    expect(r('{{ first_big([1, 20, 30]) }} {{ first_big([1]) }}')).toBe('20 None');
  });
});

describe('docs blocks and doc()', () => {
  const md = '{% docs __overview__ %}\n# Shop\n{% enddocs %}\n\nnot in a block\n{%- docs order_status -%}\n\nOne of *placed*, *shipped*.\n\n{% enddocs %}\n{% docs computed %}{{ 1 + 1 }} states{% enddocs %}';
  it('parses blocks (stripped, rendered) and renders doc() in descriptions', () => {
    const blocks = parseDocsBlocks('models/docs.md', md);
    expect(blocks.map((b) => [b.name, b.contents])).toEqual([
      ['__overview__', '# Shop'],
      ['order_status', 'One of *placed*, *shipped*.'],
      ['computed', '2 states'],
    ]);
    const docs = new Map(blocks.map((b) => [b.name, b]));
    expect(renderDescription("{{ doc('order_status') }}", docs, 'models/schema.yml')).toBe('One of *placed*, *shipped*.');
    expect(renderDescription("Status. {{ doc(\"my_project\", \"computed\") }}", docs, 'models/schema.yml')).toBe('Status. 2 states');
    expect(renderDescription('plain {text}', docs, 'x.yml')).toBe('plain {text}');
    expect(renderDescription("{{ var('x') }} kept", docs, 'x.yml')).toBe("{{ var('x') }} kept");
    expect(() => renderDescription("{{ doc('nope') }}", docs, 'models/schema.yml')).toThrow(/doc\('nope'\) is not defined/);
    expect(() => parseDocsBlocks('a.md', '{% docs x %}never closed')).toThrow(/no `{% enddocs %}`/);
  });
});

describe('depends_on comments', () => {
  it('a ref in a SQL comment is a static dependency and renders', () => {
    const src = "-- depends_on: {{ ref('stg_orders') }}\nselect * from {{ some_macro() }}";
    const x = extractStatic(src);
    expect(x.refs.map((c) => c.name)).toEqual(['stg_orders']);
    const ref = jinjaFunction(([n]) => `"main"."${String(n)}"`);
    expect(r("-- depends_on: {{ ref('stg_orders') }}\nselect 1", { ref })).toBe('-- depends_on: "main"."stg_orders"\nselect 1');
  });
});

describe('Jinja parity: tuples, int keys, exponents, Python errors, set/with/raw/filter, whitespace', () => {
  const fails = (src: string, ctx: Record<string, unknown> = {}): { message: string; location?: { line: number; column: number } } => {
    try {
      r(src, ctx);
    } catch (err) {
      return err as { message: string; location?: { line: number; column: number } };
    }
    throw new Error(`expected ${src} to fail`);
  };

  it('tuples print as tuples, are sequences, and are not equal to lists', () => {
    expect(r('{{ (1, 2) }} {{ (1,) }} {{ () }} {{ [(1, "a"), ("b",)] }} {{ {"k": (1, 2)} }}')).toBe("(1, 2) (1,) () [(1, 'a'), ('b',)] {'k': (1, 2)}");
    expect(r('{{ (1, 2) is sequence }} {{ [1, 2] is sequence }} {{ (1, 2) is mapping }} {{ (1, 2) is iterable }}')).toBe('True True False True');
    expect(r('{{ (1, 2) == [1, 2] }} {{ (1, 2) == (1, 2) }} {{ (1, 2) != [1, 2] }} {{ 2 in (1, 2) }} {{ (1, 2)[-1] }}')).toBe('False True True True 2');
    // tuple + tuple is a tuple; list(tuple) is a list; tuple + list is a TypeError
    expect(r('{{ (1,) + (2,) }} {{ (1, 2) | list }} {{ (1, 2) | length }} {{ ("a", "b") | join("-") }} {{ (1, 2) | tojson }}')).toBe('(1, 2) [1, 2] 2 a-b [1, 2]');
    expect(fails('{{ [1] + (2,) }}').message).toMatch(/can only concatenate list \(not "tuple"\) to list/);
    // dict.items() and zip() give tuples
    expect(r('{{ {"a": 1}.items() | list }} {{ zip([1, 2], "ab") | list }} {% for n, c in zip([1], ["x"]) %}{{ n }}{{ c }}{% endfor %}')).toBe("[('a', 1)] [(1, 'a'), (2, 'b')] 1x");
  });

  it('non-string dict keys keep their type when printed and iterated', () => {
    expect(r('{{ {1: "a"} }} {{ {1: "a", "b": 2, none: 3, 1.5: 4, true: 5} }}')).toBe("{1: 'a'} {1: 'a', 'b': 2, None: 3, 1.5: 4, True: 5}");
    expect(r('{% set d = {1: "a", 2: "b"} %}{{ d[1] }} {% for k in d %}{{ k + 10 }} {% endfor %}{% for k, v in d.items() %}{{ k * 2 }}{{ v }} {% endfor %}{{ d.keys() | list }}')).toBe('a 11 12 2a 4b [1, 2]');
    expect(r('{% set d = {1: "a"} %}{% do d.update({2: "b"}) %}{{ d }} {{ d.copy() }}')).toBe("{1: 'a', 2: 'b'} {1: 'a', 2: 'b'}");
  });

  it('exponent float literals', () => {
    expect(r('{{ 1e20 }} {{ 2.5e-3 }} {{ 1E3 }} {{ 1e-3 }} {{ 1.5E+2 }} {{ 1e3 + 1 }} {{ -2e2 }}')).toBe('1e+20 0.0025 1000.0 0.001 150.0 1001.0 -200.0');
    expect(r('{{ [1e2, 3] }} {{ 1e2 is number }}')).toBe('[100.0, 3] True');
  });

  it('x / 0, x // 0 and x % 0 raise ZeroDivisionError at the operator', () => {
    const err = fails('select 1\n  , {{ 10 / 0 }} as x');
    expect(err.message).toMatch(/ZeroDivisionError: division by zero/);
    expect(err.location).toMatchObject({ line: 2, column: 8 });
    expect(fails('{{ 10 // 0 }}').message).toMatch(/ZeroDivisionError: integer division or modulo by zero/);
    expect(fails('{{ 10 % 0 }}').message).toMatch(/ZeroDivisionError: integer modulo by zero/);
    expect(fails('{{ 1.5 / 0 }}').message).toMatch(/ZeroDivisionError: float division by zero/);
    expect(fails('{{ x / y }}', { x: 1, y: 0 }).message).toMatch(/division by zero/);
  });

  it("'1' + 1 is a TypeError; ~ concatenates anything", () => {
    const err = fails("select\n{{ '1' + 1 }}");
    expect(err.message).toMatch(/can only concatenate str \(not "int"\) to str/);
    expect(err.location).toMatchObject({ line: 2 });
    expect(fails("{{ 1 + 'a' }}").message).toMatch(/unsupported operand type\(s\) for \+: 'int' and 'str'/);
    expect(fails("{{ 'a' + none }}").message).toMatch(/can only concatenate str \(not "NoneType"\) to str/);
    expect(fails("{{ 'a' - 'b' }}").message).toMatch(/unsupported operand type\(s\) for -: 'str' and 'str'/);
    expect(fails('{{ {"a": 1} + {"b": 2} }}').message).toMatch(/unsupported operand type\(s\) for \+: 'dict' and 'dict'/);
    // Jinja's Undefined refuses arithmetic, but prints as '' with ~
    expect(fails("{{ nope + 'a' }}").message).toBe("'nope' is undefined");
    expect(fails('{{ 1 - nope }}').message).toBe("'nope' is undefined");
    expect(fails('{{ {}.x * 2 }}').message).toMatch(/undefined value cannot be used with `\*`/);
    expect(r("[{{ 'a' ~ nope }}]")).toBe('[a]');
    expect(r("{{ 'a' ~ 1 ~ none ~ true ~ (1,) }} {{ 'a' + 'b' }} {{ 'ab' * 2 }} {{ [1] * 2 }} {{ 1 + true }}")).toBe('a1NoneTrue(1,) ab abab [1, 1] 2');
  });

  it('a macro called with an argument it does not declare raises, unless it uses kwargs / varargs', () => {
    e.addMacroFile('macros/strict.sql', '{% macro m0() %}m0{% endmacro %}{% macro m1(a, b=2) %}{{ a }}{{ b }}{% endmacro %}{% macro mk(a) %}{{ a }}{{ kwargs }}{% endmacro %}{% macro mv(a) %}{{ a }}{{ varargs }}{% endmacro %}');
    expect(fails('{{ m0(x=1) }}').message).toBe("macro 'm0' takes no keyword argument 'x'");
    const err = fails('select 1,\n  {{ m1(1, 2, 3) }}');
    expect(err.message).toBe("macro 'm1' takes not more than 2 argument(s)");
    expect(err.location).toMatchObject({ line: 2, column: 6 });
    expect(fails('{{ m1(1, c=3) }}').message).toBe("macro 'm1' takes no keyword argument 'c'");
    // declared names by keyword, and positional defaults, are fine
    expect(r('{{ m1(b=5, a=4) }} {{ m1(1, 3) }} {{ m1(1) }}')).toBe('45 13 12');
    expect(r('{{ mk(1, x=2) }} {{ mv(1, 2, 3) }}')).toBe("1{'x': 2} 1[2, 3]");
    expect(fails('{{ mk(1, 2) }}').message).toBe("macro 'mk' takes not more than 1 argument(s)");
    expect(fails('{{ mv(1, x=2) }}').message).toBe("macro 'mv' takes no keyword argument 'x'");
    // a macro defined in the template, and a call block's caller
    expect(fails('{% macro local(a) %}{{ a }}{% endmacro %}{{ local(1, z=2) }}').message).toBe("macro 'local' takes no keyword argument 'z'");
    expect(r('{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}in{% endcall %}')).toBe('[in]');
  });

  it('{% set a, b = … %} unpacks; {% for k, v in d.items() %} unpacks', () => {
    expect(r('{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set c, d = [3, 4] %}{{ c }}{{ d }} {% set t = 1, 2, %}{{ t }} {% set x, y = "xy" %}{{ y }}{{ x }}')).toBe('12 34 (1, 2) yx');
    expect(r('{% set a, b = 1, 2 %}{% set a, b = b, a %}{{ a }}{{ b }}')).toBe('21');
    expect(r('{% for k, v in {"a": 1, "b": 2}.items() %}{{ k }}={{ v }};{% endfor %} {% for a, b in [(1, "x"), (2, "y")] %}{{ a }}{{ b }}{% endfor %}')).toBe('a=1;b=2; 1x2y');
    expect(fails('{% set a, b = 1, 2, 3 %}').message).toMatch(/too many values to unpack \(expected 2\)/);
    expect(fails('{% set a, b, c = [1, 2] %}').message).toMatch(/not enough values to unpack \(expected 3, got 2\)/);
    // unpacking inside a macro and inside a loop follows the usual scoping
    e.addMacroFile('macros/unpack.sql', '{% macro split_name(full) %}{% set first, last = full.split(" ") %}{{ last }}, {{ first }}{% endmacro %}');
    expect(r('{{ split_name("Ada Lovelace") }}')).toBe('Lovelace, Ada');
    expect(r('{% set a = 0 %}{% for p in [(1, 2)] %}{% set a, b = p %}{{ a }}{% endfor %}{{ a }}')).toBe('10');
  });

  it('{% with %} opens a scope; its values are evaluated outside it', () => {
    expect(r('{% with x = 1 %}{{ x }}{% endwith %}[{{ x }}]')).toBe('1[]');
    expect(r('{% with %}{% set y = 2 %}{{ y }}{% endwith %}[{{ y }}]')).toBe('2[]');
    expect(r('{% set a = "outer" %}{% with a = "inner", b = a %}{{ a }} {{ b }}{% set a = "changed" %} {{ a }}{% endwith %} {{ a }}')).toBe('inner outer changed outer');
    expect(r('{% for i in [1, 2, 3] %}{% with j = i * 2 %}{% if j == 4 %}{% continue %}{% endif %}{{ j }}{% endwith %}{% endfor %}')).toBe('26');
    e.addMacroFile('macros/with.sql', '{% macro w(a) %}{% with a = a + 1, b = 10 %}{{ a }}{{ b }}{% endwith %}{{ a }}{% endmacro %}');
    expect(r('{{ w(1) }}')).toBe('2101');
  });

  it('{% filter %} blocks and block set with filters', () => {
    expect(r('{% filter upper %}abc {{ "d" }}{% endfilter %} {% filter replace("a", "o") | upper %}banana{% endfilter %}')).toBe('ABC D BONONO');
    expect(r('{% set x %}abc{% endset %}{{ x }} {% set y | upper %}ab{{ 1 }}{% endset %}{{ y }} {% set z | replace("a", "b") | upper %}aa{% endset %}{{ z }}')).toBe('abc AB1 BB');
    expect(r('{% set q | trim %}\n  select 1\n{% endset %}[{{ q }}]')).toBe('[select 1]');
  });

  it('{% raw %}, with whitespace control on its tags', () => {
    expect(r('{% raw %}{{ x }} {% if %}{% endraw %}')).toBe('{{ x }} {% if %}');
    expect(r('a\n  {%- raw -%}\n {{ y }} \n{%- endraw -%}\n b')).toBe('a{{ y }}b');
    expect(r('{% raw %} {{ keep }} {% endraw %}')).toBe(' {{ keep }} ');
    expect(fails('{% raw %}never closed').message).toMatch(/missing end of raw directive/);
  });

  it('loop.cycle', () => {
    expect(r('{% for i in range(5) %}{{ loop.cycle("a", "b", "c") }}{% endfor %}')).toBe('abcab');
  });

  it("whitespace control as Jinja's defaults (trim_blocks and lstrip_blocks off, one trailing newline dropped)", () => {
    expect(r('{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}')).toBe('\n  1\n\n  2\n');
    expect(r('{% for i in [1, 2] -%}\n  {{ i }}\n{%- endfor %}')).toBe('12');
    expect(r('{% if true %}\nx\n{% endif %}\n')).toBe('\nx\n');
    expect(r('  {% if true %}x{% endif %}  ')).toBe('  x  ');
    expect(r('a\n  {%- if true -%}\n  b\n  {%- endif -%}\n c')).toBe('abc');
    expect(r('a  {{- "x" -}}  \n b')).toBe('axb');
    expect(r('a  \n  {#- c -#}  \n b|a {#- c #} b')).toBe('ab|a b');
    expect(r('{% macro m() -%}\n  x\n{%- endmacro %}[{{ m() }}]')).toBe('[x]');
    // `+` (turn lstrip/trim off for one tag) is accepted, and changes nothing with those defaults
    expect(r('  {%+ if true %}x{% endif +%}\ny')).toBe('  x\ny');
  });
});

describe('Jinja parity: chained comparisons', () => {
  it('a < b < c is a < b and b < c, as in Python', () => {
    expect(r('{{ 1 <= 3 <= 2 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 1 }} {{ 1 == 1 == 1 }} {{ 1 < 2 > 1 }} {{ 2 == 2 == 3 }} {{ 5 > 1 == 1 }}')).toBe('False True True True True False True');
    expect(r('{% set lo, hi = 1, 2 %}{% for n in [0, 1, 2, 3] %}{{ "in" if lo <= n <= hi else "out" }} {% endfor %}')).toBe('out in in out ');
  });
});
