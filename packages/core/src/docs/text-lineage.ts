// Lineage of selected nodes as text: Mermaid, Graphviz DOT or JSON.
import type { GraphNode } from '../parse/nodes.js';

export type LineageFormat = 'mermaid' | 'dot' | 'json';

export interface LineageGraph {
  nodes: Array<{ uniqueId: string; name: string; resourceType: string }>;
  edges: Array<[string, string]>;
}

export function lineageLabel(node: GraphNode): string {
  return node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name;
}

/** Mermaid ids: letters, digits and `_` only, unique. */
function mermaidIds(ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of ids) {
    const base = id.replace(/[^A-Za-z0-9_]/g, '_');
    let candidate = base;
    for (let i = 2; used.has(candidate); i++) candidate = `${base}_${i}`;
    used.add(candidate);
    out.set(id, candidate);
  }
  return out;
}

const mermaidText = (s: string) => s.replace(/"/g, '#quot;');
const dotText = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

function mermaidNode(id: string, label: string, resourceType: string): string {
  const l = `"${mermaidText(label)}"`;
  if (resourceType === 'source' || resourceType === 'seed') return `  ${id}[(${l})]`;
  if (resourceType === 'snapshot') return `  ${id}[[${l}]]`;
  if (resourceType === 'unit_test' || resourceType === 'test') return `  ${id}{{${l}}}`;
  return `  ${id}[${l}]`;
}

const DOT_SHAPES: Record<string, string> = { source: 'cylinder', seed: 'cylinder', snapshot: 'box3d', test: 'hexagon', unit_test: 'hexagon' };

export function formatLineage(graph: LineageGraph, format: LineageFormat): string {
  if (format === 'json') return JSON.stringify(graph, null, 2);
  if (format === 'mermaid') {
    const ids = mermaidIds(graph.nodes.map((n) => n.uniqueId));
    const lines = ['flowchart LR'];
    for (const n of graph.nodes) lines.push(mermaidNode(ids.get(n.uniqueId)!, n.name, n.resourceType));
    for (const [a, b] of graph.edges) lines.push(`  ${ids.get(a)} --> ${ids.get(b)}`);
    return lines.join('\n');
  }
  const lines = ['digraph lineage {', '  rankdir=LR;', '  node [shape=box];'];
  for (const n of graph.nodes) {
    const shape = DOT_SHAPES[n.resourceType];
    lines.push(`  "${dotText(n.uniqueId)}" [label="${dotText(n.name)}"${shape ? `, shape=${shape}` : ''}];`);
  }
  for (const [a, b] of graph.edges) lines.push(`  "${dotText(a)}" -> "${dotText(b)}";`);
  lines.push('}');
  return lines.join('\n');
}
