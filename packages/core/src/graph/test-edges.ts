// The graph `build` schedules on: tests gate what comes after the nodes they test.
// - A data test runs before every node downstream of *all* the nodes it reads (dbt's
//   add_test_edges), so a failing error-severity test skips them.
// - A unit test runs before its model (after the model's parents), so a failing one skips the model.
import type { NodeGraph } from './node-graph.js';

const isTest = (g: NodeGraph, id: string) => {
  const t = g.getNodeAttributes(id).node.resourceType;
  return t === 'test' || t === 'unit_test';
};

export function buildGraph(graph: NodeGraph): NodeGraph {
  const g = graph.copy() as NodeGraph;
  const descendants = new Map<string, Set<string>>();
  const below = (id: string): Set<string> => {
    let seen = descendants.get(id);
    if (seen) return seen;
    seen = new Set();
    const stack = [...graph.outNeighbors(id)];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n) || isTest(graph, n)) continue;
      seen.add(n);
      stack.push(...graph.outNeighbors(n));
    }
    descendants.set(id, seen);
    return seen;
  };
  const link = (from: string, to: string) => {
    if (from !== to && !g.hasEdge(from, to)) g.addEdge(from, to);
  };

  graph.forEachNode((id, { node }) => {
    if (node.resourceType === 'test') {
      const parents = graph.inNeighbors(id);
      if (parents.length === 1) {
        for (const child of graph.outNeighbors(parents[0]!)) if (!isTest(graph, child)) link(id, child);
      } else if (parents.length > 1) {
        // Nodes downstream of every parent; edges to the first of them are enough (the rest follow).
        const [first, ...rest] = parents.map(below);
        const common = [...first!].filter((n) => rest.every((s) => s.has(n)));
        const inCommon = new Set(common);
        for (const n of common) if (!graph.inNeighbors(n).some((p) => inCommon.has(p))) link(id, n);
      }
    } else if (node.resourceType === 'unit_test' && graph.hasNode(node.model)) {
      if (g.hasEdge(node.model, id)) g.dropEdge(node.model, id);
      for (const p of graph.inNeighbors(node.model)) if (!isTest(graph, p)) link(p, id);
      link(id, node.model);
    }
  });
  return g;
}
