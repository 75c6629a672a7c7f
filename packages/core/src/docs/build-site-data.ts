// DocsSiteData from what docs generate gathered: the parse, compiled SQL, the catalog, the last
// run results and column lineage. Pure: no files, no warehouse.
import type { CompiledModel } from '../compile/compile-project.js';
import type { CatalogRelation } from '../execute/introspect-catalog.js';
import type { GraphNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import type { ColumnLineageResult } from './resolve-lineage.js';
import type { DocsColumn, DocsLastRun, DocsLayer, DocsNode, DocsNodeTest, DocsProjectInfo, DocsSiteData } from './site-data.js';

/** One entry of run_results.json, as docs need it. */
export interface LastResult {
  status: string;
  executionTime: number;
  message: string;
  failures: number | null;
  completedAt?: string | undefined;
}

export interface SiteDataInput {
  parsed: ParsedProject;
  project: DocsProjectInfo;
  compiled: ReadonlyMap<string, CompiledModel>;
  catalog: ReadonlyMap<string, CatalogRelation>;
  lastResults: ReadonlyMap<string, LastResult>;
  lineage: ReadonlyMap<string, ColumnLineageResult>;
  relationName(node: GraphNode): string | undefined;
}

/** run_results.json (as parsed JSON) → last result per unique id. Anything malformed is skipped. */
export function lastResultsFrom(runResults: unknown): Map<string, LastResult> {
  const out = new Map<string, LastResult>();
  const results = (runResults as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results)) return out;
  for (const r of results as Array<Record<string, unknown>>) {
    if (typeof r?.unique_id !== 'string' || typeof r.status !== 'string') continue;
    const timing = Array.isArray(r.timing) ? (r.timing as Array<{ completed_at?: unknown }>) : [];
    const completedAt = timing.length && typeof timing[timing.length - 1]!.completed_at === 'string' ? (timing[timing.length - 1]!.completed_at as string) : undefined;
    out.set(r.unique_id, {
      status: r.status,
      executionTime: typeof r.execution_time === 'number' ? r.execution_time : 0,
      message: typeof r.message === 'string' ? r.message : '',
      failures: typeof r.failures === 'number' ? r.failures : null,
      completedAt,
    });
  }
  return out;
}

const LAYERS: readonly DocsLayer[] = ['bronze', 'silver', 'gold'];

export function layerOf(node: GraphNode): DocsLayer | undefined {
  for (const part of node.fqn.slice(1, -1)) {
    const l = part.toLowerCase() as DocsLayer;
    if (LAYERS.includes(l)) return l;
  }
  for (const tag of node.tags) {
    const l = tag.toLowerCase() as DocsLayer;
    if (LAYERS.includes(l)) return l;
  }
  return undefined;
}

function columnsOf(node: GraphNode, catalog: CatalogRelation | undefined, lineage: ColumnLineageResult | undefined): DocsColumn[] {
  const declared = new Map(Object.values(node.columns).map((c) => [c.name.toLowerCase(), c]));
  const upstream = new Map(Object.entries(lineage?.columns ?? {}).map(([name, up]) => [name.toLowerCase(), up]));
  // Order: the warehouse's, else the lineage's (ephemeral, not built yet), then declared-only columns.
  const names = catalog?.columns.length ? catalog.columns.map((c) => c.name) : Object.keys(lineage?.columns ?? {});
  const types = new Map(catalog?.columns.map((c) => [c.name.toLowerCase(), c.type]) ?? []);
  const seen = new Set(names.map((n) => n.toLowerCase()));
  for (const c of declared.values()) if (!seen.has(c.name.toLowerCase())) names.push(c.name);
  return names.map((name) => {
    const key = name.toLowerCase();
    const col: DocsColumn = { name, description: declared.get(key)?.description ?? '' };
    const type = types.get(key) ?? declared.get(key)?.data_type;
    if (type) col.type = type;
    const up = upstream.get(key);
    if (up) col.upstream = up;
    return col;
  });
}

export function buildSiteData(input: SiteDataInput): DocsSiteData {
  const { parsed, compiled, catalog, lastResults, lineage } = input;
  // Tests by the node they check: a generic test's model, a singular test's parents, a unit test's model.
  const testsOf = new Map<string, DocsNodeTest[]>();
  for (const node of parsed.nodes.values()) {
    if (node.resourceType !== 'test' && node.resourceType !== 'unit_test') continue;
    const targets = node.resourceType === 'unit_test' ? [node.model] : node.attachedNode ? [node.attachedNode] : parsed.graph.inNeighbors(node.uniqueId);
    const last = lastResults.get(node.uniqueId);
    const entry: DocsNodeTest = { uniqueId: node.uniqueId, name: node.name };
    if (node.resourceType === 'test' && node.columnName) entry.column = node.columnName;
    if (last) {
      entry.status = last.status;
      entry.failures = last.failures;
    }
    for (const t of targets) {
      if (!testsOf.has(t)) testsOf.set(t, []);
      testsOf.get(t)!.push(entry);
    }
  }

  const nodes: DocsNode[] = [];
  for (const id of parsed.order) {
    const node = parsed.nodes.get(id);
    if (!node) continue;
    const cat = catalog.get(id);
    const lin = lineage.get(id);
    const out: DocsNode = {
      uniqueId: id,
      name: node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name,
      resourceType: node.resourceType,
      packageName: node.packageName,
      path: node.path,
      originalFilePath: node.originalFilePath,
      fqn: node.fqn,
      folder: node.fqn.slice(1, -1).join('/'),
      description: node.description,
      tags: node.tags,
      config: node.config,
      columns: columnsOf(node, cat, lin),
      tests: testsOf.get(id) ?? [],
    };
    const layer = layerOf(node);
    if (layer) out.layer = layer;
    if (node.resourceType === 'model') out.materialization = node.config.materialized;
    else if (node.resourceType === 'seed' || node.resourceType === 'snapshot') out.materialization = node.resourceType;
    if (node.resourceType === 'source' || node.resourceType === 'seed' || node.resourceType === 'snapshot' || (node.resourceType === 'model' && node.config.materialized !== 'ephemeral')) {
      const rel = input.relationName(node);
      if (rel) out.relationName = rel;
      out.rowCount = cat ? cat.rowCount : null;
    }
    if ('rawCode' in node) out.rawCode = node.rawCode;
    const c = compiled.get(id);
    if (c) out.compiledCode = c.compiledSql;
    const last = lastResults.get(id);
    if (last) {
      const lastRun: DocsLastRun = { status: last.status, executionTime: last.executionTime, message: last.message };
      if (last.completedAt) lastRun.completedAt = last.completedAt;
      out.lastRun = lastRun;
    }
    if (lin?.error) out.columnLineageError = lin.error;
    nodes.push(out);
  }
  const edges: Array<[string, string]> = [];
  parsed.graph.forEachEdge((_e, _a, source, target) => {
    if (parsed.nodes.has(source) && parsed.nodes.has(target)) edges.push([source, target]);
  });
  return { project: input.project, nodes, edges };
}
