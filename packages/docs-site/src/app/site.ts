// The embedded project in the browser: the index (parsed at start), adjacency, and the details
// (parsed on first use), plus column lineage walked across nodes.
import type { IndexNode, NodeDetails, SiteIndex } from '../payload.js';

export interface ColumnRef {
  node: number;
  column: string;
}

export class Site {
  readonly index: SiteIndex;
  readonly nodes: readonly IndexNode[];
  readonly byId = new Map<string, number>();
  readonly parents: number[][];
  readonly children: number[][];
  private detailsCache: NodeDetails[] | undefined;
  private detailsLoading: Promise<void> | undefined;
  private downstreamColumns: Map<string, ColumnRef[]> | undefined;

  constructor(index: SiteIndex, private readonly readDetails: () => Promise<NodeDetails[]>) {
    this.index = index;
    this.nodes = index.nodes;
    index.nodes.forEach((n, i) => this.byId.set(n.id, i));
    this.parents = index.nodes.map(() => []);
    this.children = index.nodes.map(() => []);
    for (const [a, b] of index.edges) {
      this.parents[b]!.push(a);
      this.children[a]!.push(b);
    }
  }

  get detailsLoaded(): boolean {
    return this.detailsCache !== undefined;
  }

  /** Decode the columns, tests and SQL of every node (once). */
  loadDetails(): Promise<void> {
    this.detailsLoading ??= this.readDetails().then((d) => {
      this.detailsCache = d;
    });
    return this.detailsLoading;
  }

  /** One node's details; empty until `loadDetails` has resolved. */
  details(i: number): NodeDetails {
    return this.detailsCache?.[i] ?? { columns: [], tests: [] };
  }

  config(i: number): Record<string, unknown> {
    return this.index.configs[this.nodes[i]!.config] ?? {};
  }

  /** Every node reachable upstream (`up`) or downstream (excluding `from`). */
  reach(from: number, direction: 'up' | 'down', keep?: (i: number) => boolean): Set<number> {
    const next = direction === 'up' ? this.parents : this.children;
    const seen = new Set<number>();
    const stack = [from];
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (const u of next[v]!) {
        if (seen.has(u) || (keep && !keep(u))) continue;
        seen.add(u);
        stack.push(u);
      }
    }
    return seen;
  }

  /** The columns a column derives from, transitively, and the columns derived from it. */
  columnLineage(start: ColumnRef): { up: ColumnRef[]; down: ColumnRef[] } {
    const key = (r: ColumnRef) => `${r.node}\u0000${r.column.toLowerCase()}`;
    const walk = (step: (r: ColumnRef) => ColumnRef[]): ColumnRef[] => {
      const seen = new Set([key(start)]);
      const out: ColumnRef[] = [];
      const stack = [start];
      while (stack.length > 0) {
        for (const r of step(stack.pop()!)) {
          if (seen.has(key(r))) continue;
          seen.add(key(r));
          out.push(r);
          stack.push(r);
        }
      }
      return out;
    };
    return { up: walk((r) => this.upstreamColumns(r)), down: walk((r) => this.downstreamOf(r)) };
  }

  upstreamColumns(r: ColumnRef): ColumnRef[] {
    const col = this.details(r.node).columns.find((c) => c.name.toLowerCase() === r.column.toLowerCase());
    const out: ColumnRef[] = [];
    for (const u of col?.upstream ?? []) {
      const node = this.byId.get(u.node);
      if (node !== undefined) out.push({ node, column: u.column });
    }
    return out;
  }

  private downstreamOf(r: ColumnRef): ColumnRef[] {
    if (!this.downstreamColumns) {
      const index = new Map<string, ColumnRef[]>();
      this.nodes.forEach((_, i) => {
        for (const c of this.details(i).columns) {
          for (const u of this.upstreamColumns({ node: i, column: c.name })) {
            const k = `${u.node}\u0000${u.column.toLowerCase()}`;
            let list = index.get(k);
            if (!list) index.set(k, (list = []));
            list.push({ node: i, column: c.name });
          }
        }
      });
      this.downstreamColumns = index;
    }
    return this.downstreamColumns.get(`${r.node}\u0000${r.column.toLowerCase()}`) ?? [];
  }

  /** Display name: sources as `source.table`. */
  label(i: number): string {
    const n = this.nodes[i]!;
    return n.type === 'source' && !n.name.includes('.') && n.fqn.length >= 2 ? `${n.fqn[n.fqn.length - 2]}.${n.name}` : n.name;
  }
}
