// Custom materializations (`{% materialization name, adapter %}`) on every adapter: the macro runs at
// build time with the model's SQL, `this`, config and the warehouse, in one transaction.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject } from '@tsdbt/core';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

const byName = (r: { results: Array<{ name: string }> }, name: string) => r.results.find((x) => x.name === name) as { status: string; message: string; rowsAffected?: number };

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('compat-materialization');
    wh = createWarehouse(kind);
    await wh.attach(dir);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  const rows = () => wh.sql('select id, v from main.events_log order by id, v');

  it('creates the table on the first build and inserts on the next one', async () => {
    const first = await build(await loadProject({ projectDir: dir }), { select: 'events_log' });
    expect(first.success).toBe(true);
    expect(byName(first, 'events_log').status).toBe('success');
    expect(byName(first, 'events_log').message).toBe('OK');
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    const second = await build(await loadProject({ projectDir: dir }), { select: 'events_log' });
    expect(second.success).toBe(true);
    // statement('main') reported the insert's row count.
    expect(byName(second, 'events_log').rowsAffected).toBe(2);
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 2, v: 'b' },
    ]);
  });

  it('rebuilds from scratch on --full-refresh (should_full_refresh() in the body)', async () => {
    for (let i = 0; i < 2; i++) expect((await build(await loadProject({ projectDir: dir }), { select: 'events_log' })).success).toBe(true);
    expect(await rows()).toHaveLength(4);
    expect((await build(await loadProject({ projectDir: dir }), { select: 'events_log', fullRefresh: true })).success).toBe(true);
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
  });

  it('rolls the whole materialization back when it fails, leaving the table as it was', async () => {
    expect((await build(await loadProject({ projectDir: dir }), { select: 'events_log' })).success).toBe(true);
    const failed = await build(await loadProject({ projectDir: dir, vars: { fail: true } }), { select: 'events_log' });
    expect(failed.success).toBe(false);
    expect(byName(failed, 'events_log').status).toBe('error');
    expect(byName(failed, 'events_log').message).toContain('no_such_table_for_materialization');
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
  });

  it("picks the adapter's own materialization over `default`, through temp relation, drop and rename", async () => {
    const variant = kind === 'postgres' ? 'postgres' : 'default';
    for (let i = 0; i < 2; i++) {
      const r = await build(await loadProject({ projectDir: dir }));
      expect(r.success).toBe(true);
      expect(byName(r, 'tagged_items').status).toBe('success');
    }
    // Rebuilt (not appended) from events_log, which holds two builds' rows by now.
    expect(await wh.sql('select id, v, variant from main.tagged_items order by id, v')).toEqual([
      { id: 1, v: 'a', variant },
      { id: 1, v: 'a', variant },
      { id: 2, v: 'b', variant },
      { id: 2, v: 'b', variant },
    ]);
    expect((await wh.relations()).map((x) => x.name).sort()).toEqual(['events_log', 'tagged_items']);
  });

  it("runs the model's hooks around the materialization, inside its transaction", async () => {
    writeFileSync(
      path.join(dir, 'models/hooked_log.sql'),
      "{{ config(materialized='insert_only', post_hook=\"insert into {{ this }} select 99 as id, 'hook' as v\") }}\nselect 1 as id, 'a' as v\n",
    );
    expect((await build(await loadProject({ projectDir: dir }), { select: 'hooked_log' })).success).toBe(true);
    expect(await wh.sql('select id, v from main.hooked_log order by id')).toEqual([
      { id: 1, v: 'a' },
      { id: 99, v: 'hook' },
    ]);
  });

  it('fails a materialization that returns no relations, and keeps refusing unknown ones', async () => {
    writeFileSync(path.join(dir, 'macros/bare.sql'), '{% materialization bare, default %}{% call statement(\'main\') %}select 1{% endcall %}{% endmaterialization %}\n');
    writeFileSync(path.join(dir, 'models/bare_model.sql'), "{{ config(materialized='bare') }}\nselect 1 as id\n");
    writeFileSync(path.join(dir, 'models/unknown_model.sql'), "{{ config(materialized='no_such_materialization') }}\nselect 1 as id\n");
    const r = await build(await loadProject({ projectDir: dir }), { select: 'bare_model unknown_model' });
    expect(byName(r, 'bare_model').status).toBe('error');
    expect(byName(r, 'bare_model').message).toContain("must end with {{ return({'relations': [target_relation]}) }}");
    expect(byName(r, 'unknown_model').status).toBe('error');
    expect(byName(r, 'unknown_model').message).toContain('materialization `no_such_materialization` is not supported yet');
  });
});
