// The CLI's selection syntax in the browser: core's selector (graph/select.ts, which needs only
// graphology and picomatch) run on a NodeGraph built from the embedded index.
import { isTsdbtError } from '../../../core/src/errors.js';
import { createNodeGraph, type NodeGraph } from '../../../core/src/graph/node-graph.js';
import { selectNodes, unmatchedSelectors } from '../../../core/src/graph/select.js';
import type { GraphNode } from '../../../core/src/parse/nodes.js';
import type { Site } from './site.js';

export type SelectionOutcome = { ok: true; ids: Set<number>; unmatched: string[] } | { ok: false; error: string; hint?: string | undefined };

let graph: NodeGraph | undefined;

/** GraphNode-shaped attributes, with what the selector methods read. */
function nodeGraph(site: Site): NodeGraph {
  if (graph) return graph;
  const g = createNodeGraph();
  site.nodes.forEach((n, i) => {
    const node = {
      uniqueId: n.id,
      resourceType: n.type,
      // A source's name is its table (the site shows `source.table`).
      name: n.type === 'source' ? (n.fqn[n.fqn.length - 1] ?? n.name) : n.name,
      packageName: n.pkg,
      originalFilePath: n.file,
      path: n.path,
      fqn: n.fqn,
      tags: n.tags,
      config: site.config(i),
      description: n.description,
      // source:<source>.<table> — the fqn of a source ends with [source, table].
      sourceName: n.type === 'source' ? (n.fqn[n.fqn.length - 2] ?? '') : undefined,
      // Singular tests are .sql files; generic tests come from properties YAML.
      testType: n.type === 'test' ? (n.file.endsWith('.sql') ? 'singular' : 'generic') : undefined,
    } as unknown as GraphNode;
    g.addNode(n.id, { node });
  });
  for (const [a, b] of site.index.edges) {
    const from = site.nodes[a]!.id;
    const to = site.nodes[b]!.id;
    if (!g.hasEdge(from, to)) g.addEdge(from, to);
  }
  graph = g;
  return g;
}

/** Evaluate `--select` syntax (space = union, comma = intersection, `+`/`@` graph operators, `--exclude` after the word). */
export function runSelection(site: Site, expression: string): SelectionOutcome {
  const [select = '', exclude] = ` ${expression} `.split(/\s--exclude\s/);
  try {
    const g = nodeGraph(site);
    const options = { select: select.trim(), exclude: exclude?.trim() || undefined };
    const ids = selectNodes(g, options);
    const out = new Set<number>();
    for (const id of ids) {
      const i = site.byId.get(id);
      if (i !== undefined) out.add(i);
    }
    return { ok: true, ids: out, unmatched: unmatchedSelectors(g, options) };
  } catch (e) {
    if (isTsdbtError(e)) return { ok: false, error: e.message, hint: e.hint };
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
