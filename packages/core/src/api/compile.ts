// parse / compile / ls as library calls.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { buildManifest, writeManifest } from '../artifacts/manifest.js';
import { newInvocationId } from '../artifacts/metadata.js';
import { newInvocation } from '../template/context-vars.js';
import { compileProject, writeCompiledFiles, type CompiledModel, type CompiledProject } from '../compile/compile-project.js';
import { compilePending, warehouseAccess } from '../compile/async-render.js';
import { envReadsHash, loadCompiledCache, projectFingerprint, saveCompiledCache } from './compile-cache.js';
import { dialectFor, openSession } from '../execute/session.js';
import type { GraphNode, ResourceType } from '../parse/nodes.js';
import { DEFINITION_KINDS, definitionsOf, type DefinitionKind, type DefinitionNode } from '../parse/definitions.js';
import type { ParsedProject } from '../parse/parse-project.js';
import type { Project } from '../project/load-project.js';
import { parseWithEvents, selectInOrder, type CommonOptions, type SelectOptions } from './prepare.js';
import { selectNodes } from '../graph/select.js';

export interface ParseResult {
  parsed: ParsedProject;
  manifestPath: string;
}

export async function parse(project: Project, options: CommonOptions = {}): Promise<ParseResult> {
  const parsed = await parseWithEvents(project, options);
  const { adapter, dialect } = await dialectFor(project, options.adapters);
  const build = () => buildManifest(parsed, (n) => (n.relation ? dialect.relationName(n.relation) : undefined), adapter.type, newInvocationId());
  // Reuse the manifest on disk only when the whole parse was reused too.
  const key = options.cache !== false ? `parse:${projectFingerprint(project)}:${parsed.envKey}` : undefined;
  return { parsed, manifestPath: writeManifest(parsed, build, key) };
}

export interface CompileResult extends ParseResult {
  /** Compiled models in DAG order. */
  models: CompiledModel[];
}

export async function compile(project: Project, options: SelectOptions & CommonOptions = {}): Promise<CompileResult> {
  const parsed = await parseWithEvents(project, options);
  const { adapter, dialect } = await dialectFor(project, options.adapters);
  const ids = selectInOrder(parsed, options, ['model']);
  const useCache = options.cache !== false;
  const previous = useCache ? loadCompiledCache(project) : undefined;
  // Keys need no recomputing only if the parse itself was reused (its env var reads unchanged).
  // The manifest carries the invocation_id templates saw.
  const invocation = newInvocation(ids);
  const compiled = compileProject(parsed, { dialect, nodeIds: ids, cachedBodies: previous?.entries, trustCache: previous?.sameProject && parsed.fromSnapshot, deferWarehouse: true, writeFiles: false, invocation });
  await compileDeferred(project, compiled, ids, options.adapters);
  writeCompiledFiles(project.projectDir, compiled.models.values());
  if (useCache) saveCompiledCache(project, compiled.compiler, previous);
  const build = () => buildManifest(parsed, (n) => (n.relation ? dialect.relationName(n.relation) : undefined), adapter.type, invocation.id, compiled.models);
  // Same files, settings, selection and env var values → the manifest on disk is already this one.
  // A volatile model (now(), log() …) makes every compile's manifest new.
  const stable = useCache && compiled.models.size > 0 && compiled.pending.length === 0 && [...compiled.models.values()].every((m) => !m.node.volatile && m.ephemerals.every((e) => !(parsed.nodes.get(e) as { volatile?: boolean }).volatile));
  const key = stable ? `compile:${projectFingerprint(project)}:${parsed.envKey}:${createHash('sha256').update(ids.join(',')).digest('hex')}:${envReadsHash(compiled.compiler)}` : undefined;
  return { parsed, manifestPath: writeManifest(parsed, build, key), models: [...compiled.models.values()] };
}

/**
 * Compile the models a `deferWarehouse` compile left pending (their templates query the warehouse:
 * run_query …) with a session opened only for them, and put them in `compiled.models` in `ids` order.
 */
export async function compileDeferred(project: Project, compiled: CompiledProject, ids: readonly string[], adapters?: CommonOptions['adapters']): Promise<void> {
  if (!compiled.pending.length) return;
  const session = await openSession(project, adapters);
  try {
    const done = await compilePending(compiled.compiler, compiled.pending, (fn) => session.pool.withConnection((conn) => fn(warehouseAccess(conn, session.introspector))));
    const all = new Map(compiled.models);
    compiled.models.clear();
    for (const id of ids) {
      const m = all.get(id) ?? done.get(id);
      if (m) compiled.models.set(id, m);
    }
  } finally {
    await session.close();
  }
}

export interface ListedNode {
  uniqueId: string;
  name: string;
  resourceType: ResourceType | DefinitionKind;
  /** dbt's default `ls` output: `project.folder.model`, `source:project.src.table`. */
  selector: string;
  /** Project-relative file path. */
  path: string;
  fqn: string[];
  tags: string[];
  config: Record<string, unknown>;
  dependsOn: string[];
}

export function listedNode(parsed: ParsedProject, node: GraphNode): ListedNode {
  const selector =
    node.resourceType === 'source'
      ? `source:${node.packageName}.${node.sourceName}.${node.name}`
      : node.resourceType === 'unit_test'
        ? `unit_test:${node.packageName}.${node.name}`
        : node.fqn.join('.');
  return {
    uniqueId: node.uniqueId,
    name: node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name,
    resourceType: node.resourceType,
    selector,
    path: node.originalFilePath.split(path.sep).join('/'),
    fqn: node.fqn,
    tags: node.tags,
    config: node.config,
    dependsOn: parsed.graph.inNeighbors(node.uniqueId),
  };
}

/** `ls` options: `resourceTypes` may also name exposure, semantic_model, metric and saved_query. */
export interface ListOptions extends Omit<SelectOptions, 'resourceTypes'>, CommonOptions {
  resourceTypes?: ReadonlyArray<ResourceType | DefinitionKind> | undefined;
}

/** Selected nodes in DAG order, then exposures, semantic models, metrics and saved queries (dbt's ls order). */
export async function list(project: Project, options: ListOptions = {}): Promise<ListedNode[]> {
  const parsed = await parseWithEvents(project, options);
  const isDefinition = (t: string): t is DefinitionKind => (DEFINITION_KINDS as readonly string[]).includes(t);
  const nodeTypes = options.resourceTypes?.filter((t): t is ResourceType => !isDefinition(t));
  const defTypes = options.resourceTypes ? options.resourceTypes.filter(isDefinition) : [...DEFINITION_KINDS];
  // Definitions are selected like nodes (graph/select.ts): `exposure:x`, `+exposure:x`, `tag:t`, `resource_type:metric` …
  const definitions = definitionsOf(parsed);
  const skipNodes = options.resourceTypes && nodeTypes!.length === 0;
  const nodes = skipNodes ? [] : selectInOrder(parsed, { ...options, resourceTypes: nodeTypes }).map((id) => listedNode(parsed, parsed.nodes.get(id)!));
  const chosen = options.select === undefined && options.exclude === undefined ? undefined : selectNodes(parsed.graph, { select: options.select, exclude: options.exclude, definitions });
  const defs = definitions.filter((d) => defTypes.includes(d.resourceType) && (chosen === undefined || chosen.has(d.uniqueId)));
  return [...nodes, ...defs.map(listedDefinition)];
}

function listedDefinition(d: DefinitionNode): ListedNode {
  return { uniqueId: d.uniqueId, name: d.name, resourceType: d.resourceType, selector: `${d.resourceType}:${d.fqn.join('.')}`, path: d.originalFilePath, fqn: d.fqn, tags: d.tags, config: d.config, dependsOn: d.dependsOn };
}
