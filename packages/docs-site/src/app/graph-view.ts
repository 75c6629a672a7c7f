// The lineage graph: sigma (WebGL) drawing a graphology graph of the current view. The whole
// project uses the layout computed at generation; a filtered view is laid out here (dagre up to
// DAGRE_MAX_NODES nodes, the linear layered layout above).
import Graph from 'graphology';
import Sigma from 'sigma';
import { extremityArrow, pathCurvedS, pathLine } from 'sigma/rendering';
import type { EdgeDisplayData, NodeDisplayData } from 'sigma/types';
import { labelWidth, layoutDag } from '../layout/layout-dag.js';
import { DRAWN_TYPES, type LayoutEngine } from '../payload.js';
import type { Site } from './site.js';

export type ColorMode = 'layer' | 'status';

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
}

export class GraphView {
  private renderer: Sigma | undefined;
  private graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
  private highlight: Highlight | undefined;
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
    const dbg = new URLSearchParams(location.search);
    (globalThis as Record<string, unknown>).__dbg = dbg;
    const renderer = new Sigma(this.graph, this.container, {
      primitives: {
        edges: { paths: [pathLine(), pathCurvedS({ orientation: 'horizontal', segments: 12 })], extremities: [extremityArrow({ lengthRatio: 4, widthRatio: 3 })] },
      },
      settings: {
        allowInvalidContainer: true,
        renderLabels: !dbg.has('nolabels'),
        // Sizes in screen pixels (sigma 4 defaults to graph units), growing gently on zoom.
        itemSizesReference: 'screen',
        labelDensity: 0.6,
        labelGridCellSize: 90,
        labelRenderedSizeThreshold: 5,
        stagePadding: 24,
        minCameraRatio: 0.002,
        maxCameraRatio: 4,
      },
      nodeReducer: (key, data) => this.reduceNode(key, data),
      edgeReducer: (key, data) => this.reduceEdge(key, data),
    });
    renderer.on('clickNode', ({ node }) => this.onOpen(node));
    renderer.on('enterNode', () => (this.container.style.cursor = 'pointer'));
    renderer.on('leaveNode', () => (this.container.style.cursor = ''));
    return renderer;
  }

  get available(): boolean {
    return this.renderer !== undefined;
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

    const graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
    const size = members.length > 2000 ? 2.5 : members.length > 300 ? 4 : 7;
    members.forEach((v, k) => {
      const n = site.nodes[v]!;
      graph.addNode(n.id, { x: x[k]!, y: -y[k]!, size, label: site.label(v), color: this.colorOf(v), index: v });
    });
    for (const v of members) {
      const from = site.nodes[v]!.id;
      for (const c of site.children[v]!) {
        const to = site.nodes[c]!.id;
        if (graph.hasNode(to) && !graph.hasEdge(from, to)) graph.addEdge(from, to, { size: 1, color: EDGE });
      }
    }
    this.graph = graph;
    if (this.renderer) {
      const big = graph.size > 3000;
      this.renderer.setSettings({ hideEdgesOnMove: big, autoRescaleContent: graph.order <= 500 ? 'labels' : 'nodes' });
      this.renderer.setGraph(graph);
      this.fit(false);
    }
    return { drawn: members.length, total: this.drawnTotal, engine, layoutMs };
  }

  has(id: string): boolean {
    return this.graph.hasNode(id);
  }

  /** Highlight a node with everything upstream and downstream of it (within the view). */
  focus(id: string | undefined, move = true): void {
    if (id === undefined || !this.graph.hasNode(id)) {
      this.highlight = undefined;
      this.refresh();
      return;
    }
    const i = this.site.byId.get(id)!;
    const inView = (v: number) => this.graph.hasNode(this.site.nodes[v]!.id);
    const up = new Set([...this.site.reach(i, 'up', inView)].map((v) => this.site.nodes[v]!.id));
    const down = new Set([...this.site.reach(i, 'down', inView)].map((v) => this.site.nodes[v]!.id));
    this.highlight = { nodes: new Set([id, ...up, ...down]), focus: id, up, down };
    this.refresh();
    if (move) this.moveTo(id);
  }

  /** Highlight a column's lineage: the nodes carrying it, labelled with their columns. */
  focusColumns(focusId: string, columns: Map<string, string[]>): void {
    const nodes = new Set(columns.keys());
    nodes.add(focusId);
    this.highlight = { nodes, focus: focusId, up: new Set(), down: new Set(), columns };
    this.refresh();
  }

  setColorMode(mode: ColorMode): void {
    this.colorMode = mode;
    this.graph.forEachNode((id, attrs) => this.graph.setNodeAttribute(id, 'color', this.colorOf(attrs.index as number)));
    this.refresh();
  }

  fit(animate = true): void {
    const camera = this.renderer?.getCamera();
    if (!camera) return;
    if (animate) void camera.reset({ duration: 300 });
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

  private moveTo(id: string): void {
    const renderer = this.renderer;
    const data = renderer?.getNodeDisplayData(id);
    if (!renderer || !data) return;
    const camera = renderer.getCamera();
    void camera.animate({ x: data.x, y: data.y, ratio: Math.min(camera.ratio, this.graph.order > 200 ? 0.15 : 0.8) }, { duration: 400 });
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
    if (n.type === 'model' && n.layer) return LAYER_COLORS[n.layer]!;
    return TYPE_COLORS[n.type] ?? '#868e96';
  }

  private reduceNode(key: string, data: NodeDisplayData): Partial<NodeDisplayData> {
    const hl = this.highlight;
    if (!hl) return {};
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

  private reduceEdge(key: string, data: EdgeDisplayData): Partial<EdgeDisplayData> {
    const out: Partial<EdgeDisplayData> = {};
    const small = this.graph.size <= 1500;
    if (!(globalThis as { __dbg?: URLSearchParams }).__dbg?.has('straight')) out.path = 'curvedS';
    if (small) out.head = 'arrow';
    const hl = this.highlight;
    if (!hl) return out;
    const source = this.graph.source(key);
    const target = this.graph.target(key);
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
