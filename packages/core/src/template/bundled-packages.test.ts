import { describe, expect, it } from 'vitest';
import type { MacroDef } from '../parse/nodes.js';
import { bundledMacroNames, registerBundledMacros } from './bundled-packages.js';
import { TemplateEngine } from './engine.js';
import { DBT_CROSS_DB_MACRO_FILES } from './macros/dbt-cross-db.js';
import { DBT_UTILS_MACRO_FILES } from './macros/dbt-utils.js';

describe('bundled macro packages', () => {
  it('names read from the text are exactly the macros compiling the file defines', () => {
    for (const [file, source] of Object.entries({ ...DBT_CROSS_DB_MACRO_FILES, ...DBT_UTILS_MACRO_FILES })) {
      const defined = new TemplateEngine().addMacroFile(file, source, { package: 'x' });
      expect(bundledMacroNames(source).sort(), file).toEqual(defined.sort());
    }
  });

  it('compile on first use, and a project macro registered later still overrides', () => {
    const engine = new TemplateEngine();
    registerBundledMacros(engine, new Map<string, MacroDef>());
    engine.addMacroFile('macros/mine.sql', "{% macro concat(fields) %}mine{% endmacro %}", { package: 'proj' });
    expect(engine.render('m.sql', "{{ concat(['a', 'b']) }}", { execute: true }).trim()).toBe('mine');
    expect(engine.render('m.sql', "{{ dbt.concat(['a', 'b']) }}", { execute: true }).trim()).toBe('a || b');
    expect(engine.render('m.sql', "{{ dbt_utils.safe_add(['a', 'b']) }}", { execute: true })).toContain('coalesce(a, 0)');
    // After loading, the override is still in place.
    expect(engine.render('m.sql', "{{ concat(['a']) }}", { execute: true }).trim()).toBe('mine');
  });
});
