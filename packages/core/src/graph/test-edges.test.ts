import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../parse/nodes.js';
import { createNodeGraph } from './node-graph.js';
import { buildGraph } from './test-edges.js';

// a ──► b ──► d        t_a: test on a; rel: test reading a and c (relationships)
// c ──────────┘        u_b: unit test of b
function node(id: string, resourceType: GraphNode['resourceType'], extra: Record<string, unknown> = {}): GraphNode {
  return { uniqueId: id, resourceType, name: id, packageName: 'p', originalFilePath: '', path: '', fqn: [id], description: '', columns: {}, config: { enabled: true, materialized: 'table', tags: [], meta: {} }, tags: [], ...extra } as unknown as GraphNode;
}

function graph() {
  const g = createNodeGraph();
  for (const n of [node('a', 'model'), node('b', 'model'), node('c', 'model'), node('d', 'model'), node('t_a', 'test'), node('rel', 'test'), node('u_b', 'unit_test', { model: 'b' })]) g.addNode(n.uniqueId, { node: n });
  for (const [x, y] of [['a', 'b'], ['b', 'd'], ['c', 'd'], ['a', 't_a'], ['a', 'rel'], ['c', 'rel'], ['b', 'u_b']] as const) g.addEdge(x, y);
  return g;
}

describe('buildGraph (tests gate what follows them in `build`)', () => {
  it('a data test precedes the children of the node it tests', () => {
    expect(buildGraph(graph()).outNeighbors('t_a').sort()).toEqual(['b']);
  });

  it('a test reading several nodes precedes only what is downstream of all of them (dbt add_test_edges)', () => {
    expect(buildGraph(graph()).outNeighbors('rel')).toEqual(['d']);
  });

  it('a unit test runs after its model\'s parents and before the model', () => {
    const g = buildGraph(graph());
    expect(g.inNeighbors('u_b')).toEqual(['a']);
    expect(g.outNeighbors('u_b')).toEqual(['b']);
    expect(g.hasEdge('b', 'u_b')).toBe(false);
  });

  it('leaves the parse graph alone', () => {
    const g = graph();
    buildGraph(g);
    expect(g.size).toBe(7);
  });
});
