// Left-to-right layered layout of a lineage DAG, shared by renderSite (the whole project, at
// generation) and the browser (a filtered view). Up to DAGRE_MAX_NODES nodes it is dagre's
// Sugiyama layout. Above that, dagre is out of reach: on a 10,000-model project its long edges
// become ~250,000 dummy nodes and its crossing reduction is quadratic in a layer's width (about a
// minute even without it), so `layeredLayout` keeps the same idea in linear time (see there).
import dagre from '@dagrejs/dagre';

export interface LayoutNode {
  /** Label width in layout units (about 7 per character). */
  width: number;
  /** Tie-break for the vertical order (folder/name), so siblings sit together. */
  key: string;
}

export interface Positions {
  engine: 'dagre' | 'layered';
  /** Centre of each node; y grows downwards. */
  x: number[];
  y: number[];
}

/** Above this many nodes, `layoutDag` uses `layeredLayout`. */
export const DAGRE_MAX_NODES = 300;

const ROW = 30;
const RANK_GAP = 70;

export function layoutDag(nodes: readonly LayoutNode[], edges: ReadonlyArray<readonly [number, number]>): Positions {
  return nodes.length <= DAGRE_MAX_NODES ? dagreLayout(nodes, edges) : layeredLayout(nodes, edges);
}

export function dagreLayout(nodes: readonly LayoutNode[], edges: ReadonlyArray<readonly [number, number]>): Positions {
  const g = new dagre.graphlib.Graph();
  // network-simplex gives the tightest ranks but grows fast; tight-tree is close and cheaper.
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: RANK_GAP, edgesep: 6, ranker: nodes.length <= 150 ? 'network-simplex' : 'tight-tree' });
  g.setDefaultEdgeLabel(() => ({}));
  nodes.forEach((n, i) => g.setNode(String(i), { width: n.width, height: ROW - 12 }));
  for (const [a, b] of edges) if (a !== b) g.setEdge(String(a), String(b));
  dagre.layout(g);
  const x: number[] = [];
  const y: number[] = [];
  nodes.forEach((_, i) => {
    const p = g.node(String(i)) as { x?: number; y?: number };
    x.push(p.x ?? 0);
    y.push(p.y ?? 0);
  });
  return { engine: 'dagre', x, y };
}

/**
 * Sugiyama in linear time, for graphs dagre cannot lay out quickly:
 * 1. rank = longest path from a source (x), as dagre's `longest-path` ranker;
 * 2. order within a rank by the barycenter of the neighbours' y, in down/up/down sweeps
 *    (ties by folder/name), then place each node as near that barycenter as the row spacing allows;
 * 3. a rank too tall for the page (3,000 staging models side by side) wraps into sub-columns, so
 *    the whole picture keeps a screen-like aspect ratio. Nodes of one rank never share an edge,
 *    so wrapping crosses no edges.
 */
export function layeredLayout(nodes: readonly LayoutNode[], edges: ReadonlyArray<readonly [number, number]>): Positions {
  const n = nodes.length;
  const parents: number[][] = Array.from({ length: n }, () => []);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    if (a === b) continue;
    parents[b]!.push(a);
    children[a]!.push(b);
  }

  // 1. Ranks (Kahn's order). Nodes on a cycle (not expected: parse rejects cycles) go last.
  const rank = new Array<number>(n).fill(0);
  const indegree = parents.map((p) => p.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  let seen = 0;
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    seen++;
    for (const c of children[v]!) {
      rank[c] = Math.max(rank[c]!, rank[v]! + 1);
      if (--indegree[c]! === 0) queue.push(c);
    }
  }
  let maxRank = rank.reduce((m, r) => Math.max(m, r), 0);
  if (seen < n) {
    maxRank++;
    for (let i = 0; i < n; i++) if (indegree[i]! > 0) rank[i] = maxRank;
  }
  const ranks: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (let i = 0; i < n; i++) ranks[rank[i]!]!.push(i);

  // Rows per column: the smallest that keeps width ≤ 1.8 × height.
  const colWidth = Math.min(320, Math.max(120, percentile(nodes.map((nd) => nd.width), 0.9))) + RANK_GAP;
  const tallest = ranks.reduce((m, r) => Math.max(m, r.length), 1);
  const widthFor = (rows: number) => ranks.reduce((w, r) => w + Math.max(1, Math.ceil(r.length / rows)) * colWidth, 0);
  let lo = 1;
  let hi = tallest;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (widthFor(mid) <= 1.8 * mid * ROW) hi = mid;
    else lo = mid + 1;
  }
  const rows = lo;

  // 2. Order and place, rank by rank.
  const x = new Array<number>(n).fill(0);
  const y = new Array<number>(n).fill(0);
  const rankX: number[] = [];
  let cursor = 0;
  for (const r of ranks) {
    rankX.push(cursor);
    cursor += Math.max(1, Math.ceil(r.length / rows)) * colWidth;
  }
  const byKey = (a: number, b: number) => (nodes[a]!.key < nodes[b]!.key ? -1 : nodes[a]!.key > nodes[b]!.key ? 1 : a - b);
  const place = (r: number, neighbours: number[][] | undefined) => {
    const members = ranks[r]!;
    const wanted = new Map<number, number>();
    if (neighbours) {
      for (const v of members) {
        const ns = neighbours[v]!;
        if (ns.length > 0) wanted.set(v, ns.reduce((s, u) => s + y[u]!, 0) / ns.length);
      }
    }
    // Nodes with no placed neighbour keep their current y (first sweep: folder/name order).
    const target = (v: number) => wanted.get(v) ?? y[v]!;
    members.sort((a, b) => target(a) - target(b) || byKey(a, b));
    const cols = Math.max(1, Math.ceil(members.length / rows));
    if (cols > 1) {
      // Wrapped: round-robin over sub-columns, so each spans the full height in barycenter order.
      const height = Math.ceil(members.length / cols);
      members.forEach((v, i) => {
        x[v] = rankX[r]! + (i % cols) * colWidth;
        y[v] = (Math.floor(i / cols) - height / 2) * ROW;
      });
      return;
    }
    // One column: each node as close to its target as spacing allows, then re-centred on the targets.
    let prev = -Infinity;
    let shift = 0;
    for (const v of members) {
      const t = target(v);
      const at = Math.max(t, prev + ROW);
      shift += at - t;
      y[v] = at;
      x[v] = rankX[r]!;
      prev = at;
    }
    const mean = shift / members.length;
    for (const v of members) y[v] = y[v]! - mean;
  };
  // First pass: every rank in folder/name order, centred.
  for (const r of ranks) {
    r.sort(byKey);
    r.forEach((v, i) => (y[v] = (i - r.length / 2) * ROW));
  }
  for (let r = 1; r <= maxRank; r++) place(r, parents);
  for (let r = maxRank - 1; r >= 0; r--) place(r, children);
  for (let r = 1; r <= maxRank; r++) place(r, parents);
  return { engine: 'layered', x, y };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** A label's width in layout units. */
export function labelWidth(label: string): number {
  return 24 + label.length * 7;
}
