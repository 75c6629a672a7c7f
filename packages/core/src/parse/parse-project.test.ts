import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../project/load-project.js';
import type { ModelNode } from './nodes.js';
import { parseProject } from './parse-project.js';

async function parsed(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-parse-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return parseProject(await loadProject({ projectDir: dir, env }));
}

const PROJECT = `name: p
models:
  p:
    +materialized: view
    +tags: [all]
    marts:
      +materialized: table
      +schema: marts
      +tags: [marts]
      +meta: { owner: finance, tier: 1 }
`;

describe('parseProject config precedence (dbt: config() > properties YAML > folder config > defaults)', () => {
  it('merges levels; tags add up; meta merges key by key', async () => {
    const p = await parsed({
      'tsdbt_project.yml': PROJECT,
      'models/marts/a.sql': "{{ config(tags=['in_file'], meta={'tier': 3}) }}\nselect 1",
      'models/marts/b.sql': "{{ config(materialized='view') }}\nselect 1",
      'models/marts/c.sql': 'select 1',
      'models/staging/s.sql': 'select 1',
      'models/marts/props.yml': 'version: 2\nmodels:\n  - name: a\n    config:\n      materialized: incremental\n      tags: [yaml]\n  - name: c\n    config:\n      materialized: ephemeral\n',
    });
    const node = (n: string) => p.nodes.get(`model.p.${n}`) as ModelNode;
    expect(node('a').config.materialized).toBe('incremental'); // YAML over folder
    expect(node('a').tags.sort()).toEqual(['all', 'in_file', 'marts', 'yaml']);
    expect(node('a').config.meta).toEqual({ owner: 'finance', tier: 3 });
    expect(node('b').config.materialized).toBe('view'); // config() over folder
    expect(node('c').config.materialized).toBe('ephemeral');
    expect(node('s').config.materialized).toBe('view');
    expect(node('s').tags).toEqual(['all']);
  });

  it('places nodes with the default generate_schema_name (target schema, or <target>_<custom>) and alias', async () => {
    const p = await parsed({
      'tsdbt_project.yml': PROJECT,
      'models/marts/a.sql': "{{ config(alias='orders') }}select 1",
      'models/staging/s.sql': 'select 1',
    });
    expect(p.nodes.get('model.p.a')!.relation).toEqual({ database: undefined, schema: 'main_marts', identifier: 'orders' });
    expect(p.nodes.get('model.p.s')!.relation).toEqual({ database: undefined, schema: 'main', identifier: 's' });
  });

  it('finds refs built in a loop by rendering at parse time', async () => {
    const p = await parsed({
      'tsdbt_project.yml': 'name: p\n',
      'models/a.sql': 'select 1 as x',
      'models/b.sql': 'select 2 as x',
      'models/u.sql': "{% for m in ['a', 'b'] %}select * from {{ ref(m) }}{% if not loop.last %} union all {% endif %}{% endfor %}",
    });
    const u = p.nodes.get('model.p.u') as ModelNode;
    expect(u.renderedAtParse).toBe(true);
    expect(p.graph.inNeighbors('model.p.u').sort()).toEqual(['model.p.a', 'model.p.b']);
  });

  it('finds literal refs statically without rendering', async () => {
    const p = await parsed({ 'tsdbt_project.yml': 'name: p\n', 'models/a.sql': 'select 1 as x', 'models/b.sql': "select * from {{ ref('a') }}" });
    expect((p.nodes.get('model.p.b') as ModelNode).renderedAtParse).toBe(false);
    expect((p.nodes.get('model.p.b') as ModelNode).refs[0]).toMatchObject({ name: 'a', position: { line: 1, column: 18 } });
  });

  it('drops disabled models from the graph', async () => {
    const p = await parsed({ 'tsdbt_project.yml': 'name: p\nmodels:\n  p:\n    old:\n      +enabled: false\n', 'models/old/a.sql': 'select 1', 'models/b.sql': 'select 1' });
    expect([...p.nodes.keys()]).toEqual(['model.p.b']);
    expect([...p.disabled.keys()]).toEqual(['model.p.a']);
  });
});

describe('refs hidden in macros', () => {
  it('renders a model at parse time when a macro it calls uses ref()', async () => {
    const p = await parsed({
      'tsdbt_project.yml': 'name: p\n',
      'models/a.sql': 'select 1 as x',
      'models/b.sql': 'select * from {{ from_a() }}',
      'macros/m.sql': "{% macro from_a() %}{{ ref('a') }}{% endmacro %}\n{% macro wrapper() %}{{ from_a() }}{% endmacro %}",
      'models/c.sql': 'select * from {{ wrapper() }}',
    });
    expect(p.graph.inNeighbors('model.p.b')).toEqual(['model.p.a']);
    expect(p.graph.inNeighbors('model.p.c')).toEqual(['model.p.a']);
  });
});

describe('parse-time rendering details', () => {
  it('config.get() works in a model rendered at parse time', async () => {
    const p = await parsed({
      'tsdbt_project.yml': 'name: p\n',
      'models/a.sql': 'select 1 as x',
      'models/b.sql': "{{ config(materialized='table') }}{% for m in ['a'] %}select * from {{ ref(m) }} -- {{ config.get('materialized') }}{% endfor %}",
    });
    expect(p.nodes.get('model.p.b')!.config.materialized).toBe('table');
  });

  it('renders env_var in properties YAML (a source schema), and doc() in descriptions from docs blocks', async () => {
    const p = await parsed(
      {
        'tsdbt_project.yml': 'name: p\n',
        'models/a.sql': "select * from {{ source('raw', 't') }}",
        'models/docs.md': '{% docs raw %}\nRaw landing data.\n{% enddocs %}\n',
        'models/src.yml': "version: 2\nsources:\n  - name: raw\n    schema: \"{{ env_var('RAW_SCHEMA', 'raw_default') }}\"\n    description: \"{{ doc('raw') }}\"\n    tables:\n      - name: t\n",
      },
      { RAW_SCHEMA: 'landing' },
    );
    const src = p.nodes.get('source.p.raw.t')!;
    expect(src.relation!.schema).toBe('landing');
    expect((src as { sourceDescription: string }).sourceDescription).toBe('Raw landing data.');
  });

  it('keeps hooks in the project file unrendered (they need `this` at run time)', async () => {
    const p = await parsed({ 'tsdbt_project.yml': "name: p\nmodels:\n  p:\n    +post-hook: \"grant select on {{ this }} to reporter\"\n", 'models/a.sql': 'select 1' });
    expect(p.nodes.get('model.p.a')!.config.post_hook).toEqual(['grant select on {{ this }} to reporter']);
  });

  it('warns about an unknown materialization with a suggestion', async () => {
    const p = await parsed({ 'tsdbt_project.yml': 'name: p\n', 'models/a.sql': "{{ config(materialized='tabel') }}select 1" });
    expect(p.project.diagnostics.items.map((d) => d.message)).toContain('model `a` is materialized as `tabel`, which is not a known materialization — did you mean `table`?');
  });
});
