// Jinja semantics as dbt runs them, end to end on every adapter: a model and macros using
// namespace(), loop-scoped set, break/continue, **kwargs / varargs / kwargs, return() values,
// Python truthiness, printing, `/`, `%` formatting, slices and negative indexes build the rows a
// dbt user gets; tuples, int dict keys, unpacking, block set filters, `with` and exponent literals too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, loadProject } from '@tsdbt/core';
import { copyFixture } from './support/project.js';
import { createWarehouse, WAREHOUSES, type Warehouse } from './support/warehouse.js';

describe.each(WAREHOUSES)('%s', (kind) => {
  let wh: Warehouse;
  let dir: string;

  beforeEach(async () => {
    dir = copyFixture('compat-jinja');
    wh = createWarehouse(kind);
    await wh.attach(dir);
  });

  afterEach(async () => {
    await wh.dispose();
  });

  it('builds the rows Jinja renders', async () => {
    const r = await build(await loadProject({ projectDir: dir }));
    expect(r.results.filter((x) => x.status !== 'success' && x.status !== 'pass')).toEqual([]);
    expect(r.success).toBe(true);
    const rows = await wh.sql('select * from main.channel_report order by position');
    const plain = rows.map((row) => ({ ...row, ratio: Number(row['ratio']), position: Number(row['position']), weight: Number(row['weight']), outer_position: Number(row['outer_position']), n_channels: Number(row['n_channels']), extra_1: Number(row['extra_1']), flag: Number(row['flag']) }));
    const common = { extras: 'none', outer_position: 0, n_channels: 4, extra_1: 7 };
    expect(plain).toEqual([
      { channel: 'web', label: 'WEB', position: 1, code: 'web', weight: 2, weight_class: 'heavy', tag: 'bew-01', previous_channel: 'None', ordinal: 'one', ratio: 2.5, flag: 1, ...common },
      { channel: 'store', label: 'STORE', position: 2, code: 'ste', weight: 1, weight_class: 'heavy', tag: 'erots-02', previous_channel: 'web', ordinal: 'two', ratio: 5, flag: 0, ...common },
      { channel: 'phone', label: 'PHONE', position: 3, code: 'phe', weight: 0, weight_class: 'light', tag: 'enohp-03', previous_channel: 'store', ordinal: 'many', ratio: 7.5, flag: 0, ...common },
      { channel: 'partner', label: 'PARTNER', position: 4, code: 'par', weight: 0, weight_class: 'light', tag: 'rentrap-04', previous_channel: 'phone', ordinal: 'many', ratio: 10, flag: 0, ...common },
    ]);
    // `10 / 4 * 4` printed as Python does: `10.0`, a float literal in the SQL
    const compiled = (await import('node:fs')).readFileSync(`${dir}/target/compiled/compat_jinja/models/channel_report.sql`, 'utf8');
    expect(compiled).toContain('10.0 as ratio');
    expect(compiled).toContain("'None' as previous_channel");
  });

  it('tuples print as SQL lists, int dict keys, set-unpacking, block set filters, with and exponents build the rows Jinja renders', async () => {
    const fs = await import('node:fs');
    const model = [
      "{%- set channels = ('web', 'store') -%}",
      "{%- set names = {1: 'one', 2: 'two', 3: 'three'} -%}",
      '{%- set lo, hi = 1, 2 -%}',
      '{%- set label | upper %}parity{% endset -%}',
      '-- names: {{ names }}',
      '{% for n, name in names.items() -%}',
      '{% with band = "in" if lo <= n <= hi else "out" -%}',
      "select {{ n }} as n, '{{ name }}' as name, '{{ label }}' as label, '{{ band }}' as band, {{ 2.5e3 }} as big",
      "from (select 'web' as channel) as src where channel in {{ channels }}",
      '{%- endwith %}',
      '{% if not loop.last %}union all{% endif %}',
      '{% endfor %}',
    ].join('\n');
    fs.writeFileSync(`${dir}/models/jinja_parity.sql`, model);
    const r = await build(await loadProject({ projectDir: dir }));
    expect(r.results.filter((x) => x.status !== 'success' && x.status !== 'pass')).toEqual([]);
    const rows = await wh.sql('select * from main.jinja_parity order by n');
    expect(rows.map((row) => ({ ...row, n: Number(row['n']), big: Number(row['big']) }))).toEqual([
      { n: 1, name: 'one', label: 'PARITY', band: 'in', big: 2500 },
      { n: 2, name: 'two', label: 'PARITY', band: 'in', big: 2500 },
      { n: 3, name: 'three', label: 'PARITY', band: 'out', big: 2500 },
    ]);
    const compiled = fs.readFileSync(`${dir}/target/compiled/compat_jinja/models/jinja_parity.sql`, 'utf8');
    expect(compiled).toContain("-- names: {1: 'one', 2: 'two', 3: 'three'}");
    expect(compiled).toContain("where channel in ('web', 'store')");
    expect(compiled).toContain('2500.0 as big');
  });

  it('a project ref() override reaches the built-in through builtins.ref; invocation_id is the run_results one, new each run', async () => {
    const fs = await import('node:fs');
    fs.writeFileSync(`${dir}/macros/ref.sql`, "{% macro ref(model_name) %}{% do return(builtins.ref({'legacy_report': 'channel_report'}.get(model_name, model_name))) %}{% endmacro %}");
    fs.writeFileSync(`${dir}/models/invocation_stamp.sql`, "select '{{ invocation_id }}' as invocation_id, '{{ dbt_version }}' as dbt_version, count(*) as n_rows from {{ ref('legacy_report') }}");
    const stamp = async () => {
      const r = await build(await loadProject({ projectDir: dir }));
      expect(r.results.filter((x) => x.status !== 'success' && x.status !== 'pass')).toEqual([]);
      const meta = (JSON.parse(fs.readFileSync(r.runResultsPath, 'utf8')) as { metadata: { invocation_id: string } }).metadata;
      const rows = await wh.sql('select * from main.invocation_stamp');
      expect(rows.map((row) => ({ ...row, n_rows: Number(row['n_rows']) }))).toEqual([{ invocation_id: meta.invocation_id, dbt_version: '1.9.0', n_rows: 4 }]);
      return meta.invocation_id;
    };
    const first = await stamp();
    // Volatile: the second build renders it again (no compile-cache hit) with its own id.
    expect(await stamp()).not.toBe(first);
  });
});
