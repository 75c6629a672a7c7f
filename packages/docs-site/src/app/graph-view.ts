// The lineage graph: sigma (WebGL) drawing a graphology graph of the current view. The whole
// project uses the layout computed at generation; a filtered view is laid out here (dagre up to
// DAGRE_MAX_NODES nodes, the linear layered layout above).
import Graph from 'graphology';
import Sigma from 'sigma';
import { extremityArrow, pathCurvedS, pathLine, sdfCircle, sdfDiamond, sdfSquare, sdfTriangle } from 'sigma/rendering';
import type { EdgeDisplayData, NodeDisplayData } from 'sigma/types';
import { labelWidth, layoutDag } from '../layout/layout-dag.js';
import { DRAWN_TYPES, type LayoutEngine } from '../payload.js';
import type { Site } from './site.js';

export type ColorMode = 'layer' | 'status';

/** Node shape per resource type (sigma SDF shapes). */
const TYPE_SHAPES: Record<string, string> = { model: 'circle', seed: 'square', source: 'diamond', snapshot: 'triangle' };

const TYPE_COLORS: Record<string, string> = {
  source: '#2f9e44',
  seed: '#8a5cc2',
  snapshot: '#0c8599',
  model: '#3b6fb6',
};
export const LAYER_COLORS: Record<string, string> = { bronze: '#b06a2c', silver: '#8d99a6', gold: '#d4a514' };
const STATUS_COLORS = { failing: '#e03131', warn: '#f08c00', passing: '#2f9e44', unknown: '#adb5bd' };
const DIM_NODE = '#dde1e6';
const DIM_EDGE = '#eceef1';
const EDGE = '#b8c0ca';
const EDGE_UP = '#1c7ed6';
const EDGE_DOWN = '#e8590c';
const EDGE_COLUMN = '#7048e8';

interface Highlight {
  /** Nodes to keep in colour; everything else is dimmed. */
  nodes: Set<string>;
  focus?: string | undefined;
  up: Set<string>;
  down: Set<string>;
  /** Column lineage: node → its columns on the path. */
  columns?: Map<string, string[]> | undefined;
}

export interface ViewInfo {
  drawn: number;
  total: number;
  engine: LayoutEngine;
  layoutMs: number;
  edges: number;
  /** Past EDGE_BUDGET edges only the focused lineage is drawn. */
  edgesHidden: boolean;
}

/**
 * Views with more edges than this draw only the focused node's lineage: thousands of overlapping
 * edges say nothing, and they dominate the first frame (≈0.2 ms each in software WebGL).
 */
export const EDGE_BUDGET = 5000;

/**
 * sigma 4.0.4's setGraph leaves its parallel-edge index (and drag manager) on the graph it was
 * created with, so edges added later are looked up in the wrong graph; point them at the new one.
 */
function setSigmaGraph(renderer: Sigma, graph: Graph): void {
  const internal = renderer as unknown as { edgeGroups?: { graph: unknown }; internals?: { dragManager?: { graph: unknown } } };
  if (internal.edgeGroups) internal.edgeGroups.graph = graph;
  if (internal.internals?.dragManager) internal.internals.dragManager.graph = graph;
  renderer.setGraph(graph);
}

export class GraphView {
  private renderer: Sigma | undefined;
  private graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
  private highlight: Highlight | undefined;
  private edgesHidden = false;
  private colorMode: ColorMode = 'layer';
  private readonly drawnTotal: number;
  readonly error: string | undefined;

  constructor(
    private readonly site: Site,
    private readonly container: HTMLElement,
    private readonly onOpen: (id: string) => void,
  ) {
    this.drawnTotal = site.index.overview.nodes.length;
    try {
      this.renderer = this.createRenderer();
    } catch (e) {
      this.error = `The lineage graph needs WebGL 2, which this browser did not provide (${e instanceof Error ? e.message : String(e)}).`;
    }
  }

  private createRenderer(): Sigma {
    const renderer = new Sigma(this.graph, this.container, {
      primitives: {
        // Shape says the resource type, colour the layer.
        nodes: { shapes: [sdfCircle(), sdfSquare({ cornerRadius: 0.15 }), sdfDiamond(), sdfTriangle()] },
        edges: { paths: [pathLine(), pathCurvedS({ orientation: 'horizontal', segments: 12 })], extremities: [extremityArrow({ lengthRatio: 4, widthRatio: 3 })] },
      },
      settings: {
        allowInvalidContainer: true,
        // Sizes in screen pixels (sigma 4 defaults to graph units), growing gently on zoom.
        itemSizesReference: 'screen',
        labelDensity: 0.6,
        labelGridCellSize: 90,
        labelRenderedSizeThreshold: 5,
        stagePadding: 24,
        minCameraRatio: 0.002,
        maxCameraRatio: 4,
      },
      // Reducers read sigma's own graph: while a view is being swapped it is not yet `this.graph`.
      nodeReducer: (key, data, attrs, _state, _graphState, graph) => ({ shape: attrs.shape as string, ...this.reduceNode(key, data, graph.order) }),
      edgeReducer: (key, data, _attrs, _state, _graphState, graph) => this.reduceEdge(key, data, graph),
    });
    renderer.on('clickNode', ({ node }) => this.onOpen(node));
    renderer.on('enterNode', () => (this.container.style.cursor = 'pointer'));
    renderer.on('leaveNode', () => (this.container.style.cursor = ''));
    return renderer;
  }

  /** Draw `ids` (node indexes; non-drawable types are skipped), or the whole project when undefined. */
  show(ids: Iterable<number> | undefined): ViewInfo {
    const { site } = this;
    const overview = site.index.overview;
    let members: number[];
    let x: number[];
    let y: number[];
    let engine: LayoutEngine = overview.engine;
    let layoutMs = 0;
    if (ids === undefined) {
      members = overview.nodes;
      x = overview.x;
      y = overview.y;
    } else {
      members = [...ids].filter((i) => DRAWN_TYPES.includes(site.nodes[i]!.type)).sort((a, b) => a - b);
      const local = new Map(members.map((v, k) => [v, k]));
      const edges: Array<[number, number]> = [];
      for (const v of members) for (const c of site.children[v]!) if (local.has(c)) edges.push([local.get(v)!, local.get(c)!]);
      const started = performance.now();
      const pos = layoutDag(
        members.map((v) => ({ width: labelWidth(site.label(v)), key: `${site.nodes[v]!.folder}/${site.nodes[v]!.name}` })),
        edges,
      );
      layoutMs = Math.round(performance.now() - started);
      ({ x, y, engine } = pos);
    }

    const stretch = this.verticalStretch(x, y);
    const graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
    const size = members.length > 2000 ? 2.5 : members.length > 300 ? 4 : 7;
    members.forEach((v, k) => {
      const n = site.nodes[v]!;
      graph.addNode(n.id, { x: x[k]!, y: -y[k]! * stretch, size: n.type === 'model' ? size : size * 1.25, label: site.label(v), color: this.colorOf(v), shape: TYPE_SHAPES[n.type] ?? 'circle', index: v });
    });
    let edges = 0;
    for (const v of members) for (const c of site.children[v]!) if (graph.hasNode(site.nodes[c]!.id)) edges++;
    this.graph = graph;
    this.highlight = undefined;
    this.edgesHidden = edges > EDGE_BUDGET;
    if (!this.edgesHidden) this.addEdges(members);
    if (this.renderer) {
      setSigmaGraph(this.renderer, graph);
      this.renderer.setSettings({ hideEdgesOnMove: graph.size > 3000, autoRescaleContent: graph.order <= 500 ? 'labels' : 'nodes' });
      this.fit(false);
    }
    return { drawn: members.length, total: this.drawnTotal, engine, layoutMs, edges, edgesHidden: this.edgesHidden };
  }

  /**
   * Layered layouts of shallow projects are wide and flat, and fitting the width leaves most of the
   * pane empty: spread the rows (up to 3×) towards the pane's aspect ratio.
   */
  private verticalStretch(x: readonly number[], y: readonly number[]): number {
    if (x.length < 2) return 1;
    const span = (v: readonly number[]) => v.reduce((m, a) => Math.max(m, a), -Infinity) - v.reduce((m, a) => Math.min(m, a), Infinity);
    const width = span(x);
    const height = span(y);
    const box = this.container.getBoundingClientRect();
    if (width <= 0 || height <= 0 || box.width <= 0) return 1;
    const wanted = (box.height / box.width) * 0.75;
    return Math.min(3, Math.max(1, wanted / (height / width)));
  }

  /** Draw every edge of the current view, even past the budget. */
  showAllEdges(): void {
    if (!this.edgesHidden) return;
    this.edgesHidden = false;
    this.graph.clearEdges();
    this.addEdges(this.graph.mapNodes((_, attrs) => attrs.index as number));
    this.renderer?.setSetting('hideEdgesOnMove', true);
    this.refresh();
  }

  /** Remove every edge (only when some are drawn: clearing is not free in sigma). */
  private dropEdges(): void {
    if (this.graph.size > 0) this.graph.clearEdges();
  }

  /** Camera moves are animated, except on large views where every frame costs (software WebGL). */
  private get animation(): number {
    return this.graph.order > 3000 ? 0 : 1;
  }

  /** Edges from `from` nodes to any node in the view. */
  private addEdges(from: Iterable<number>, keep?: (child: number) => boolean): void {
    const { site, graph } = this;
    for (const v of from) {
      const source = site.nodes[v]!.id;
      for (const c of site.children[v]!) {
        const target = site.nodes[c]!.id;
        if (graph.hasNode(target) && (!keep || keep(c)) && !graph.hasEdge(source, target)) graph.addEdge(source, target, { size: 1, color: EDGE });
      }
    }
  }

  /** A drawn node's position on the page, in CSS pixels. */
  pagePosition(id: string): { x: number; y: number } | undefined {
    const renderer = this.renderer;
    const data = renderer?.getNodeDisplayData(id);
    if (!renderer || !data) return undefined;
    const p = renderer.framedGraphToViewport(data);
    const box = this.container.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  /** Whether a node is drawn in the current view. */
  has(id: string): boolean {
    return this.graph.hasNode(id);
  }

  /** Highlight a node with everything upstream and downstream of it (within the view). */
  focus(id: string | undefined, move = true): void {
    if (id === undefined || !this.graph.hasNode(id)) {
      if (this.highlight === undefined) return;
      this.highlight = undefined;
      if (this.edgesHidden) this.dropEdges();
      this.refresh();
      return;
    }
    const i = this.site.byId.get(id)!;
    const inView = (v: number) => this.graph.hasNode(this.site.nodes[v]!.id);
    const upIdx = this.site.reach(i, 'up', inView);
    const downIdx = this.site.reach(i, 'down', inView);
    if (this.edgesHidden) {
      // Too many edges to draw them all: draw the lineage of the focused node only.
      this.dropEdges();
      this.addEdges([i, ...upIdx], (c) => c === i || upIdx.has(c));
      this.addEdges([i, ...downIdx], (c) => downIdx.has(c));
    }
    const up = new Set([...upIdx].map((v) => this.site.nodes[v]!.id));
    const down = new Set([...downIdx].map((v) => this.site.nodes[v]!.id));
    this.highlight = { nodes: new Set([id, ...up, ...down]), focus: id, up, down };
    this.refresh();
    if (move) this.moveTo(id);
  }

  /** Highlight a column's lineage: the nodes carrying it, labelled with their columns. */
  focusColumns(focusId: string, columns: Map<string, string[]>): void {
    const nodes = new Set([...columns.keys()].filter((id) => this.graph.hasNode(id)));
    nodes.add(focusId);
    const hadColumns = this.highlight?.columns !== undefined;
    if (this.edgesHidden) {
      this.dropEdges();
      const members = [...nodes].map((id) => this.site.byId.get(id)!);
      const keep = new Set(members);
      this.addEdges(members, (c) => keep.has(c));
    }
    this.highlight = { nodes, focus: focusId, up: new Set(), down: new Set(), columns };
    this.refresh();
    if (!hadColumns) this.moveTo(focusId);
  }

  setColorMode(mode: ColorMode): void {
    this.colorMode = mode;
    this.graph.forEachNode((id, attrs) => this.graph.setNodeAttribute(id, 'color', this.colorOf(attrs.index as number)));
    this.refresh();
  }

  fit(animate = true): void {
    const camera = this.renderer?.getCamera();
    if (!camera) return;
    if (animate) void camera.reset({ duration: 300 * this.animation });
    else camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  }

  zoom(factor: number): void {
    const camera = this.renderer?.getCamera();
    if (camera) void camera.animate({ ratio: camera.ratio / factor }, { duration: 200 });
  }

  /** Resolves after the next frame has been drawn. */
  rendered(): Promise<void> {
    const renderer = this.renderer;
    if (!renderer) return Promise.resolve();
    return new Promise((resolve) => {
      renderer.once('afterRender', () => resolve());
      renderer.scheduleRender();
    });
  }

  resize(): void {
    this.renderer?.resize();
  }

  /** Centre the camera on the highlighted nodes, zoomed to fit them. */
  private moveTo(id: string): void {
    const renderer = this.renderer;
    if (!renderer) return;
    // Most of the view highlighted: show it all (the fit leaves room for labels).
    if ((this.highlight?.nodes.size ?? 1) >= this.graph.order * 0.5) return this.fit();
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const key of this.highlight?.nodes ?? [id]) {
      const d = renderer.getNodeDisplayData(key);
      if (!d) continue;
      x0 = Math.min(x0, d.x);
      x1 = Math.max(x1, d.x);
      y0 = Math.min(y0, d.y);
      y1 = Math.max(y1, d.y);
    }
    if (!Number.isFinite(x0)) return;
    // Room for the labels, which extend to the right of their nodes.
    const extent = Math.max(x1 - x0, y1 - y0);
    const ratio = Math.min(1, Math.max(0.04, extent * 1.4 + 0.08));
    void renderer.getCamera().animate({ x: (x0 + x1) / 2 + ratio * 0.08, y: (y0 + y1) / 2, ratio }, { duration: 400 * this.animation });
  }

  private refresh(): void {
    this.renderer?.refresh();
  }

  private colorOf(i: number): string {
    const n = this.site.nodes[i]!;
    if (this.colorMode === 'status') {
      if (n.failing > 0 || n.status === 'error' || n.status === 'fail') return STATUS_COLORS.failing;
      if (n.status === 'warn') return STATUS_COLORS.warn;
      if (n.status === 'success' || n.status === 'pass' || (n.tests > 0 && n.status === undefined && n.failing === 0)) return STATUS_COLORS.passing;
      return STATUS_COLORS.unknown;
    }
    if (n.layer) return LAYER_COLORS[n.layer]!;
    return TYPE_COLORS[n.type] ?? '#868e96';
  }

  private reduceNode(key: string, data: NodeDisplayData, order: number): Partial<NodeDisplayData> {
    const hl = this.highlight;
    if (!hl) return order <= 120 ? { labelVisibility: 'visible' } : {};
    if (!hl.nodes.has(key)) return { color: DIM_NODE, label: null, zIndex: 0, labelVisibility: 'hidden' };
    const out: Partial<NodeDisplayData> = { zIndex: 2, depth: 'topNodes', labelDepth: 'topNodes' };
    if (hl.nodes.size <= 150) out.labelVisibility = 'visible';
    const cols = hl.columns?.get(key);
    if (cols && cols.length > 0) out.label = `${data.label ?? ''} · ${cols.join(', ')}`;
    if (key === hl.focus) {
      out.size = data.size * 1.7;
      out.highlighted = true;
      out.labelVisibility = 'visible';
    }
    return out;
  }

  private reduceEdge(key: string, data: EdgeDisplayData, graph: Graph): Partial<EdgeDisplayData> {
    const out: Partial<EdgeDisplayData> = {};
    const small = graph.size <= 1500;
    out.path = 'curvedS';
    if (small) out.head = 'arrow';
    const hl = this.highlight;
    if (!hl) return out;
    const source = graph.source(key);
    const target = graph.target(key);
    const isFocus = (n: string) => n === hl.focus;
    let color: string | undefined;
    if (hl.columns) {
      if (hl.nodes.has(source) && hl.nodes.has(target)) color = EDGE_COLUMN;
    } else if ((hl.up.has(source) || isFocus(source)) && (hl.up.has(target) || isFocus(target))) color = EDGE_UP;
    else if ((hl.down.has(source) || isFocus(source)) && (hl.down.has(target) || isFocus(target))) color = EDGE_DOWN;
    if (!color) return { ...out, color: DIM_EDGE, zIndex: 0, head: undefined };
    return { ...out, color, size: Math.max(2, data.size * 2), zIndex: 2, depth: 'topEdges', head: 'arrow' };
  }
}
