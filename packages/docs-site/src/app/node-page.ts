// The details panel: one node's page, or the project overview.
import type { DocsColumn, DocsNodeTest } from '@tsdbt/core';
import { count, h } from './dom.js';
import { LAYER_COLORS } from './graph-view.js';
import type { ColumnRef, Site } from './site.js';
import { highlightSql, markdown } from './text.js';

export interface PageActions {
  open(id: string): void;
  /** Put a selector in the graph filter and apply it. */
  select(expression: string): void;
  /** Show a column's lineage in the graph (and return it for the page). */
  columnLineage(node: number, column: string): { up: ColumnRef[]; down: ColumnRef[] };
}

const TYPE_NAMES: Record<string, string> = { model: 'Model', seed: 'Seed', snapshot: 'Snapshot', source: 'Source', test: 'Data test', unit_test: 'Unit test' };
const GOOD = new Set(['pass', 'success']);
const BAD = new Set(['fail', 'error']);

function statusBadge(status: string | undefined, title?: string): HTMLElement {
  const kind = status === undefined ? 'none' : GOOD.has(status) ? 'good' : BAD.has(status) ? 'bad' : status === 'warn' ? 'warn' : 'none';
  return h('span', { class: `status s-${kind}`, title: title ?? 'last run' }, status ?? 'not run');
}

/** The selector the CLI would use for this node. */
export function selectorFor(site: Site, i: number): string {
  const n = site.nodes[i]!;
  if (n.type === 'source') return `source:${site.label(i)}`;
  return n.name;
}

export function renderNodePage(site: Site, i: number, actions: PageActions): HTMLElement {
  const n = site.nodes[i]!;
  const d = site.details(i);
  const link = (v: number, dot = true) => {
    const a = h('a', { href: `#node=${encodeURIComponent(site.nodes[v]!.id)}`, class: `node-link t-${site.nodes[v]!.type}`, 'data-id': site.nodes[v]!.id, title: site.nodes[v]!.id },
      dot ? h('span', { class: `dot t-${site.nodes[v]!.type}${site.nodes[v]!.layer ? ` l-${site.nodes[v]!.layer}` : ''}` }) : null, site.label(v));
    a.addEventListener('click', (e) => {
      e.preventDefault();
      actions.open(site.nodes[v]!.id);
    });
    return a;
  };
  const sel = selectorFor(site, i);
  const button = (label: string, expression: string, title: string) => h('button', { type: 'button', class: 'chip', title, onclick: () => actions.select(expression) }, label);

  const upstream = site.parents[i]!;
  const downstream = site.children[i]!.filter((c) => site.nodes[c]!.type !== 'test' && site.nodes[c]!.type !== 'unit_test');
  const testsByColumn = new Map<string, DocsNodeTest[]>();
  for (const t of d.tests) if (t.column) testsByColumn.set(t.column.toLowerCase(), [...(testsByColumn.get(t.column.toLowerCase()) ?? []), t]);

  const page = h('article', { class: 'page', id: 'node-page', 'data-id': n.id },
    h('header', { class: 'page-head' },
      h('div', { class: 'crumbs' }, [n.pkg, ...n.folder.split('/').filter(Boolean)].join(' / ')),
      h('h1', null, site.label(i)),
      h('div', { class: 'badges' },
        h('span', { class: `badge t-${n.type}` }, TYPE_NAMES[n.type] ?? n.type),
        n.layer ? h('span', { class: 'badge layer', style: `background:${LAYER_COLORS[n.layer]}` }, n.layer) : null,
        n.materialization ? h('span', { class: 'badge' }, n.materialization) : null,
        n.status !== undefined || d.lastRun ? statusBadge(d.lastRun?.status ?? n.status, d.lastRun?.message) : null,
        typeof n.rowCount === 'number' ? h('span', { class: 'badge', title: 'rows in the warehouse' }, `${count(n.rowCount)} rows`) : null,
        d.tests.length > 0 ? h('span', { class: `badge ${n.failing > 0 ? 'bad' : ''}` }, `${d.tests.length} test${d.tests.length === 1 ? '' : 's'}${n.failing > 0 ? ` · ${n.failing} failing` : ''}`) : null,
        ...n.tags.map((t) => h('button', { type: 'button', class: 'badge tag', title: `filter the graph: tag:${t}`, onclick: () => actions.select(`tag:${t}`) }, `#${t}`)),
      ),
      h('div', { class: 'actions' },
        button('Lineage', `+${sel}+`, `graph filter +${sel}+`),
        button('Upstream', `+${sel}`, `graph filter +${sel}`),
        button('Downstream', `${sel}+`, `graph filter ${sel}+`),
      ),
    ),
    n.description ? markdown(n.description) : h('p', { class: 'muted' }, 'No description.'),

    h('section', { id: 'lineage-section' },
      h('div', { class: 'deps' },
        h('div', null, h('h2', null, 'Upstream ', h('span', { class: 'n' }, upstream.length)),
          upstream.length ? h('ul', { id: 'upstream', class: 'links' }, upstream.map((v) => h('li', null, link(v)))) : h('p', { class: 'muted' }, 'Nothing: this is where data enters.')),
        h('div', null, h('h2', null, 'Downstream ', h('span', { class: 'n' }, downstream.length)),
          downstream.length ? h('ul', { id: 'downstream', class: 'links' }, downstream.map((v) => h('li', null, link(v)))) : h('p', { class: 'muted' }, 'Nothing uses it yet.')),
      ),
    ),

    columnsSection(site, i, d.columns, d.columnLineageError, testsByColumn, actions, link),

    d.tests.length > 0
      ? h('section', { id: 'tests-section' }, h('h2', null, 'Data tests ', h('span', { class: 'n' }, d.tests.length)),
          h('table', { class: 'grid' },
            h('thead', null, h('tr', null, h('th', null, 'Test'), h('th', null, 'Column'), h('th', null, 'Last status'), h('th', null, 'Failures'))),
            h('tbody', null, d.tests.map((t) => {
              const ti = site.byId.get(t.uniqueId);
              return h('tr', null, h('td', null, ti !== undefined ? link(ti) : t.name), h('td', null, t.column ?? ''), h('td', null, statusBadge(t.status)), h('td', { class: 'num' }, t.failures ?? ''));
            })),
          ))
      : null,

    h('section', { id: 'details-section' }, h('h2', null, 'Details'),
      h('dl', { class: 'facts' },
        fact('Unique id', n.id),
        n.relationName ? fact('Relation', n.relationName) : null,
        fact('File', n.file),
        fact('Package', n.pkg),
        fact('Selector', sel),
        d.lastRun ? fact('Last run', `${d.lastRun.status} in ${d.lastRun.executionTime.toFixed(2)} s${d.lastRun.completedAt ? ` · ${d.lastRun.completedAt}` : ''}${d.lastRun.message ? ` · ${d.lastRun.message}` : ''}`) : null,
      ),
    ),
    Object.keys(site.config(i)).length > 0
      ? h('details', { class: 'block', id: 'config-section' }, h('summary', null, 'Config'), h('pre', { class: 'code' }, JSON.stringify(site.config(i), null, 2)))
      : null,
    sqlSection(d.compiledCode, d.rawCode),
  );
  return page;
}

function fact(name: string, value: string): HTMLElement[] {
  return [h('dt', null, name), h('dd', null, h('code', null, value))];
}

function columnsSection(
  site: Site,
  i: number,
  columns: DocsColumn[],
  lineageError: string | undefined,
  testsByColumn: Map<string, DocsNodeTest[]>,
  actions: PageActions,
  link: (v: number, dot?: boolean) => HTMLElement,
): HTMLElement {
  const trace = h('div', { id: 'column-trace', class: 'trace', hidden: true });
  const colRef = (r: ColumnRef) => h('span', { class: 'colref' }, link(r.node, false), h('span', { class: 'col' }, `.${r.column}`));
  /** A column in the trace, noting where lineage could not be followed further. */
  const traced = (r: ColumnRef) =>
    h('li', null, colRef(r), site.details(r.node).columnLineageError ? h('span', { class: 'muted', title: site.details(r.node).columnLineageError }, ' · not traced further (SQL not parsed)') : null);
  const show = (column: string) => {
    const { up, down } = actions.columnLineage(i, column);
    trace.hidden = false;
    trace.replaceChildren(
      h('h3', null, `Lineage of ${column}`),
      h('div', { class: 'trace-cols' },
        h('div', null, h('h4', null, `Derived from (${up.length})`), up.length ? h('ul', null, up.map(traced)) : h('p', { class: 'muted' }, lineageError ? 'Unknown: this model’s SQL could not be parsed.' : 'No upstream column.')),
        h('div', null, h('h4', null, `Feeds (${down.length})`), down.length ? h('ul', null, down.map(traced)) : h('p', { class: 'muted' }, 'No downstream column.')),
      ),
    );
  };
  const rows = columns.map((c) => {
    const tests = testsByColumn.get(c.name.toLowerCase()) ?? [];
    const upstream = (c.upstream ?? []).map((u) => {
      const v = site.byId.get(u.node);
      return v === undefined ? h('span', { class: 'colref' }, `${u.node}.${u.column}`) : colRef({ node: v, column: u.column });
    });
    return h('tr', { 'data-column': c.name },
      h('td', null,
        h('button', { type: 'button', class: 'col-name', title: 'show this column’s lineage in the graph', onclick: () => show(c.name) }, c.name),
        c.type ? h('div', { class: 'type' }, c.type) : null),
      h('td', null, c.description ? markdown(c.description) : ''),
      h('td', null, tests.map((t) => h('span', { class: `mini s-${t.status === undefined ? 'none' : GOOD.has(t.status) ? 'good' : BAD.has(t.status) ? 'bad' : 'warn'}`, title: `${t.name}: ${t.status ?? 'not run'}` }, shortTest(t.name)))),
      h('td', { class: 'upstream-cols' }, upstream.length ? upstream : c.upstream ? h('span', { class: 'muted' }, 'computed here') : ''),
    );
  });
  return h('section', { id: 'columns-section' },
    h('h2', null, 'Columns ', h('span', { class: 'n' }, columns.length)),
    lineageError ? h('div', { class: 'notice', id: 'lineage-error' }, h('strong', null, 'Column lineage unavailable: '), lineageError) : null,
    columns.length === 0
      ? h('p', { class: 'muted' }, 'No columns documented or found in the warehouse.')
      : h('table', { class: 'grid columns' },
          h('thead', null, h('tr', null, h('th', null, 'Column · type'), h('th', null, 'Description'), h('th', null, 'Tests'), h('th', null, 'Derived from'))),
          h('tbody', null, rows)),
    trace,
  );
}

/** `not_null_orders_id` → `not_null`, `accepted_values_…` → `accepted_values`. */
function shortTest(name: string): string {
  const m = /^(not_null|unique|accepted_values|relationships)/.exec(name);
  return m ? m[1]! : name.length > 24 ? `${name.slice(0, 22)}…` : name;
}

function sqlSection(compiled: string | undefined, raw: string | undefined): HTMLElement | null {
  if (!compiled && !raw) return null;
  const tabs: Array<[string, string]> = [];
  if (compiled) tabs.push(['Compiled SQL', compiled]);
  if (raw) tabs.push(['Source', raw]);
  const body = h('div', { class: 'sql-body' });
  const buttons = tabs.map(([label, sql], k) => {
    const b = h('button', { type: 'button', class: `tab${k === 0 ? ' on' : ''}`, 'data-tab': label }, label);
    b.addEventListener('click', () => {
      for (const other of buttons) other.classList.toggle('on', other === b);
      body.replaceChildren(highlightSql(sql));
    });
    return b;
  });
  const copy = h('button', { type: 'button', class: 'tab copy', title: 'copy to clipboard' }, 'Copy');
  copy.addEventListener('click', () => {
    const text = body.textContent ?? '';
    void navigator.clipboard?.writeText(text).then(() => (copy.textContent = 'Copied'), () => (copy.textContent = 'Copy failed'));
  });
  body.append(highlightSql(tabs[0]![1]));
  return h('section', { id: 'sql-section' }, h('div', { class: 'tabs' }, buttons, copy), body);
}

export function renderOverview(site: Site, actions: PageActions): HTMLElement {
  const { project, overview } = site.index;
  const byType = new Map<string, number>();
  const byLayer = new Map<string, number>();
  let failing = 0;
  for (const n of site.nodes) {
    byType.set(n.type, (byType.get(n.type) ?? 0) + 1);
    if (n.layer && n.type !== 'test' && n.type !== 'unit_test') byLayer.set(n.layer, (byLayer.get(n.layer) ?? 0) + 1);
    if (n.failing > 0 || n.status === 'error' || n.status === 'fail') failing++;
  }
  const example = (expression: string, what: string) =>
    h('li', null, h('button', { type: 'button', class: 'chip mono', onclick: () => actions.select(expression) }, expression), ' ', what);
  const firstModel = site.nodes.find((n) => n.type === 'model');
  const firstTag = site.nodes.find((n) => n.tags.length > 0)?.tags[0];
  const firstLayer = [...byLayer.keys()][0];
  return h('article', { class: 'page', id: 'overview-page' },
    h('header', { class: 'page-head' }, h('div', { class: 'crumbs' }, `${project.adapter} · target ${project.target} · tsdbt ${project.tsdbtVersion}`), h('h1', null, project.name)),
    h('p', { class: 'muted' }, `Generated ${project.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}.`),
    h('div', { class: 'stats' },
      ['model', 'source', 'seed', 'snapshot', 'test', 'unit_test'].filter((t) => byType.has(t)).map((t) =>
        h('div', { class: 'stat' }, h('div', { class: 'stat-n' }, count(byType.get(t)!)), h('div', { class: 'stat-l' }, TYPE_NAMES[t] ?? t))),
      failing > 0 ? h('div', { class: 'stat bad' }, h('div', { class: 'stat-n' }, count(failing)), h('div', { class: 'stat-l' }, 'failing')) : null,
    ),
    byLayer.size > 0
      ? h('section', null, h('h2', null, 'Layers'),
          h('div', { class: 'layers' }, ['bronze', 'silver', 'gold'].filter((l) => byLayer.has(l)).map((l) =>
            h('button', { type: 'button', class: 'layer-card', style: `border-color:${LAYER_COLORS[l]}`, title: `graph filter: ${l} tag:${l}`, onclick: () => actions.select(`${l} tag:${l}`) },
              h('span', { class: 'layer-pill', style: `background:${LAYER_COLORS[l]}` }, l), ` ${count(byLayer.get(l)!)} nodes`))))
      : null,
    h('section', null, h('h2', null, 'Filter the graph'),
      h('p', null, 'The filter box takes the same selection syntax as ', h('code', null, 'tsdbt --select'), ': space is a union, a comma an intersection, and ',
        h('code', null, '--exclude'), ' removes.'),
      h('ul', { class: 'examples' },
        firstModel ? example(`+${firstModel.name}+`, 'a model with everything upstream and downstream') : null,
        firstTag ? example(`tag:${firstTag}`, 'every node with a tag') : null,
        firstLayer ? example(`${firstLayer}.*`, 'a folder (fqn wildcard)') : null,
        example('resource_type:source', 'by resource type'),
        example('config.materialized:table', 'by config value'),
      ),
      h('p', { class: 'muted' }, `Whole-project layout: ${overview.engine === 'dagre' ? 'dagre' : 'layered (linear time)'}, ${count(overview.nodes.length)} nodes, computed in ${overview.ms} ms at generation. Click a column name on a model page to trace it through the graph.`),
    ),
  );
}
