// The docs site: sidebar (search + tree), lineage graph with a selector filter, details panel.
// State lives in the URL hash (`#node=<uniqueId>&select=<selector>`), so views can be linked to
// and the back button works, also from file://.
import './styles.css';
import { DRAWN_TYPES, type DetailsEncoding, type NodeDetails, type SiteIndex } from '../payload.js';
import { byId, count, h } from './dom.js';
import { GraphView, LAYER_COLORS, type ColorMode, type ViewInfo } from './graph-view.js';
import { renderNodePage, renderOverview, selectorFor, type PageActions } from './node-page.js';
import { runSelection } from './selection.js';
import { Sidebar } from './sidebar.js';
import { Site } from './site.js';

interface State {
  node?: string | undefined;
  select?: string | undefined;
}

/** What tests and the render benchmark read from the page. */
interface DocsProbe {
  ready: boolean;
  /** Navigation start → first graph frame drawn and the page responsive again. */
  firstRenderMs: number;
  marks?: Record<string, number>;
  /** The current graph view, and the filter last applied (even when it was rejected). */
  view?: ViewInfo | undefined;
  applied?: string | undefined;
  error?: string | undefined;
  /** Where a drawn node is on the page (CSS pixels), to click it. */
  nodePosition?: (id: string) => { x: number; y: number } | undefined;
}

declare global {
  interface Window {
    /** Read by tests and the render benchmark. */
    __tsdbtDocs?: DocsProbe;
  }
}

function readJson<T>(id: string): T {
  return JSON.parse(byId(id).textContent ?? 'null') as T;
}

/** The details block: JSON, or deflate-raw + base64 (inflated by the browser's DecompressionStream). */
async function readDetails(): Promise<NodeDetails[]> {
  const el = byId('tsdbt-details');
  const text = el.textContent ?? '';
  if ((el.dataset.encoding as DetailsEncoding | undefined) !== 'deflate-raw+base64') return JSON.parse(text) as NodeDetails[];
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return JSON.parse(await new Response(stream).text()) as NodeDetails[];
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
  const site = new Site(readJson<SiteIndex>('tsdbt-index'), readDetails);
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
  const allEdges = h('button', { type: 'button', id: 'show-edges', class: 'link-button', hidden: true, title: 'may be slow on large graphs' }, 'draw all edges');
  allEdges.addEventListener('click', () => {
    graph.showAllEdges();
    allEdges.hidden = true;
    if (view) status.textContent = statusText({ ...view, edgesHidden: false });
  });
  const error = h('div', { id: 'graph-error', class: 'graph-error', role: 'alert', hidden: true });
  const note = h('div', { id: 'graph-note', class: 'graph-note', hidden: true });
  const canvas = h('div', { id: 'graph', class: 'graph' });
  const colorMode = h('select', { id: 'color-mode', 'aria-label': 'Colour nodes by' },
    h('option', { value: 'layer' }, 'Colour: layer & type'),
    h('option', { value: 'status' }, 'Colour: last status'));
  const legend = h('div', { class: 'legend' },
    ...Object.entries(LAYER_COLORS).map(([layer, color]) => h('span', null, h('i', { style: `background:${color}` }), layer)),
    ...['model', 'source', 'seed', 'snapshot'].map((t) => h('span', null, h('i', { class: `dot t-${t}` }), t)),
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
      error, note, canvas, h('div', { class: 'graph-foot' }, status, allEdges, legend)),
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
  let applied: string | undefined;
  let view: ViewInfo | undefined;
  const applyFilter = (expression: string | undefined): void => {
    applied = expression ?? '';
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
        // The last good view stays; opened with a bad filter in the URL, that is the whole project.
        if (view === undefined) {
          view = graph.show(undefined);
          status.textContent = statusText(view);
          allEdges.hidden = !view.edgesHidden;
        }
        return;
      }
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
    status.textContent = statusText(view);
    allEdges.hidden = !view.edgesHidden;
    shownSelect = expression;
  };

  let shownNode: string | undefined;
  const showNode = (id: string | undefined): void => {
    const i = id === undefined ? undefined : site.byId.get(id);
    shownNode = id;
    sidebar.setActive(i === undefined ? undefined : id);
    graph.focus(i === undefined ? undefined : id);
    // A node the filter left out: say so rather than silently highlighting nothing.
    const outside = i !== undefined && !graph.error && !graph.has(id!) && DRAWN_TYPES.includes(site.nodes[i]!.type);
    note.hidden = !outside;
    if (outside) note.replaceChildren(`${site.label(i)} is not in this view: `, h('button', { type: 'button', class: 'link-button', onclick: () => writeState({ ...state, select: `+${selectorFor(site, i)}+` }) }, 'show its lineage'), ' or ', h('button', { type: 'button', class: 'link-button', onclick: () => writeState({ ...state, select: undefined }) }, 'show all'), '.');
    details.scrollTop = 0;
    if (i === undefined) {
      details.replaceChildren(id === undefined ? renderOverview(site, actions) : h('p', { class: 'page muted' }, `No node \`${id}\` in this project.`));
      document.title = `${site.index.project.name} · tsdbt docs`;
      return;
    }
    document.title = `${site.label(i)} · ${site.index.project.name} · tsdbt docs`;
    if (site.detailsLoaded) {
      details.replaceChildren(renderNodePage(site, i, actions));
      return;
    }
    details.replaceChildren(h('p', { class: 'page muted' }, 'Loading…'));
    site.loadDetails().then(
      () => {
        if (shownNode === id) details.replaceChildren(renderNodePage(site, i, actions));
      },
      (e: unknown) => details.replaceChildren(h('p', { class: 'page graph-error' }, `Could not read the node details: ${String(e)}`)),
    );
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
  // First render = the graph's first frame has been drawn and the page responds again (the next
  // task after the frame after it), measured from navigation start.
  void graph.rendered().then(() => {
    mark('drawn');
    requestAnimationFrame(() =>
      setTimeout(() => {
        mark('idle');
        window.__tsdbtDocs = {
          ready: true,
          firstRenderMs: Math.round(performance.now()),
          marks,
          get view() {
            return view;
          },
          get applied() {
            return applied;
          },
          error: graph.error,
          nodePosition: (id) => graph.pagePosition(id),
        };
        document.body.dataset.ready = 'true';
        // Decode the details in the background, so opening a node is instant.
        setTimeout(() => void site.loadDetails().then(() => mark('details')), 50);
      }, 0),
    );
  });
}

function statusText(view: ViewInfo): string {
  const edges = view.edgesHidden ? ` · ${count(view.edges)} edges: only a clicked node's lineage is drawn` : '';
  return `${count(view.drawn)} of ${count(view.total)} nodes · layout ${view.engine}${view.layoutMs ? ` ${view.layoutMs} ms` : ''}${edges}`;
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
