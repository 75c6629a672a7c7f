import { describe, expect, it } from 'vitest';
import { DAGRE_MAX_NODES, dagreLayout, layeredLayout, layoutDag, type LayoutNode } from './layout-dag.js';

const nodes = (n: number): LayoutNode[] => Array.from({ length: n }, (_, i) => ({ width: 80, key: `n${String(i).padStart(5, '0')}` }));

/** A layered DAG: `width` sources, each later node reads 1–3 nodes of the previous layers. */
function dag(n: number, width: number): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let v = width; v < n; v++) {
    const k = 1 + Math.floor(rand() * 3);
    for (let j = 0; j < k; j++) edges.push([Math.floor(rand() * v), v]);
  }
  return edges;
}

describe('layeredLayout', () => {
  it('puts every child right of its parents, and never two nodes on one spot', () => {
    const edges = dag(3000, 300);
    const { x, y, engine } = layeredLayout(nodes(3000), edges);
    expect(engine).toBe('layered');
    for (const [a, b] of edges) if (a !== b) expect(x[b]!).toBeGreaterThan(x[a]!);
    const spots = new Set(x.map((xi, i) => `${xi}:${Math.round(y[i]! * 10)}`));
    expect(spots.size).toBe(3000);
  });

  it('wraps a very tall rank into sub-columns, keeping a screen-like aspect ratio', () => {
    // 2,000 sources feeding one model: without wrapping, a 2,000-row column.
    const edges: Array<[number, number]> = Array.from({ length: 2000 }, (_, i) => [i, 2000]);
    const { x, y } = layeredLayout(nodes(2001), edges);
    const width = Math.max(...x) - Math.min(...x);
    const height = Math.max(...y) - Math.min(...y);
    expect(new Set(x.slice(0, 2000)).size).toBeGreaterThan(5);
    expect(width / height).toBeGreaterThan(0.5);
    expect(width / height).toBeLessThan(4);
    expect(x[2000]!).toBeGreaterThan(Math.max(...x.slice(0, 2000)));
  });

  it('is linear enough for 10,000 nodes', () => {
    const started = performance.now();
    layeredLayout(nodes(10_000), dag(10_000, 1000));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('survives a cycle (parse rejects them, the layout must not hang)', () => {
    const { x } = layeredLayout(nodes(3), [[0, 1], [1, 2], [2, 1]]);
    expect(x).toHaveLength(3);
  });
});

describe('layoutDag', () => {
  it('uses dagre for small graphs, left to right', () => {
    const edges: Array<[number, number]> = [[0, 1], [1, 2], [0, 2]];
    const { engine, x } = layoutDag(nodes(3), edges);
    expect(engine).toBe('dagre');
    expect(x[0]!).toBeLessThan(x[1]!);
    expect(x[1]!).toBeLessThan(x[2]!);
    expect(dagreLayout(nodes(3), edges).x).toEqual(x);
  });

  it(`switches to the linear layout past ${DAGRE_MAX_NODES} nodes`, () => {
    expect(layoutDag(nodes(DAGRE_MAX_NODES + 1), dag(DAGRE_MAX_NODES + 1, 20)).engine).toBe('layered');
  });
});
