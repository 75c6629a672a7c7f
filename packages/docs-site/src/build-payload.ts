// DocsSiteData → what the page embeds: the index with the overview layout, and the details.
import type { DocsSiteData } from '@tsdbt/core';
import { labelWidth, layoutDag, type LayoutNode } from './layout/layout-dag.js';
import { DRAWN_TYPES, type IndexNode, type NodeDetails, type OverviewLayout, type SiteIndex } from './payload.js';

const NOT_PASSING = new Set(['fail', 'error', 'warn']);

export function buildPayload(data: DocsSiteData): { index: SiteIndex; details: NodeDetails[] } {
  const configs: Array<Record<string, unknown>> = [];
  const configIndex = new Map<string, number>();
  const intern = (config: Record<string, unknown>): number => {
    const key = JSON.stringify(config);
    let i = configIndex.get(key);
    if (i === undefined) {
      i = configs.length;
      configs.push(config);
      configIndex.set(key, i);
    }
    return i;
  };
  const position = new Map<string, number>();
  data.nodes.forEach((n, i) => position.set(n.uniqueId, i));
  const nodes: IndexNode[] = data.nodes.map((n) => ({
    id: n.uniqueId,
    name: n.name,
    type: n.resourceType,
    pkg: n.packageName,
    file: n.originalFilePath,
    path: n.path,
    fqn: n.fqn,
    folder: n.folder,
    layer: n.layer,
    description: n.description,
    tags: n.tags,
    config: intern(n.config),
    materialization: n.materialization,
    relationName: n.relationName,
    rowCount: n.rowCount,
    status: n.lastRun?.status,
    tests: n.tests.length,
    failing: n.tests.filter((t) => t.status !== undefined && NOT_PASSING.has(t.status)).length,
    columns: n.columns.length,
  }));
  const details: NodeDetails[] = data.nodes.map((n) => ({
    columns: n.columns,
    tests: n.tests,
    lastRun: n.lastRun,
    rawCode: n.rawCode,
    compiledCode: n.compiledCode,
    columnLineageError: n.columnLineageError,
  }));
  const edges: Array<[number, number]> = [];
  for (const [from, to] of data.edges) {
    const a = position.get(from);
    const b = position.get(to);
    if (a !== undefined && b !== undefined) edges.push([a, b]);
  }
  return { index: { project: data.project, nodes, configs, edges, overview: overviewLayout(nodes, edges) }, details };
}

/** Positions of every drawn node, so the browser only draws. */
function overviewLayout(nodes: readonly IndexNode[], edges: ReadonlyArray<[number, number]>): OverviewLayout {
  const started = performance.now();
  const drawn: number[] = [];
  const local = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (!DRAWN_TYPES.includes(n.type)) return;
    local.set(i, drawn.length);
    drawn.push(i);
  });
  const layoutNodes: LayoutNode[] = drawn.map((i) => ({ width: labelWidth(nodes[i]!.name), key: `${nodes[i]!.folder}/${nodes[i]!.name}` }));
  const layoutEdges: Array<[number, number]> = [];
  for (const [a, b] of edges) {
    const la = local.get(a);
    const lb = local.get(b);
    if (la !== undefined && lb !== undefined) layoutEdges.push([la, lb]);
  }
  const { engine, x, y } = layoutDag(layoutNodes, layoutEdges);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { engine, nodes: drawn, x: x.map(round), y: y.map(round), ms: Math.round(performance.now() - started) };
}
