import { describe, expect, it } from 'vitest';
import type { MacroDef } from '../parse/nodes.js';
import { registerBundledMacros } from './bundled-packages.js';
import { jinjaFunction, TemplateEngine } from './engine.js';

function engineFor(adapterType: string, searchOrder: Record<string, string[]> = {}, project: Record<string, string> = {}): TemplateEngine {
  const engine = new TemplateEngine();
  registerBundledMacros(engine, new Map<string, MacroDef>());
  engine.configureDispatch({ adapterType, rootPackage: 'my_project', searchOrder });
  for (const [file, src] of Object.entries(project)) engine.addMacroFile(file, src, { package: 'my_project' });
  return engine;
}

const render = (e: TemplateEngine, src: string, ctx: Record<string, unknown> = {}) => e.render('m.sql', src, { execute: true, var: jinjaFunction(([, d]) => d ?? null), ...ctx }).trim();

describe('adapter.dispatch', () => {
  const lib = `
{% macro greet() %}{{ return(adapter.dispatch('greet')()) }}{% endmacro %}
{% macro default__greet() %}default{% endmacro %}
{% macro postgres__greet() %}postgres{% endmacro %}`;

  it('picks <adapter>__ before default__', () => {
    expect(render(engineFor('postgres', {}, { 'macros/g.sql': lib }), '{{ greet() }}')).toBe('postgres');
    expect(render(engineFor('duckdb', {}, { 'macros/g.sql': lib }), '{{ greet() }}')).toBe('default');
  });

  it('searches the root project before the namespace package', () => {
    const e = engineFor('duckdb', {}, { 'macros/o.sql': `{% macro duckdb__type_string() %}{{ return('MY_TEXT') }}{% endmacro %}` });
    expect(render(e, '{{ dbt.type_string() }}|{{ type_string() }}')).toBe('MY_TEXT|MY_TEXT');
    expect(render(engineFor('duckdb'), '{{ dbt.type_string() }}')).toBe('VARCHAR');
    expect(render(engineFor('postgres'), '{{ dbt.type_string() }}')).toBe('varchar');
  });

  it('follows the dispatch: search order of the project file', () => {
    const own = { 'macros/o.sql': `{% macro default__safe_add(field_list) %}mine{% endmacro %}` };
    expect(render(engineFor('duckdb', {}, own), `{{ dbt_utils.safe_add(['a']) }}`)).toBe('mine');
    expect(render(engineFor('duckdb', { dbt_utils: ['dbt_utils', 'my_project'] }, own), `{{ dbt_utils.safe_add(['a']) }}`)).toBe('coalesce(a, 0)');
  });

  it('a root macro with the package macro name overrides the unprefixed name only', () => {
    const e = engineFor('duckdb', {}, { 'macros/o.sql': `{% macro concat(fields) %}mine{% endmacro %}` });
    expect(render(e, `{{ concat(['a', 'b']) }}|{{ dbt.concat(['a', 'b']) }}`)).toBe('mine|a || b');
  });

  it('explains what it searched when nothing matches', () => {
    expect(() => render(engineFor('postgres'), `{{ adapter.dispatch('nope', 'dbt_utils')() }}`)).toThrow(
      "No macro named 'nope' found within namespace: 'dbt_utils'\n    Searched for: 'my_project.postgres__nope', 'my_project.default__nope', 'dbt_utils.postgres__nope', 'dbt_utils.default__nope'",
    );
    expect(() => render(engineFor('postgres'), `{{ adapter.dispatch('dbt_utils.star')() }}`)).toThrow('"." is not a valid macro name component');
  });

  it('keeps dbt_utils macros out of the unprefixed names', () => {
    const e = engineFor('duckdb');
    expect(e.hasMacro('dbt_utils.generate_surrogate_key')).toBe(true);
    expect(e.hasMacro('generate_surrogate_key')).toBe(false);
    expect(e.hasMacro('dbt_utils.test_accepted_range')).toBe(true);
  });

  it('adds dispatch to an adapter object from the render context', () => {
    const e = engineFor('postgres', {}, { 'macros/g.sql': lib });
    expect(render(e, `{{ adapter.dispatch('greet')() }}|{{ adapter.quote('x') }}`, { adapter: { quote: (s: string) => `[${s}]` } })).toBe('postgres|[x]');
  });
});

describe('dbt_utils without the warehouse', () => {
  it('generate_surrogate_key is dbt_utils’ expression', () => {
    expect(render(engineFor('duckdb'), `{{ dbt_utils.generate_surrogate_key(['a', 'b']) }}`)).toBe(
      "md5(cast(coalesce(cast(a as VARCHAR), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(b as VARCHAR), '_dbt_utils_surrogate_key_null_') as VARCHAR))",
    );
    expect(render(engineFor('postgres'), `{{ dbt_utils.generate_surrogate_key(['a']) }}`)).toBe(
      "md5(cast(coalesce(cast(a as varchar), '_dbt_utils_surrogate_key_null_') as varchar))",
    );
  });

  it('group_by and safe_add', () => {
    expect(render(engineFor('duckdb'), `{{ dbt_utils.group_by(3) }}`)).toBe('group by 1,2,3');
    expect(render(engineFor('duckdb'), `{{ dbt_utils.safe_add(['a', 'b']) }}`)).toBe('coalesce(a, 0) +\n  coalesce(b, 0)');
    expect(() => render(engineFor('duckdb'), `{{ dbt_utils.safe_add('a') }}`)).toThrow('single list argument');
  });
});

describe('dbt_utils 0.x names', () => {
  it('forward the cross-database macros to dbt.* and keep surrogate_key with 0.x null handling', () => {
    expect(render(engineFor('postgres'), `{{ dbt_utils.dateadd('day', 1, 'd') }}|{{ dbt_utils.listagg('s') }}|{{ dbt_utils.type_string() }}`)).toBe(
      "d + ((interval '1 day') * (1))|string_agg(s, ',')|varchar",
    );
    const expected = "md5(cast(coalesce(cast(a as VARCHAR), '') || '-' || coalesce(cast(b as VARCHAR), '') as VARCHAR))";
    expect(render(engineFor('duckdb'), `{{ dbt_utils.surrogate_key(['a', 'b']) }}`)).toBe(expected);
    expect(render(engineFor('duckdb'), `{{ dbt_utils.surrogate_key('a', 'b') }}`)).toBe(expected);
  });
});
