import { describe, it, expect } from 'vitest';
import { TsdbtError } from '../errors.js';
import type { GraphNode, ModelNode, NodeConfig, SourceNode } from '../parse/nodes.js';
import { createNodeGraph, type NodeGraph } from './node-graph.js';
import { parseSelection, selectNodes, unmatchedSelectors, type SelectableDefinition, type SelectionCriterion, type SelectionOptions } from './select.js';

// ---------------------------------------------------------------- fixture: project `shop` + package `utils`
//
//  raw.orders ──► stg_orders ──┐
//  stg_payments ───────────────┴► int_orders_enriched ──► fct_orders ──► rpt_revenue ◄── utils_calendar
//  raw.customers ► stg_customers ► dim_customers ────────────┘   └──────► rpt_customers

function config(materialized: string, tags: string[], extra: Record<string, unknown> = {}): NodeConfig {
  const { meta, ...rest } = extra;
  return { enabled: true, materialized, tags, meta: (meta as Record<string, unknown> | undefined) ?? {}, ...rest };
}

function model(pkg: string, relPath: string, materialized: string, tags: string[] = [], extra: Record<string, unknown> = {}, patchPath?: string): ModelNode {
  const parts = relPath.replace(/\.sql$/, '').split('/');
  const name = parts[parts.length - 1] as string;
  return {
    uniqueId: `model.${pkg}.${name}`, resourceType: 'model', name, packageName: pkg,
    originalFilePath: `models/${relPath}`, path: relPath, fqn: [pkg, ...parts],
    description: '', columns: {}, config: config(materialized, tags, extra), tags, patchPath,
    rawCode: '', checksum: '', refs: [], sources: [], macros: [], renderedAtParse: false, volatile: false,
  };
}

function source(table: string): SourceNode {
  const tags = ['raw'];
  return {
    uniqueId: `source.shop.raw.${table}`, resourceType: 'source', name: table, packageName: 'shop',
    originalFilePath: 'models/staging/_sources.yml', path: 'staging/_sources.yml', fqn: ['shop', 'staging', 'raw', table],
    description: '', columns: {}, config: config('', tags), tags,
    sourceName: 'raw', sourceDescription: '', identifier: table,
  };
}

const NODES: GraphNode[] = [
  source('orders'),
  source('customers'),
  model('shop', 'staging/stg_orders.sql', 'view', ['staging', 'nightly']),
  model('shop', 'staging/stg_customers.sql', 'view', ['staging']),
  model('shop', 'staging/stg_payments.sql', 'view', ['staging', 'finance']),
  model('shop', 'intermediate/int_orders_enriched.sql', 'ephemeral'),
  model('shop', 'marts/gold/fct_orders.sql', 'table', ['gold', 'nightly'], {
    meta: { owner: 'finance', contains_pii: false, priority: 1 },
    grants: { select: ['reporter', 'analyst'] },
  }, 'shop://models/marts/_marts.yml'),
  model('shop', 'marts/gold/dim_customers.sql', 'table', ['gold'], { meta: { owner: 'crm' }, transient: true }),
  model('shop', 'marts/reporting/rpt_revenue.sql', 'incremental', ['reporting'], { unique_key: ['order_id', 'day'] }),
  model('shop', 'marts/reporting/rpt_customers.sql', 'view', ['reporting']),
  model('utils', 'utils_calendar.sql', 'view'),
];

const EDGES: Array<[string, string]> = [
  ['raw.orders', 'stg_orders'],
  ['raw.customers', 'stg_customers'],
  ['stg_orders', 'int_orders_enriched'],
  ['stg_payments', 'int_orders_enriched'],
  ['int_orders_enriched', 'fct_orders'],
  ['stg_customers', 'dim_customers'],
  ['dim_customers', 'fct_orders'],
  ['fct_orders', 'rpt_revenue'],
  ['utils_calendar', 'rpt_revenue'],
  ['dim_customers', 'rpt_customers'],
];

/** Short label: model name, or `source.table` for sources. */
const label = (n: GraphNode): string => (n.resourceType === 'source' ? `${n.sourceName}.${n.name}` : n.name);

function buildGraph(): NodeGraph {
  const g = createNodeGraph();
  const byLabel = new Map<string, string>();
  for (const n of NODES) {
    g.addNode(n.uniqueId, { node: n });
    byLabel.set(label(n), n.uniqueId);
  }
  for (const [a, b] of EDGES) g.addEdge(byLabel.get(a), byLabel.get(b));
  return g;
}

const graph = buildGraph();
const ALL = NODES.map(label).sort();
const MODELS = NODES.filter((n) => n.resourceType === 'model').map(label).sort();
const SHOP_MODELS = MODELS.filter((m) => m !== 'utils_calendar');
const STAGING = ['stg_customers', 'stg_orders', 'stg_payments'];

function sel(select?: SelectionOptions['select'], exclude?: SelectionOptions['exclude'], resourceTypes?: SelectionOptions['resourceTypes']): string[] {
  const ids = selectNodes(graph, { select, exclude, resourceTypes });
  return [...ids].map((id) => label(graph.getNodeAttributes(id).node)).sort();
}

const sorted = (xs: string[]): string[] => [...xs].sort();

function selectorError(fn: () => unknown): TsdbtError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TsdbtError);
    expect((e as TsdbtError).kind).toBe('selector');
    return e as TsdbtError;
  }
  throw new Error('expected a selector error');
}

// ---------------------------------------------------------------- parsing

function firstCriterion(expr: string): SelectionCriterion | undefined {
  const e = parseSelection(expr);
  return e.kind === 'union' ? e.parts[0]?.parts[0] : undefined;
}

describe('parseSelection', () => {
  it('parses "3+my_model+4" style depths, method and arguments', () => {
    const expr = parseSelection('2+config.meta.owner:finance+1');
    expect(expr).toEqual({
      kind: 'union', raw: '2+config.meta.owner:finance+1',
      parts: [{
        kind: 'intersection', raw: '2+config.meta.owner:finance+1',
        parts: [{
          kind: 'criterion', raw: '2+config.meta.owner:finance+1', method: 'config', args: ['meta', 'owner'], value: 'finance',
          parents: true, parentsDepth: 2, children: true, childrenDepth: 1, childrensParents: false,
        }],
      }],
    });
  });

  it('space = union of terms, comma = intersection of criteria', () => {
    const expr = parseSelection('  a   +b,tag:x  ');
    expect(expr.kind).toBe('union');
    if (expr.kind !== 'union') return;
    expect(expr.parts.map((p) => p.raw)).toEqual(['a', '+b,tag:x']);
    expect(expr.parts[1]?.parts.map((c) => [c.method, c.value, c.parents])).toEqual([['fqn', 'b', true], ['tag', 'x', false]]);
  });

  it('default method (docs: "one of path, file or fqn"): separator → path, .sql/.csv/.py → file, else fqn', () => {
    const method = (s: string) => firstCriterion(s)?.method;
    expect(method('models/staging')).toBe('path');
    expect(method('models\\staging')).toBe('path');
    expect(method('stg_orders.sql')).toBe('file');
    expect(method('my_seed.csv')).toBe('file');
    expect(method('stg_orders')).toBe('fqn');
    expect(method('staging.stg_*')).toBe('fqn');
  });

  it('"@" parses as childrens_parents, unlimited "+" depth is undefined', () => {
    expect(firstCriterion('@m')).toMatchObject({ childrensParents: true, parents: false, children: false, parentsDepth: undefined });
  });
});

describe('selector errors', () => {
  it('unknown method suggests the closest one: tags:x → did you mean `tag`', () => {
    const e = selectorError(() => parseSelection('tags:nightly'));
    expect(e.message).toContain('`tags`');
    expect(e.message).toContain('did you mean `tag`');
    expect(e.hint).toContain('fqn');
  });

  it('unknown method is also raised from selectNodes and exclude', () => {
    expect(selectorError(() => selectNodes(graph, { select: 'pakage:shop' })).message).toContain('`package`');
    expect(selectorError(() => selectNodes(graph, { exclude: 'confg.materialized:view' })).message).toContain('`config`');
  });

  it('dbt: "@" prefix and "+" suffix are incompatible (and tsdbt also rejects "@" with a "+" prefix)', () => {
    expect(selectorError(() => parseSelection('@fct_orders+')).message).toContain('`@`');
    expect(selectorError(() => parseSelection('@+fct_orders')).message).toContain('`@`');
    expect(selectorError(() => parseSelection('@2+fct_orders')).message).toContain('`@`');
  });

  it('dbt methods tsdbt does not implement say so', () => {
    expect(selectorError(() => parseSelection('state:modified')).message).toContain('not supported');
  });

  it('bad values: missing search value, empty intersection term, misplaced operator, config without key', () => {
    selectorError(() => parseSelection('+'));
    selectorError(() => parseSelection('tag:'));
    selectorError(() => parseSelection('a,'));
    selectorError(() => parseSelection('++a'));
    selectorError(() => parseSelection('a++'));
    expect(selectorError(() => parseSelection('config:table')).hint).toContain('config.<key>');
    selectorError(() => parseSelection('tag.x:y'));
    selectorError(() => parseSelection(''));
  });

  it('dbt: invalid resource_type and source values are errors', () => {
    expect(selectorError(() => parseSelection('resource_type:models')).message).toContain('did you mean `model`');
    selectorError(() => parseSelection('source:a.b.c.d'));
  });
});

// ---------------------------------------------------------------- methods

describe('methods', () => {
  it('no --select selects every node of every type, sources included', () => {
    expect(sel()).toEqual(ALL);
    expect(sel([])).toEqual(ALL);
    expect(sel('   ')).toEqual(ALL);
  });

  it('fqn: bare model name matches the fqn leaf ("dbt run --select some_model")', () => {
    expect(sel('stg_orders')).toEqual(['stg_orders']);
    expect(sel('fqn:stg_orders')).toEqual(['stg_orders']);
    expect(sel('utils_calendar')).toEqual(['utils_calendar']);
  });

  it('fqn: "your_project.some_path.some_model" and "some_path.some_model"', () => {
    expect(sel('fqn:shop.staging.stg_orders')).toEqual(['stg_orders']);
    expect(sel('staging.stg_orders')).toEqual(['stg_orders']);
    expect(sel('marts.gold.fct_orders')).toEqual(['fct_orders']);
  });

  it('fqn: a folder or package prefix selects everything under it ("snowplow" = "package:snowplow" = "snowplow.*")', () => {
    expect(sel('staging')).toEqual(STAGING);
    expect(sel('marts.gold')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('shop')).toEqual(SHOP_MODELS);
    expect(sel('shop.*')).toEqual(SHOP_MODELS);
    expect(sel('utils')).toEqual(['utils_calendar']);
  });

  it('fqn wildcards (*, ?, [abc], [a-z]): "finance.base.*", "staging.stg_*", "my_project.staging.*", "*.folder_name.*"', () => {
    expect(sel('staging.stg_*')).toEqual(STAGING);
    expect(sel('shop.staging.*')).toEqual(STAGING);
    expect(sel('marts.gold.*')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('*.gold.*')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('marts.*.rpt_?evenue')).toEqual(['rpt_revenue']);
    expect(sel('staging.stg_[co]*')).toEqual(['stg_customers', 'stg_orders']);
    expect(sel('staging.stg_[!co]*')).toEqual(['stg_payments']);
    expect(sel('staging.stg_[a-d]*')).toEqual(['stg_customers']);
  });

  it('fqn paths start at the project root: "gold.*" does not reach models/marts/gold', () => {
    expect(sel('gold.*')).toEqual([]);
    expect(sel('gold')).toEqual([]);
  });

  it('fqn: "*" is every model; fqn never selects sources (dbt searches manifest nodes only)', () => {
    expect(sel('fqn:*')).toEqual(MODELS);
    expect(sel('orders')).toEqual([]);
    expect(sel('raw.orders')).toEqual([]);
  });

  it('path: "path:models/staging/github" selects models and sources defined at or under it', () => {
    expect(sel('path:models/marts/gold')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('path:models/marts')).toEqual(['dim_customers', 'fct_orders', 'rpt_customers', 'rpt_revenue']);
    expect(sel('path:models/staging')).toEqual(sorted([...STAGING, 'raw.customers', 'raw.orders']));
    expect(sel('path:models/marts/gold/')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('path:./models/marts/gold')).toEqual(['dim_customers', 'fct_orders']);
  });

  it('path: without the prefix ("models/staging/github" = "path:models/staging/github"), incl. a single file', () => {
    expect(sel('models/marts/gold')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('models/staging/stg_orders.sql')).toEqual(['stg_orders']);
    expect(sel('path:models/staging/stg_orders.sql')).toEqual(['stg_orders']);
    expect(sel('models/staging/_sources.yml')).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('models/gold')).toEqual([]);
  });

  it('path: globs relative to the project root, and the YAML file that patched a node', () => {
    expect(sel('path:models/*/stg_*.sql')).toEqual(STAGING);
    expect(sel('path:models/marts/*')).toEqual(['dim_customers', 'fct_orders', 'rpt_customers', 'rpt_revenue']);
    expect(sel('path:models/**/rpt_*.sql')).toEqual(['rpt_customers', 'rpt_revenue']);
    expect(sel('path:models/marts/_marts.yml')).toEqual(['fct_orders']);
  });

  it('file: "file:some_model.sql" = "some_model.sql"; the name without extension works too', () => {
    expect(sel('file:stg_orders.sql')).toEqual(['stg_orders']);
    expect(sel('stg_orders.sql')).toEqual(['stg_orders']);
    expect(sel('file:stg_orders')).toEqual(['stg_orders']);
    expect(sel('file:stg_*.sql')).toEqual(STAGING);
    expect(sel('file:_sources.yml')).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('file:nope.sql')).toEqual([]);
  });

  it('tag: "tag:nightly" selects resources (models and sources) with the tag; wildcards allowed', () => {
    expect(sel('tag:nightly')).toEqual(['fct_orders', 'stg_orders']);
    expect(sel('tag:gold')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('tag:raw')).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('tag:stag*')).toEqual(STAGING);
    expect(sel('tag:Nightly')).toEqual([]);
  });

  it('config: "config.materialized:incremental", "config.schema:audit" style string matches', () => {
    expect(sel('config.materialized:table')).toEqual(['dim_customers', 'fct_orders']);
    expect(sel('config.materialized:incremental')).toEqual(['rpt_revenue']);
    expect(sel('config.materialized:ephemeral')).toEqual(['int_orders_enriched']);
    expect(sel('config.materialized:Table')).toEqual([]);
    expect(sel('config.schema:audit')).toEqual([]);
  });

  it('config: dictionary keys, list values and booleans ("config.grants.select:reporter", "config.meta.contains_pii:true", "config.transient:true")', () => {
    expect(sel('config.meta.owner:finance')).toEqual(['fct_orders']);
    expect(sel('config.grants.select:reporter')).toEqual(['fct_orders']);
    expect(sel('config.unique_key:order_id')).toEqual(['rpt_revenue']);
    expect(sel('config.transient:true')).toEqual(['dim_customers']);
    expect(sel('config.transient:TRUE')).toEqual(['dim_customers']);
    expect(sel('config.meta.contains_pii:false')).toEqual(['fct_orders']);
    expect(sel('config.meta.contains_pii:true')).toEqual([]);
    expect(sel('config.tags:finance')).toEqual(['stg_payments']);
    expect(sel('config.meta.priority:1')).toEqual(['fct_orders']);
    expect(sel('config.grants.select.0:reporter')).toEqual([]);
  });

  it('config: sources are configurable nodes too', () => {
    expect(sel('config.enabled:true')).toEqual(ALL);
  });

  it('resource_type: "resource_type:model"; tsdbt also lets it select sources', () => {
    expect(sel('resource_type:model')).toEqual(MODELS);
    expect(sel('resource_type:source')).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('resource_type:seed')).toEqual([]);
  });

  it('source: "source:raw", "source:raw.orders", "package.source.table", wildcards', () => {
    expect(sel('source:raw')).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('source:raw.orders')).toEqual(['raw.orders']);
    expect(sel('source:raw.cust*')).toEqual(['raw.customers']);
    expect(sel('source:shop.raw.orders')).toEqual(['raw.orders']);
    expect(sel('source:*.raw.*')).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('source:utils.raw.orders')).toEqual([]);
    expect(sel('source:other')).toEqual([]);
  });

  it('source: "source:snowplow+" runs all models that select from the source', () => {
    expect(sel('source:raw.orders+')).toEqual(['fct_orders', 'int_orders_enriched', 'raw.orders', 'rpt_revenue', 'stg_orders']);
  });

  it('package: "package:snowplow" selects every resource of the package; wildcards "package:*_source"', () => {
    expect(sel('package:utils')).toEqual(['utils_calendar']);
    expect(sel('package:shop')).toEqual(ALL.filter((n) => n !== 'utils_calendar'));
    expect(sel('package:ut*')).toEqual(['utils_calendar']);
  });
});

// ---------------------------------------------------------------- graph operators

describe('graph operators', () => {
  it('"+my_model": my_model and all ancestors', () => {
    expect(sel('+fct_orders')).toEqual(sorted([
      'fct_orders', 'int_orders_enriched', 'stg_orders', 'stg_payments', 'raw.orders', 'dim_customers', 'stg_customers', 'raw.customers',
    ]));
  });

  it('"my_model+": my_model and all descendants', () => {
    expect(sel('stg_customers+')).toEqual(sorted(['stg_customers', 'dim_customers', 'fct_orders', 'rpt_revenue', 'rpt_customers']));
  });

  it('"+my_model+": my_model, its ancestors and descendants (not siblings)', () => {
    expect(sel('+int_orders_enriched+')).toEqual(sorted(['int_orders_enriched', 'stg_orders', 'stg_payments', 'raw.orders', 'fct_orders', 'rpt_revenue']));
  });

  it('"my_model+1": first-degree children; "2+my_model": parents and grandparents', () => {
    expect(sel('stg_orders+1')).toEqual(['int_orders_enriched', 'stg_orders']);
    expect(sel('1+fct_orders')).toEqual(['dim_customers', 'fct_orders', 'int_orders_enriched']);
    expect(sel('2+fct_orders')).toEqual(sorted(['fct_orders', 'int_orders_enriched', 'dim_customers', 'stg_orders', 'stg_payments', 'stg_customers']));
    expect(sel('0+fct_orders')).toEqual(['fct_orders']);
  });

  it('"3+my_model+4": ancestors and descendants each up to their own depth', () => {
    expect(sel('1+int_orders_enriched+1')).toEqual(['fct_orders', 'int_orders_enriched', 'stg_orders', 'stg_payments']);
  });

  it('"@my_model": my_model, its children, and the parents of its children', () => {
    // Everything except rpt_customers: it is a child of an ancestor, not an ancestor of a descendant.
    expect(sel('@int_orders_enriched')).toEqual(ALL.filter((n) => n !== 'rpt_customers'));
    expect(sel('@rpt_customers')).toEqual(['dim_customers', 'raw.customers', 'rpt_customers', 'stg_customers']);
  });

  it('operators apply to every matched node of a method ("works for tags and other resources")', () => {
    expect(sel('tag:gold+')).toEqual(['dim_customers', 'fct_orders', 'rpt_customers', 'rpt_revenue']);
    expect(sel('+tag:reporting')).toEqual(ALL);
    expect(sel('1+path:models/marts/reporting')).toEqual(['dim_customers', 'fct_orders', 'rpt_customers', 'rpt_revenue', 'utils_calendar']);
  });
});

// ---------------------------------------------------------------- set operators

describe('set operators, exclude and resource-type filter', () => {
  it('union: space-delimited arguments ("+snowplow_sessions +fct_orders")', () => {
    expect(sel('stg_orders stg_customers')).toEqual(['stg_customers', 'stg_orders']);
    expect(sel('+dim_customers +stg_orders')).toEqual(['dim_customers', 'raw.customers', 'raw.orders', 'stg_customers', 'stg_orders']);
  });

  it('union: several --select values, each possibly holding several selectors', () => {
    expect(sel(['stg_orders', 'dim_customers  fct_orders'])).toEqual(['dim_customers', 'fct_orders', 'stg_orders']);
  });

  it('intersection: "marts.finance,tag:nightly" (in a folder and tagged)', () => {
    expect(sel('marts.gold,tag:nightly')).toEqual(['fct_orders']);
    expect(sel('+fct_orders,tag:staging')).toEqual(STAGING);
    expect(sel('+fct_orders,tag:nightly')).toEqual(['fct_orders', 'stg_orders']);
  });

  it('intersection: common ancestors "+a,+b" and common descendants "a+,b+"', () => {
    expect(sel('+rpt_revenue,+rpt_customers')).toEqual(['dim_customers', 'raw.customers', 'stg_customers']);
    expect(sel('stg_orders+,stg_customers+')).toEqual(['fct_orders', 'rpt_revenue']);
  });

  it('union of intersections', () => {
    expect(sel('tag:gold,config.materialized:table stg_payments')).toEqual(['dim_customers', 'fct_orders', 'stg_payments']);
  });

  it('exclude: removed from the selection, with graph operators and unions', () => {
    expect(sel('+fct_orders', 'source:raw')).toEqual(['dim_customers', 'fct_orders', 'int_orders_enriched', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(sel('stg_customers+', 'fct_orders+')).toEqual(['dim_customers', 'rpt_customers', 'stg_customers']);
    expect(sel('staging', ['stg_orders', 'stg_payments'])).toEqual(['stg_customers']);
    expect(sel('tag:staging', 'tag:nightly,tag:staging')).toEqual(['stg_customers', 'stg_payments']);
  });

  it('exclude without select starts from every node', () => {
    expect(sel(undefined, 'staging marts')).toEqual(['int_orders_enriched', 'raw.customers', 'raw.orders', 'utils_calendar']);
  });

  it('--resource-type filter applies last', () => {
    expect(sel(undefined, undefined, ['source'])).toEqual(['raw.customers', 'raw.orders']);
    expect(sel('+stg_orders', undefined, ['model'])).toEqual(['stg_orders']);
    expect(sel('+stg_orders', undefined, [])).toEqual(['raw.orders', 'stg_orders']);
  });
});

// ---------------------------------------------------------------- unmatched selectors

describe('unmatchedSelectors', () => {
  it('a selector matching nothing is not an error: empty result', () => {
    expect(sel('does_not_exist')).toEqual([]);
  });

  it('lists each space-separated term (select and exclude) that matched nothing, as dbt warns', () => {
    const options: SelectionOptions = {
      select: ['stg_orders nope', 'tag:missing,stg_orders tag:nightly,stg_orders'],
      exclude: 'tag:nothing stg_payments',
    };
    expect(unmatchedSelectors(graph, options)).toEqual(['nope', 'tag:missing,stg_orders', 'tag:nothing']);
    expect(unmatchedSelectors(graph, {})).toEqual([]);
    expect(unmatchedSelectors(graph, { select: 'nope nope' })).toEqual(['nope']);
  });
});

// ---------------------------------------------------------------- large graphs

describe('large graphs', () => {
  it('10,000 nodes / 25,000 edges: "+m+", an fqn wildcard and @m select the right nodes', () => {
    const g = createNodeGraph();
    const n = 10_000;
    let seed = 42;
    // mulberry32: exact 32-bit integer arithmetic, deterministic.
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const node = model('big', `f${i % 20}/m${i}.sql`, 'view', i % 7 === 0 ? ['seven'] : []);
      g.addNode(node.uniqueId, { node });
      ids.push(node.uniqueId);
    }
    // Edges only go from lower to higher index, and stay local-ish, so the graph is a DAG with long chains.
    while (g.size < 25_000) {
      const child = 1 + Math.floor(rand() * (n - 1));
      const parent = Math.max(0, child - 1 - Math.floor(rand() * 50));
      g.mergeEdge(ids[parent], ids[child]);
    }
    // Best of 3 runs (the first one also warms up the JIT): steady-state cost, robust to a busy machine.
    const timed = (options: SelectionOptions): { ids: Set<string>; ms: number } => {
      let best = { ids: new Set<string>(), ms: Infinity };
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const ids = selectNodes(g, options);
        const ms = performance.now() - t0;
        if (ms < best.ms) best = { ids, ms };
      }
      return best;
    };
    const picked = timed({ select: '+m5000+' });
    const wild = timed({ select: 'f3.m5*,tag:seven' });
    const at = timed({ select: '@m9000', exclude: 'f1 f2' });
    expect(picked.ids.has('model.big.m5000')).toBe(true);
    expect(picked.ids.size).toBeGreaterThan(100);
    // i ≡ 3 (mod 20), i ≡ 0 (mod 7), name starts with m5: 5103 is one of them.
    expect(wild.ids.has('model.big.m5103')).toBe(true);
    expect([...wild.ids].every((id) => /^model\.big\.m5\d*$/.test(id))).toBe(true);
    expect(at.ids.has('model.big.m9000')).toBe(true);
    // Timing is reported, not asserted (speed targets live in bench/).
    console.log(`select on 10k nodes: +m+ ${picked.ms.toFixed(1)} ms, wildcard ${wild.ms.toFixed(1)} ms, @m ${at.ms.toFixed(1)} ms`);
  });
});

// ---------------------------------------------------------------- test_type / test_name

describe('test_type and test_name methods', () => {
  const base = model('shop', 'orders.sql', 'table');
  const testNode = (name: string, testType: 'generic' | 'singular', macro?: string): GraphNode => ({
    ...model('shop', `${name}.sql`, 'test'),
    uniqueId: `test.shop.${name}`, resourceType: 'test', testType,
    testMetadata: macro ? { name: macro, kwargs: {} } : undefined,
  });
  const unit: GraphNode = {
    uniqueId: 'unit_test.shop.orders.totals', resourceType: 'unit_test', name: 'totals', packageName: 'shop',
    originalFilePath: 'models/unit.yml', path: 'unit.yml', fqn: ['shop', 'orders', 'totals'], description: '', columns: {},
    config: config('unit', []), tags: [], model: base.uniqueId, given: [], expect: {},
  };
  const g = createNodeGraph();
  for (const n of [base, testNode('unique_orders_id', 'generic', 'unique'), testNode('not_null_orders_id', 'generic', 'not_null'), testNode('assert_positive', 'singular'), unit]) {
    g.addNode(n.uniqueId, { node: n });
    if (n.uniqueId !== base.uniqueId) g.addEdge(base.uniqueId, n.uniqueId);
  }
  const pick = (select: string) => [...selectNodes(g, { select })].map((id) => g.getNodeAttributes(id).node.name).sort();

  it('dbt: test_type:unit | data (generic + singular) | generic | singular', () => {
    expect(pick('test_type:unit')).toEqual(['totals']);
    expect(pick('test_type:generic')).toEqual(['not_null_orders_id', 'unique_orders_id']);
    expect(pick('test_type:singular')).toEqual(['assert_positive']);
    expect(pick('test_type:data')).toEqual(['assert_positive', 'not_null_orders_id', 'unique_orders_id']);
    expect(pick('orders+,test_type:unit')).toEqual(['totals']);
  });

  it('test_name: the generic test macro (wildcards allowed), or a singular test name', () => {
    expect(pick('test_name:unique')).toEqual(['unique_orders_id']);
    expect(pick('test_name:not_*')).toEqual(['not_null_orders_id']);
    expect(pick('test_name:assert_positive')).toEqual(['assert_positive']);
  });

  it('unit_test: unit tests by name or fqn', () => {
    expect(pick('unit_test:totals')).toEqual(['totals']);
    expect(pick('unit_test:orders.*')).toEqual(['totals']);
    expect(pick('unit_test:*')).toEqual(['totals']);
    expect(pick('unit_test:unique_orders_id')).toEqual([]);
  });

  it('an unknown test type is an error with a suggestion', () => {
    expect(selectorError(() => parseSelection('test_type:units')).message).toContain('did you mean `unit`');
  });
});

// ---------------------------------------------------------------- exposures, metrics, semantic models, saved queries

describe('definitions in selection', () => {
  const def = (resourceType: SelectableDefinition['resourceType'], name: string, dependsOn: string[], tags: string[] = [], pkg = 'shop'): SelectableDefinition => ({
    uniqueId: `${resourceType}.${pkg}.${name}`, resourceType, name, packageName: pkg, originalFilePath: 'models/marts/_exposures.yml',
    fqn: [pkg, 'marts', name], tags, config: { enabled: true }, dependsOn,
  });
  const DEFS: SelectableDefinition[] = [
    def('exposure', 'weekly_report', ['model.shop.rpt_revenue'], ['reporting', 'weekly']),
    def('semantic_model', 'orders_sm', ['model.shop.fct_orders']),
    def('metric', 'revenue', ['semantic_model.shop.orders_sm'], ['finance']),
    def('saved_query', 'revenue_by_day', ['metric.shop.revenue']),
  ];
  const defLabel = (id: string): string => (graph.hasNode(id) ? label(graph.getNodeAttributes(id).node) : id);
  const pick = (select?: string, exclude?: string, resourceTypes?: SelectionOptions['resourceTypes']) =>
    [...selectNodes(graph, { select, exclude, resourceTypes, definitions: DEFS })].map(defLabel).sort();

  it('selects one by its method, by name or package.name, with wildcards', () => {
    expect(pick('exposure:weekly_report')).toEqual(['exposure.shop.weekly_report']);
    expect(pick('exposure:shop.weekly_report')).toEqual(['exposure.shop.weekly_report']);
    expect(pick('exposure:utils.weekly_report')).toEqual([]);
    expect(pick('metric:*')).toEqual(['metric.shop.revenue']);
    expect(pick('semantic_model:orders_sm saved_query:revenue_by_day')).toEqual(['saved_query.shop.revenue_by_day', 'semantic_model.shop.orders_sm']);
    expect(selectorError(() => pick('exposure:a.b.c')).message).toContain('exposures are selected as `exposure:name` or `exposure:package.name`');
  });

  it('`+exposure:x` selects its upstream nodes; `exposure:x+` adds nothing (no children)', () => {
    expect(pick('+exposure:weekly_report')).toEqual(sorted(['exposure.shop.weekly_report', 'rpt_revenue', 'fct_orders', 'utils_calendar', 'int_orders_enriched', 'dim_customers', 'stg_orders', 'stg_payments', 'stg_customers', 'raw.orders', 'raw.customers']));
    expect(pick('1+exposure:weekly_report')).toEqual(['exposure.shop.weekly_report', 'rpt_revenue']);
    expect(pick('exposure:weekly_report+')).toEqual(['exposure.shop.weekly_report']);
    // Through a chain of definitions: saved query → metric → semantic model → model.
    expect(pick('2+saved_query:revenue_by_day')).toEqual(['metric.shop.revenue', 'saved_query.shop.revenue_by_day', 'semantic_model.shop.orders_sm']);
    expect(pick('+saved_query:revenue_by_day', undefined, ['model'])).toEqual(['dim_customers', 'fct_orders', 'int_orders_enriched', 'stg_customers', 'stg_orders', 'stg_payments']);
  });

  it('a model`s descendants include the definitions built on it', () => {
    expect(pick('rpt_revenue+')).toEqual(['exposure.shop.weekly_report', 'rpt_revenue']);
    expect(pick('fct_orders+', undefined, ['metric', 'saved_query'] as unknown as SelectionOptions['resourceTypes'])).toEqual(['metric.shop.revenue', 'saved_query.shop.revenue_by_day']);
  });

  it('matches definitions by tag, fqn, package and resource_type', () => {
    expect(pick('tag:reporting')).toEqual(['exposure.shop.weekly_report', 'rpt_customers', 'rpt_revenue']);
    expect(pick('tag:weekly')).toEqual(['exposure.shop.weekly_report']);
    expect(pick('+tag:finance', undefined, ['model'])).toEqual(['dim_customers', 'fct_orders', 'int_orders_enriched', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(pick('resource_type:exposure')).toEqual(['exposure.shop.weekly_report']);
    expect(pick('weekly_report')).toEqual(['exposure.shop.weekly_report']);
    expect(pick('tag:reporting', 'exposure:*')).toEqual(['rpt_customers', 'rpt_revenue']);
  });

  it('without definitions, their methods match nothing and are reported unmatched', () => {
    expect(sel('exposure:weekly_report')).toEqual([]);
    expect(unmatchedSelectors(graph, { select: 'exposure:weekly_report tag:gold' })).toEqual(['exposure:weekly_report']);
    expect(unmatchedSelectors(graph, { select: 'exposure:weekly_report', definitions: DEFS })).toEqual([]);
  });
});
