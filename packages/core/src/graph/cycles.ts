// Which nodes form a cycle (graphology-dag only says that one exists). Iterative DFS, colours.
import type { NodeGraph } from './node-graph.js';

/** One cycle as a list of node keys in edge order, or undefined if the graph is acyclic. */
export function findCyclePath(graph: NodeGraph): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 = on stack, 2 = done
  for (const start of graph.nodes()) {
    if (state.has(start)) continue;
    const stack: Array<{ key: string; next: string[]; i: number }> = [{ key: start, next: graph.outNeighbors(start), i: 0 }];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.next.length) {
        state.set(top.key, 2);
        stack.pop();
        continue;
      }
      const child = top.next[top.i++]!;
      const s = state.get(child);
      if (s === 1) {
        const from = stack.findIndex((f) => f.key === child);
        return stack.slice(from).map((f) => f.key);
      }
      if (s === undefined) {
        state.set(child, 1);
        stack.push({ key: child, next: graph.outNeighbors(child), i: 0 });
      }
    }
  }
  return undefined;
}
