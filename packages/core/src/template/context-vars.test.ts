import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqlDialect } from '../adapter/sql-dialect.js';
import { Compiler, compileProject, type BodyCacheEntry } from '../compile/compile-project.js';
import { parseProject } from '../parse/parse-project.js';
import type { SqlNode } from '../parse/nodes.js';
import { DBT_COMPATIBLE_VERSION } from '../project/project-compat.js';
import { loadProject } from '../project/load-project.js';
import { newInvocation, PyRunStartedAt, type Invocation } from './context-vars.js';
import { jinjaFunction, TemplateEngine } from './engine.js';

class TestDialect extends SqlDialect {
  readonly name = 'test';
  readonly capabilities = { transactionalDdl: true, createOrReplace: true, merge: false };
}

async function project(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-ctxvars-'));
  for (const [rel, text] of Object.entries({ 'tsdbt_project.yml': 'name: p\n', ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return parseProject(await loadProject({ projectDir: dir }));
}

const INV: Invocation = { id: '0b8e7c1e-6a3c-4d7e-9f0e-1c2d3e4f5a6b', startedAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), selected: ['model.p.a', 'model.p.b'] };

function compileOne(parsed: Awaited<ReturnType<typeof project>>, id: string, inv: Invocation, previous?: ReadonlyMap<string, BodyCacheEntry>) {
  const out = compileProject(parsed, { dialect: new TestDialect(), nodeIds: [id], writeFiles: false, invocation: inv, cachedBodies: previous });
  return { sql: out.models.get(id)!.compiledSql, entries: out.compiler.entries };
}

describe('run_started_at (dbt: a naive datetime of the UTC wall clock)', () => {
  const dt = new PyRunStartedAt(INV.startedAt.getTime() * 1000);

  it('prints and formats like Python', () => {
    expect(String(dt)).toBe('2024-01-02 03:04:05.678000');
    expect(dt.isoformat()).toBe('2024-01-02T03:04:05.678000');
    expect(dt.strftime('%Y-%m-%d %H:%M:%S')).toBe('2024-01-02 03:04:05');
    expect(dt.year).toBe(2024);
    expect(dt.hour).toBe(3);
  });

  it('astimezone(UTC) gives the aware datetime; other zones are not supported', () => {
    const utc = dt.astimezone('UTC');
    expect(String(utc)).toBe('2024-01-02 03:04:05.678000+00:00');
    expect(utc.isoformat()).toBe('2024-01-02T03:04:05.678000+00:00');
    expect(utc.strftime('%H:%M %z %Z %%z')).toBe('03:04 +0000 UTC %z');
    expect(dt.astimezone().hour).toBe(3);
    expect(() => dt.astimezone('America/New_York')).toThrow(/only UTC/);
  });
});

describe('invocation context in templates', () => {
  it('invocation_id, run_started_at, dbt_version, selected_resources at compile time', async () => {
    const parsed = await project({
      'models/a.sql': "select '{{ invocation_id }}' as id, '{{ run_started_at.strftime(\"%Y%m%d\") }}' as d, '{{ dbt_version }}' as v, '{{ selected_resources | join(\",\") }}' as s, {{ 'model.p.a' in selected_resources }} as sel",
    });
    expect(compileOne(parsed, 'model.p.a', INV).sql).toBe(`select '${INV.id}' as id, '20240102' as d, '${DBT_COMPATIBLE_VERSION}' as v, 'model.p.a,model.p.b' as s, True as sel`);
  });

  it('at parse time: a fresh UUID, a datetime and no selection', async () => {
    const seen: Record<string, unknown> = {};
    const parsed = await project({
      'macros/m.sql': '{% macro grab() %}{% do seen.update({"id": invocation_id, "n": selected_resources | length, "t": run_started_at.isoformat(), "v": dbt_version}) %}{% endmacro %}',
      'models/a.sql': 'select 1',
    });
    const base = (await import('../compile/base-context.js')).baseContext(parsed.project, 'parse', () => 'x');
    parsed.engine.callMacro('grab', [], { ...base, seen });
    expect(seen['id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seen['n']).toBe(0);
    expect(String(seen['t'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    expect(seen['v']).toBe(DBT_COMPATIBLE_VERSION);
  });

  it('a model reading them (directly or through a macro) is volatile: never served from the compile cache', async () => {
    const parsed = await project({
      'macros/stamp.sql': "{% macro stamp() %}'{{ invocation_id }}'{% endmacro %}",
      'models/direct.sql': "select '{{ run_started_at }}' as t",
      'models/via_macro.sql': 'select {{ stamp() }} as id',
      'models/sel.sql': 'select {{ selected_resources | length }} as n',
      'models/plain.sql': "select '{{ dbt_version }}' as v",
    });
    const node = (n: string) => parsed.nodes.get(`model.p.${n}`) as SqlNode;
    expect(['direct', 'via_macro', 'sel', 'plain'].map((n) => node(n).volatile)).toEqual([true, true, true, false]);
    const first = compileOne(parsed, 'model.p.via_macro', INV);
    const inv2 = newInvocation();
    const second = compileOne(parsed, 'model.p.via_macro', inv2, first.entries);
    expect(second.sql).toBe(`select '${inv2.id}' as id`);
    // A non-volatile model is cached and reused.
    const p1 = compileOne(parsed, 'model.p.plain', INV);
    expect(p1.entries.has('model.p.plain')).toBe(true);
    expect(first.entries.has('model.p.via_macro')).toBe(false);
  });
});

describe('builtins (dbt: ref, source and config, reachable when a macro overrides them)', () => {
  it('a project `ref` macro overrides the context ref and calls builtins.ref', () => {
    const e = new TemplateEngine();
    e.addMacroFile('macros/ref.sql', "{% macro ref(name) %}{{ return(builtins.ref(name ~ '_v2')) }}{% endmacro %}");
    const ctx = {
      ref: jinjaFunction(([n]) => `"main"."${String(n)}"`),
      source: jinjaFunction(([s, t]) => `"${String(s)}"."${String(t)}"`),
      config: jinjaFunction(() => ''),
    };
    expect(e.render('m.sql', "select * from {{ ref('orders') }}", ctx)).toBe('select * from "main"."orders_v2"');
    expect(e.render('m.sql', "{{ builtins.source('raw', 't') }} {{ builtins.keys() | sort | join(',') }}", ctx)).toBe('"raw"."t" config,ref,source');
  });

  it('compiles a model through a ref override (parse records the ref, compile resolves it)', async () => {
    const parsed = await project({
      // A renaming override: the graph must follow what the override resolves, not the literal name.
      'macros/ref.sql': "{% macro ref(model_name) %}{% do return(builtins.ref({'legacy': 'base'}.get(model_name, model_name))) %}{% endmacro %}",
      'models/base.sql': 'select 1 as x',
      'models/top.sql': "select * from {{ ref('legacy') }}",
    });
    expect((parsed.nodes.get('model.p.top') as SqlNode).refs.map((r) => r.name)).toEqual(['base']);
    const c = new Compiler(parsed, new TestDialect());
    expect(c.compile(parsed.nodes.get('model.p.top') as SqlNode).compiledSql).toMatch(/^select \* from "[^"]+"\."base"$/);
  });
});

describe("Jinja test forms (template/jinja-syntax.ts parseIs)", () => {
  const e = new TemplateEngine();
  const r = (src: string, ctx: Record<string, unknown> = {}) => e.render('m.sql', src, ctx);

  it('`x is in y` and `x is not in y`', () => {
    expect(r("{{ 3 is in [1, 2, 3] }} {{ 'b' is in 'abc' }} {{ 'k' is in {'k': 1} }} {{ 4 is in xs }} {{ 4 is not in xs }}", { xs: [1, 2] })).toBe('True True True False True');
    expect(r("{{ 'x' is in('xyz') }}")).toBe('True');
  });

  it('one argument without parentheses, as a primary with postfix', () => {
    expect(r('{{ 9 is divisibleby 3 }} {{ 9 is not divisibleby 2 }} {{ 2 is eq 2 }} {{ none is sameas none }} {{ x is sameas false }}', { x: false })).toBe('True True True True True');
    expect(r('{{ 6 is divisibleby cfg.n }} {{ 6 is divisibleby ns[0] }}', { cfg: { n: 4 }, ns: [3] })).toBe('False True');
  });

  it('and / or / else / if after a bare test are operators, not arguments', () => {
    expect(r("{{ x is defined and x is odd }} {{ y is defined or x is even }} {{ 'd' if y is defined else 'u' }}", { x: 3 })).toBe('True False u');
    expect(r('{% if x is number %}n{% endif %}{% if x is none %}!{% endif %}', { x: 1 })).toBe('n');
  });
});

describe('the `in` test compares by value, as Python', () => {
  it('finds equal lists and numbers, not only the same object', () => {
    const e = new TemplateEngine();
    expect(e.render('m.sql', '{{ [1] is in [[1]] }} {{ 2 is in [1, 2] }} {{ 3 is in [1, 2] }}', {}).trim()).toBe('True True False');
  });
});
