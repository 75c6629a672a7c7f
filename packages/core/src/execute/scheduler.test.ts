import { describe, expect, it } from 'vitest';
import { createNodeGraph } from '../graph/node-graph.js';
import type { GraphNode } from '../parse/nodes.js';
import { schedule, selectedDependencies } from './scheduler.js';

function graph(edges: Array<[string, string]>, nodes: string[]) {
  const g = createNodeGraph();
  for (const n of nodes) g.addNode(n, { node: { uniqueId: n } as GraphNode });
  for (const [a, b] of edges) g.addEdge(a, b);
  return g;
}

describe('scheduler', () => {
  it('looks through unselected nodes for dependencies', () => {
    const g = graph([['a', 'b'], ['b', 'c'], ['x', 'c']], ['a', 'b', 'c', 'x']);
    expect(selectedDependencies(g, new Set(['a', 'c']))).toEqual(new Map([['a', new Set()], ['c', new Set(['a'])]]));
  });

  it('never starts a node before its dependencies finish, and skips the subtree of a failure', async () => {
    const g = graph([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd'], ['e', 'f']], ['a', 'b', 'c', 'd', 'e', 'f']);
    const finished = new Set<string>();
    const log: string[] = [];
    await schedule(g, new Set(['a', 'b', 'c', 'd', 'e', 'f']), ['a', 'e', 'b', 'c', 'f', 'd'], { threads: 3 }, {
      run: async (id) => {
        for (const p of g.inNeighbors(id)) expect(finished.has(p)).toBe(true);
        await new Promise((r) => setTimeout(r, 5));
        finished.add(id);
        log.push(`run ${id}`);
        return id === 'b' ? 'error' : 'success';
      },
      skip: (id, reason) => log.push(`skip ${id} (${reason.upstream})`),
    });
    expect(log).toContain('skip d (b)');
    expect(log.filter((l) => l.startsWith('run')).sort()).toEqual(['run a', 'run b', 'run c', 'run e', 'run f']);
  });

  it('runs at most `threads` nodes at once', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const g = graph([], ids);
    let running = 0;
    let peak = 0;
    await schedule(g, new Set(ids), ids, { threads: 2 }, {
      run: async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return 'success';
      },
      skip: () => undefined,
    });
    expect(peak).toBe(2);
  });
});
