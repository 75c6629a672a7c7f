// The docs site: sidebar (search + tree), lineage graph with a selector filter, details panel.
// State lives in the URL hash (`#node=<uniqueId>&select=<selector>`), so views can be linked to
// and the back button works, also from file://.
import './styles.css';
import type { NodeDetails, SiteIndex } from '../payload.js';
import { byId, count, h } from './dom.js';
import { GraphView, LAYER_COLORS, type ColorMode, type ViewInfo } from './graph-view.js';
import { renderNodePage, renderOverview, type PageActions } from './node-page.js';
import { runSelection } from './selection.js';
import { Sidebar } from './sidebar.js';
import { Site } from './site.js';

interface State {
  node?: string | undefined;
  select?: string | undefined;
}

declare global {
  interface Window {
    /** Read by tests and the render benchmark. */
    __tsdbtDocs?: { ready: boolean; firstRenderMs: number; view?: ViewInfo; error?: string | undefined; marks?: Record<string, number> };
  }
}

function readJson<T>(id: string): T {
  return JSON.parse(byId(id).textContent ?? 'null') as T;
}

function readState(): State {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { node: params.get('node') ?? undefined, select: params.get('select') ?? undefined };
}

function writeState(state: State): void {
  const params = new URLSearchParams();
  if (state.node) params.set('node', state.node);
  if (state.select) params.set('select', state.select);
  const hash = `#${params.toString()}`;
  if (location.hash !== hash) location.hash = hash;
}

const marks: Record<string, number> = {};
const mark = (name: string) => (marks[name] = Math.round(performance.now()));

function boot(): void {
  mark('boot');
  const site = new Site(readJson<SiteIndex>('tsdbt-index'), () => readJson<NodeDetails[]>('tsdbt-details'));
  let state: State = {};

  const actions: PageActions = {
    open: (id) => writeState({ ...state, node: id }),
    select: (expression) => writeState({ ...state, select: expression }),
    columnLineage: (node, column) => {
      const lineage = site.columnLineage({ node, column });
      const marks = new Map<string, string[]>();
      for (const r of [{ node, column }, ...lineage.up, ...lineage.down]) {
        const id = site.nodes[r.node]!.id;
        marks.set(id, [...(marks.get(id) ?? []), r.column]);
      }
      graph.focusColumns(site.nodes[node]!.id, marks);
      return lineage;
    },
  };

  mark('index');
  const sidebar = new Sidebar(site, actions.open);
  mark('sidebar');
  const filter = h('input', {
    id: 'graph-filter',
    type: 'text',
    placeholder: 'Filter the graph: +fct_orders  tag:finance  gold.*',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': 'Graph filter (selection syntax)',
  });
  const filterForm = h('form', { id: 'graph-filter-form', class: 'filter' },
    filter,
    h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    h('button', { type: 'button', id: 'graph-reset', title: 'show the whole project', onclick: () => writeState({ ...state, select: undefined }) }, 'All'),
  );
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    writeState({ ...state, select: filter.value.trim() || undefined });
  });
  const status = h('div', { id: 'graph-status', class: 'graph-status' });
  const error = h('div', { id: 'graph-error', class: 'graph-error', role: 'alert', hidden: true });
  const canvas = h('div', { id: 'graph', class: 'graph' });
  const colorMode = h('select', { id: 'color-mode', 'aria-label': 'Colour nodes by' },
    h('option', { value: 'layer' }, 'Colour: layer & type'),
    h('option', { value: 'status' }, 'Colour: last status'));
  const legend = h('div', { class: 'legend' },
    ...Object.entries(LAYER_COLORS).map(([layer, color]) => h('span', null, h('i', { style: `background:${color}` }), layer)),
    ...[['model', 'model'], ['source', 'source'], ['seed', 'seed'], ['snapshot', 'snapshot']].map(([t, label]) => h('span', null, h('i', { class: `t-${t}` }), label)),
    h('span', null, h('i', { class: 'e-up' }), 'upstream'),
    h('span', null, h('i', { class: 'e-down' }), 'downstream'),
  );
  const details = h('div', { id: 'details', class: 'details' });
  const resizer = h('div', { class: 'resizer', title: 'drag to resize' });
  const main = h('main', { class: 'main' },
    h('section', { class: 'graph-pane' },
      h('div', { class: 'toolbar' }, filterForm,
        h('div', { class: 'tools' },
          colorMode,
          h('button', { type: 'button', title: 'zoom in', onclick: () => graph.zoom(1.5) }, '+'),
          h('button', { type: 'button', title: 'zoom out', onclick: () => graph.zoom(1 / 1.5) }, '−'),
          h('button', { type: 'button', title: 'fit the view', onclick: () => graph.fit() }, 'Fit'))),
      error, canvas, h('div', { class: 'graph-foot' }, status, legend)),
    resizer, details);
  const top = h('header', { class: 'top' },
    h('a', { class: 'brand', href: '#', onclick: (e: Event) => { e.preventDefault(); writeState({ select: state.select }); } }, h('b', null, 'tsdbt'), ' docs'),
    h('span', { class: 'project' }, site.index.project.name),
    h('span', { class: 'meta' }, `${count(site.nodes.length)} nodes · ${site.index.project.adapter} · ${site.index.project.generatedAt.slice(0, 10)}`));
  byId('app').replaceChildren(h('div', { class: 'shell' }, top, h('div', { class: 'body' }, sidebar.element, main)));

  const graph = new GraphView(site, canvas, actions.open);
  if (graph.error) canvas.replaceChildren(h('p', { class: 'graph-unavailable' }, graph.error));
  colorMode.addEventListener('change', () => graph.setColorMode(colorMode.value as ColorMode));
  dragToResize(resizer, details, () => graph.resize());

  let shownSelect: string | undefined;
  let view: ViewInfo | undefined;
  const applyFilter = (expression: string | undefined): void => {
    filter.value = expression ?? '';
    error.hidden = true;
    if (!expression) {
      view = graph.show(undefined);
    } else {
      const outcome = runSelection(site, expression);
      if (!outcome.ok) {
        error.hidden = false;
        error.replaceChildren(h('strong', null, outcome.error), outcome.hint ? ` ${outcome.hint}` : '');
        filter.classList.add('invalid');
        return;
      }
      filter.classList.remove('invalid');
      const tests = [...outcome.ids].filter((i) => site.nodes[i]!.type === 'test' || site.nodes[i]!.type === 'unit_test').length;
      view = graph.show(outcome.ids);
      if (outcome.unmatched.length > 0 || view.drawn === 0) {
        error.hidden = false;
        error.replaceChildren(
          outcome.unmatched.length > 0 ? `Nothing matched ${outcome.unmatched.map((u) => `\`${u}\``).join(', ')}.` : '',
          view.drawn === 0 && tests > 0 ? ` ${tests} test${tests === 1 ? '' : 's'} matched: tests are listed on their models' pages, not drawn.` : '',
        );
      }
    }
    filter.classList.remove('invalid');
    status.textContent = `${count(view.drawn)} of ${count(view.total)} nodes · layout ${view.engine}${view.layoutMs ? ` ${view.layoutMs} ms` : ''}`;
    shownSelect = expression;
  };

  const showNode = (id: string | undefined): void => {
    const i = id === undefined ? undefined : site.byId.get(id);
    sidebar.setActive(i === undefined ? undefined : id);
    details.replaceChildren(i === undefined ? renderOverview(site, actions) : renderNodePage(site, i, actions));
    details.scrollTop = 0;
    graph.focus(i === undefined ? undefined : id);
    if (i !== undefined) document.title = `${site.label(i)} · ${site.index.project.name} · tsdbt docs`;
  };

  const apply = (next: State): void => {
    const filterChanged = next.select !== shownSelect || view === undefined;
    if (filterChanged) applyFilter(next.select);
    if (filterChanged || next.node !== state.node) showNode(next.node);
    state = next;
  };

  window.addEventListener('hashchange', () => apply(readState()));
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    if (e.key === '/' && target?.tagName !== 'INPUT' && target?.tagName !== 'TEXTAREA') {
      e.preventDefault();
      sidebar.focusSearch();
    }
  });
  new ResizeObserver(() => graph.resize()).observe(canvas);

  mark('shell');
  apply(readState());
  mark('view');
  void graph.rendered().then(() => {
    mark('rendered');
    window.__tsdbtDocs = { ready: true, firstRenderMs: Math.round(performance.now()), view, error: graph.error, marks };
    document.body.dataset.ready = 'true';
  });
}

function dragToResize(handle: HTMLElement, panel: HTMLElement, done: () => void): void {
  handle.addEventListener('pointerdown', (down) => {
    down.preventDefault();
    handle.setPointerCapture(down.pointerId);
    const startX = down.clientX;
    const startWidth = panel.getBoundingClientRect().width;
    const move = (e: PointerEvent) => {
      panel.style.width = `${Math.max(280, Math.min(window.innerWidth - 360, startWidth - (e.clientX - startX)))}px`;
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      done();
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  });
}

try {
  boot();
} catch (e) {
  const app = document.getElementById('app');
  if (app) app.textContent = `The docs site failed to start: ${e instanceof Error ? e.message : String(e)}`;
  window.__tsdbtDocs = { ready: true, firstRenderMs: Math.round(performance.now()), error: String(e) };
  throw e;
}
