// A whole parse result kept in target/.tsdbt/, reused when nothing that parsing reads has changed:
// the same files (by checksum), project config, target, vars and --strict, and the same values of
// every env var read while parsing. A no-op `compile` then skips parsing altogether.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TSDBT_VERSION, writeJson } from '../artifacts/metadata.js';
import { createNodeGraph } from '../graph/node-graph.js';
import type { Diagnostic } from '../project/diagnostics.js';
import type { GraphNode, MacroDef, ModelNode } from '../parse/nodes.js';
import { createEngine, type ParsedProject } from '../parse/parse-project.js';
import type { NodePatch, SourceTableDef } from '../parse/properties.js';
import type { Project } from '../project/load-project.js';
import type { TemplateEngine } from '../template/engine.js';
import { projectFingerprint } from './compile-cache.js';

const FORMAT = 3;

interface Snapshot {
  format: number;
  version: string;
  key: string;
  /** env var name → sha256 of the value read during the parse ('' when unset). */
  env: Record<string, string>;
  nodes: GraphNode[];
  disabled: GraphNode[];
  edges: Array<[string, string]>;
  macros: MacroDef[];
  patches: NodePatch[];
  sourceDefs: SourceTableDef[];
  volatileMacros: string[];
  order: string[];
  diagnostics: Diagnostic[];
}

const hashValue = (v: string | undefined) => (v === undefined ? '' : createHash('sha256').update(v).digest('hex'));
const file = (project: Project) => path.join(project.projectDir, project.config.targetPath, '.tsdbt', 'parse-snapshot.json');
const keyOf = (project: Project) => `${projectFingerprint(project)}:${project.strict ? 'strict' : ''}`;

/** Record env vars read while `fn` runs (parse renders templates and YAML that may call env_var). */
export async function trackingEnvReads<T>(project: Project, fn: () => Promise<T>): Promise<{ value: T; reads: Map<string, string | undefined> }> {
  const reads = new Map<string, string | undefined>();
  const real = project.env;
  const proxy = new Proxy(real, {
    get(target, name) {
      const v = target[name as string];
      if (typeof name === 'string') reads.set(name, v);
      return v;
    },
  });
  (project as { env: NodeJS.ProcessEnv }).env = proxy;
  try {
    return { value: await fn(), reads };
  } finally {
    (project as { env: NodeJS.ProcessEnv }).env = real;
  }
}

/** Strip model source text (it is in project.files) to keep the snapshot small. */
function slim(node: GraphNode): GraphNode {
  return node.resourceType === 'model' ? { ...node, rawCode: '' } : node;
}

/** One hash for a set of env var hashes (order-independent). */
const envKeyOf = (env: Record<string, string>) => createHash('sha256').update(JSON.stringify(Object.entries(env).sort((a, b) => (a[0] < b[0] ? -1 : 1)))).digest('hex');

/** env var name → hash of the value read, and one hash of all of them. */
export function envHashes(reads: ReadonlyMap<string, string | undefined>): { env: Record<string, string>; key: string } {
  const env: Record<string, string> = {};
  for (const [name, v] of reads) env[name] = hashValue(v);
  return { env, key: envKeyOf(env) };
}

export function saveSnapshot(project: Project, parsed: ParsedProject, reads: ReadonlyMap<string, string | undefined>, diagnostics: Diagnostic[]): void {
  const { env } = envHashes(reads);
  const snap: Snapshot = {
    format: FORMAT,
    version: TSDBT_VERSION,
    key: keyOf(project),
    env,
    nodes: [...parsed.nodes.values()].map(slim),
    disabled: [...parsed.disabled.values()].map(slim),
    edges: parsed.graph.mapEdges((_e, _a, source, target) => [source, target] as [string, string]),
    macros: [...parsed.macros.values()],
    patches: parsed.patches,
    sourceDefs: parsed.sourceDefs,
    volatileMacros: [...parsed.volatileMacros],
    order: parsed.order,
    diagnostics,
  };
  try {
    writeJson(file(project), snap);
  } catch {
    // A read-only target dir only costs speed.
  }
}

/** The parse result saved by an earlier run with identical inputs, or undefined. */
export function loadSnapshot(project: Project, onLog?: (message: string, info: boolean) => void): { parsed: ParsedProject; diagnostics: Diagnostic[] } | undefined {
  let snap: Snapshot;
  try {
    snap = JSON.parse(readFileSync(file(project), 'utf8')) as Snapshot;
  } catch {
    return undefined;
  }
  if (snap.format !== FORMAT || snap.version !== TSDBT_VERSION || snap.key !== keyOf(project)) return undefined;
  for (const [name, h] of Object.entries(snap.env)) if (hashValue(project.env[name]) !== h) return undefined;

  // Source text is read only if something needs it (a render, a rebuilt manifest).
  const files = new Map(project.files.models.map((f) => [f.relPath, f]));
  const revive = (n: GraphNode): GraphNode => {
    if (n.resourceType !== 'model') return n;
    const f = files.get(n.originalFilePath);
    return Object.defineProperty(n, 'rawCode', { get: () => f?.contents ?? '', enumerable: true, configurable: true }) as ModelNode;
  };
  const nodes = new Map(snap.nodes.map((n) => [n.uniqueId, revive(n)]));
  const graph = createNodeGraph();
  for (const node of nodes.values()) graph.addNode(node.uniqueId, { node });
  for (const [a, b] of snap.edges) graph.addDirectedEdge(a, b);
  let engine: TemplateEngine | undefined;
  let macros: Map<string, MacroDef> | undefined;
  const parsed: ParsedProject = {
    project,
    nodes,
    disabled: new Map(snap.disabled.map((n) => [n.uniqueId, revive(n)])),
    graph,
    get macros() {
      return (macros ??= new Map(snap.macros.map((m) => [m.packageName === 'dbt_utils' ? `dbt_utils.${m.name}` : m.name, m])));
    },
    patches: snap.patches,
    sourceDefs: snap.sourceDefs,
    // Macros are compiled only if something needs to render.
    get engine() {
      return (engine ??= createEngine(project, onLog).engine);
    },
    extractions: new Map(),
    yamlValues: new Map(),
    volatileMacros: new Set(snap.volatileMacros),
    order: snap.order,
    fromSnapshot: true,
    envKey: envKeyOf(snap.env),
  };
  return { parsed, diagnostics: snap.diagnostics };
}
