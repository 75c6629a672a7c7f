import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsdbtError } from '../errors.js';
import { loadProject } from '../project/load-project.js';
import { finalizeConfig } from './config.js';
import type { SnapshotNode } from './nodes.js';
import { parseProject } from './parse-project.js';
import { findSnapshotBlocks } from './snapshot.js';
import { resolveSnapshotSpec } from './snapshot-config.js';

async function parsed(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-snapparse-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const project = await loadProject({ projectDir: dir });
  return { parsed: await parseProject(project), project };
}

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n';
const TS = "{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}";

describe('findSnapshotBlocks', () => {
  it('finds every block with its body and position, ignoring commented-out tags', () => {
    const src = "{# {% snapshot old %} #}\n{% snapshot a %}\nselect 1\n{% endsnapshot %}\n\n{%- snapshot b -%}select 2{%- endsnapshot -%}";
    const blocks = findSnapshotBlocks('s.sql', src);
    expect(blocks.map((b) => [b.name, b.body, b.position.line])).toEqual([
      ['a', '\nselect 1\n', 2],
      ['b', 'select 2', 6],
    ]);
    expect(blocks[0]!.bodyPosition).toEqual({ line: 2, column: 17 });
  });

  it('rejects nesting, a missing end and a bad name, with the line', () => {
    const err = (src: string) => {
      try {
        findSnapshotBlocks('s.sql', src);
      } catch (e) {
        return `${(e as TsdbtError).location?.line}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(err('{% snapshot a %}\n{% snapshot b %}{% endsnapshot %}{% endsnapshot %}')).toMatch(/^2: .*cannot nest/);
    expect(err('\n{% snapshot a %}\nselect 1')).toMatch(/^2: snapshot `a` is never closed/);
    expect(err('{% snapshot a-b %}{% endsnapshot %}')).toMatch(/^1: .*letters, digits and underscores/);
    expect(err('{% endsnapshot %}')).toMatch(/without a/);
  });
});

describe('resolveSnapshotSpec (dbt semantics)', () => {
  const spec = (raw: Record<string, unknown>) => resolveSnapshotSpec(finalizeConfig(raw, { materialized: 'snapshot' }));
  const message = (raw: Record<string, unknown>) => {
    try {
      spec(raw);
      return 'ok';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('reads strategies, keys, hard deletes and meta column names', () => {
    expect(spec({ strategy: 'timestamp', unique_key: 'id', updated_at: 'ts' })).toMatchObject({ uniqueKey: ['id'], uniqueKeyIsList: false, hardDeletes: 'ignore', updatedAt: 'ts' });
    expect(spec({ strategy: 'check', unique_key: ['a', 'b'], check_cols: 'all', invalidate_hard_deletes: true })).toMatchObject({ uniqueKey: ['a', 'b'], uniqueKeyIsList: true, checkCols: 'all', hardDeletes: 'invalidate' });
    expect(spec({ strategy: 'check', unique_key: 'id', check_cols: ['x'], invalidate_hard_deletes: false }).hardDeletes).toBe('ignore');
    const renamed = spec({ strategy: 'check', unique_key: 'id', check_cols: ['x'], hard_deletes: 'new_record', snapshot_meta_column_names: { dbt_valid_to: 'valid_to', dbt_is_deleted: 'deleted' } });
    expect(renamed.columns).toEqual({ dbt_scd_id: 'dbt_scd_id', dbt_updated_at: 'dbt_updated_at', dbt_valid_from: 'dbt_valid_from', dbt_valid_to: 'valid_to', dbt_is_deleted: 'deleted' });
  });

  it('rejects what dbt rejects', () => {
    expect(message({ unique_key: 'id' })).toMatch(/needs a `strategy`/);
    expect(message({ strategy: 'snapshot_all', unique_key: 'id' })).toMatch(/not supported/);
    expect(message({ strategy: 'timestamp', updated_at: 'ts' })).toMatch(/needs a `unique_key`/);
    expect(message({ strategy: 'timestamp', unique_key: 'id' })).toMatch(/needs `updated_at`/);
    expect(message({ strategy: 'check', unique_key: 'id' })).toMatch(/needs `check_cols`/);
    expect(message({ strategy: 'check', unique_key: 'id', check_cols: 'all', hard_deletes: 'invalidate', invalidate_hard_deletes: true })).toMatch(/not both/);
    expect(message({ strategy: 'check', unique_key: 'id', check_cols: 'all', hard_deletes: 'purge' })).toMatch(/not valid/);
    expect(message({ strategy: 'check', unique_key: 'id', check_cols: 'all', snapshot_meta_column_names: { dbt_valid_until: 'x' } })).toMatch(/unknown key `dbt_valid_until`/);
    expect(message({ strategy: 'check', unique_key: 'id', check_cols: 'all', snapshot_meta_column_names: { dbt_valid_to: 'x', dbt_valid_from: 'X' } })).toMatch(/same name/);
  });
});

describe('parseSnapshots', () => {
  it('parses several blocks per file, YAML snapshots, folder config and patches; places legacy target_schema verbatim', async () => {
    const { parsed: p } = await parsed({
      'tsdbt_project.yml': 'name: p\nsnapshots:\n  p:\n    +tags: [history]\n    legacy:\n      +target_schema: archive\n',
      'models/sources.yml': SOURCES,
      'models/m.sql': "select * from {{ ref('orders_ts') }}",
      'snapshots/orders.sql': `{% snapshot orders_ts %}\n${TS}\nselect * from {{ source('raw', 'orders') }}\n{% endsnapshot %}\n{% snapshot orders_check %}\n{{ config(unique_key='id', strategy='check', check_cols='all', schema='snaps') }}\nselect id, status from {{ ref('m2') }}\n{% endsnapshot %}\n`,
      'models/m2.sql': 'select 1 as id',
      'snapshots/legacy/old.sql': `{% snapshot old %}\n${TS}\nselect 1 as id, now() as updated_at\n{% endsnapshot %}`,
      'snapshots/props.yml':
        "version: 2\nsnapshots:\n  - name: orders_ts\n    description: Order history.\n    config:\n      tags: [yaml]\n  - name: orders_yaml\n    relation: source('raw', 'orders')\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: [status]\n      alias: orders_history\n",
    });
    const snap = (n: string) => p.nodes.get(`snapshot.p.${n}`) as SnapshotNode;
    expect([...p.nodes.values()].filter((n) => n.resourceType === 'snapshot').map((n) => n.name).sort()).toEqual(['old', 'orders_check', 'orders_ts', 'orders_yaml']);

    const ts = snap('orders_ts');
    expect(ts.rawCode).toBe(`\n${TS}\nselect * from {{ source('raw', 'orders') }}\n`);
    expect(ts.sources).toEqual([{ source: 'raw', table: 'orders', position: { line: 3, column: 18 } }]);
    expect(ts.config).toMatchObject({ materialized: 'snapshot', strategy: 'timestamp', unique_key: 'id', tags: ['history', 'yaml'] });
    expect(ts.description).toBe('Order history.');
    expect(ts.fqn).toEqual(['p', 'orders_ts']);
    expect(ts.relation).toEqual({ schema: 'main', identifier: 'orders_ts', database: undefined });
    expect(p.graph.hasEdge('source.p.raw.orders', ts.uniqueId)).toBe(true);
    expect(p.graph.hasEdge(ts.uniqueId, 'model.p.m')).toBe(true);

    const check = snap('orders_check');
    expect(check.refs.map((r) => r.name)).toEqual(['m2']);
    expect(check.relation).toMatchObject({ schema: 'main_snaps', identifier: 'orders_check' });
    expect(check.originalFilePath).toBe('snapshots/orders.sql');

    const old = snap('old');
    expect(old.fqn).toEqual(['p', 'legacy', 'old']);
    expect(old.relation).toMatchObject({ schema: 'archive', identifier: 'old' });
    expect(old.volatile).toBe(true);

    const yaml = snap('orders_yaml');
    expect(yaml.rawCode).toBe("select * from {{ source('raw', 'orders') }}");
    expect(yaml.originalFilePath).toBe('snapshots/props.yml');
    expect(yaml.relation).toMatchObject({ schema: 'main', identifier: 'orders_history' });
    expect(p.graph.hasEdge('source.p.raw.orders', yaml.uniqueId)).toBe(true);
  });

  it('reports a bad snapshot config at the block, and a bad relation at the YAML entry', async () => {
    const fail = async (files: Record<string, string>) => {
      try {
        await parsed({ 'tsdbt_project.yml': 'name: p\n', 'models/sources.yml': SOURCES, ...files });
      } catch (e) {
        return (e as TsdbtError).format();
      }
      return 'no error';
    };
    expect(await fail({ 'snapshots/s.sql': "\n\n{% snapshot s %}{{ config(strategy='timestamp', unique_key='id') }}select 1{% endsnapshot %}" })).toMatch(/^snapshots\/s\.sql:3:1: snapshot `s`: the timestamp strategy needs `updated_at`/);
    expect(await fail({ 'snapshots/s.yml': "version: 2\nsnapshots:\n  - name: s\n    relation: orders\n    config: {strategy: check, unique_key: id, check_cols: all}\n" })).toMatch(/^snapshots\/s\.yml:3:\d+: snapshot `s`: `relation: orders` must be a ref\(\) or a source\(\)/);
    expect(await fail({ 'snapshots/a.sql': `{% snapshot s %}${TS}select 1{% endsnapshot %}`, 'snapshots/b.sql': `{% snapshot s %}${TS}select 1{% endsnapshot %}` })).toMatch(/two snapshots are named `s`/);
    // A template error inside a block names the line in the file, not in the block.
    expect(await fail({ 'snapshots/e.sql': "-- header\n\n{% snapshot e %}\nselect 1\n{% for t in ['a'] %}{{ ref(t) }{% endfor %}\n{% endsnapshot %}" })).toMatch(/^snapshots\/e\.sql:5(:\d+)?: /);
    // A disabled snapshot is not checked.
    expect(await fail({ 'snapshots/s.sql': "{% snapshot s %}{{ config(enabled=false) }}select 1{% endsnapshot %}" })).toBe('no error');
  });

  it('warns about a snapshots file without a block and a YAML entry describing nothing', async () => {
    const { project } = await parsed({ 'tsdbt_project.yml': 'name: p\n', 'snapshots/empty.sql': 'select 1', 'snapshots/p.yml': 'version: 2\nsnapshots:\n  - name: ghost\n' });
    expect(project.diagnostics.items.map((d) => d.message)).toEqual([
      'snapshots/empty.sql has no {% snapshot %} block, so it defines no snapshot',
      'properties describe snapshot `ghost`, but no {% snapshot ghost %} block defines it',
    ]);
  });
});
