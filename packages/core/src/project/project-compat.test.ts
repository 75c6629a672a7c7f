import { describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.js';
import { checkRequiredDbtVersion, DBT_COMPATIBLE_VERSION, readProjectFlags, satisfiesDbtVersion } from './project-compat.js';
import { renderYamlValue, type YamlRenderContext } from './yaml-render.js';

const ctx = (vars: Record<string, unknown> = {}, env: Record<string, string> = {}): YamlRenderContext => ({ env, vars, secrets: new Set(), file: 'dbt_project.yml' });

describe('native rendering of YAML values (dbt renders project and properties files natively)', () => {
  it('keeps the type of a single expression', () => {
    expect(renderYamlValue("{{ var('x', false) }}", ctx())).toBe(false);
    expect(renderYamlValue("{{ var('x', false) }}", ctx({ x: true }))).toBe(true);
    expect(renderYamlValue('{{ 1 + 1 }}', ctx())).toBe(2);
    expect(renderYamlValue("{{ var('cols') }}", ctx({ cols: ['a', 'b'] }))).toEqual(['a', 'b']);
    expect(renderYamlValue('{{ none }}', ctx())).toBe(null);
  });

  it('leaves string results as strings unless an as_* filter converts them', () => {
    expect(renderYamlValue("{{ env_var('N', '5') }}", ctx())).toBe('5');
    expect(renderYamlValue("{{ env_var('N', '5') | as_number }}", ctx())).toBe(5);
    expect(renderYamlValue("{{ env_var('B', 'True') | as_bool }}", ctx())).toBe(true);
    expect(renderYamlValue("{{ env_var('B', 'false') | as_bool }}", ctx())).toBe(false);
    expect(renderYamlValue("{{ 'False' | as_native }}", ctx())).toBe(false);
    expect(renderYamlValue("{{ env_var('S', 'raw') }}", ctx({}, { S: 'landing' }))).toBe('landing');
  });

  it('renders text around or between expressions to a string', () => {
    expect(renderYamlValue("x_{{ var('n', 1) }}", ctx())).toBe('x_1');
    expect(renderYamlValue('{{ 1 }}{{ 2 }}', ctx())).toBe('12');
    expect(renderYamlValue({ a: ['{{ 3 }}'] }, ctx())).toEqual({ a: [3] });
  });

  it('leaves hooks unrendered', () => {
    expect(renderYamlValue({ '+post-hook': '{{ this }}', 'on-run-end': ['{{ results }}'] }, ctx())).toEqual({ '+post-hook': '{{ this }}', 'on-run-end': ['{{ results }}'] });
  });
});

describe('require-dbt-version', () => {
  const loc = { file: 'dbt_project.yml' };
  it('compares like dbt: every constraint must hold', () => {
    expect(satisfiesDbtVersion('1.9.0', ['>=1.5.0', '<2.0.0'])).toBe(true);
    expect(satisfiesDbtVersion('1.9.0', ['>1.9.0'])).toBe(false);
    expect(satisfiesDbtVersion('1.9.0', ['1.9.0'])).toBe(true);
    expect(satisfiesDbtVersion('1.9.0', ['<=1.8.9'])).toBe(false);
    expect(satisfiesDbtVersion('1.9.0', ['>=1.9.0-b1'])).toBe(true);
  });
  it('accepts a string, a list, and comma-separated constraints', () => {
    expect(() => checkRequiredDbtVersion('>=1.0.0', 'p', loc)).not.toThrow();
    expect(() => checkRequiredDbtVersion(['>=1.0.0', '<2.0.0'], 'p', loc)).not.toThrow();
    expect(() => checkRequiredDbtVersion('>=1.0.0,<1.5.0', 'p', loc)).toThrow(`project \`p\` requires dbt >=1.0.0, <1.5.0; tsdbt is compatible with dbt ${DBT_COMPATIBLE_VERSION}`);
    expect(() => checkRequiredDbtVersion('>=1.0.0,<1.5.0', 'p', loc, false)).not.toThrow();
  });
  it('rejects a malformed constraint', () => {
    expect(() => checkRequiredDbtVersion('>=1.5', 'p', loc)).toThrow('`require-dbt-version` has an invalid version `>=1.5`');
    expect(() => checkRequiredDbtVersion(15, 'p', loc)).toThrow('must be a version constraint or a list of them');
  });
});

describe('flags:', () => {
  it('accepts dbt flags and warns about unknown ones', () => {
    const d = new Diagnostics();
    expect(readProjectFlags({ require_explicit_package_overrides_for_builtin_materializations: false, use_colors: true, partial_pars: true }, d, () => ({ file: 'dbt_project.yml' }))).toMatchObject({ use_colors: true });
    expect(d.items.map((i) => i.message)).toEqual(['unknown flag `partial_pars` in `flags:` — did you mean `partial_parse`?; it is ignored']);
  });
});
