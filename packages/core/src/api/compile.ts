// parse / compile / ls as library calls.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { buildManifest, writeManifest } from '../artifacts/manifest.js';
import { newInvocationId } from '../artifacts/metadata.js';
import { compileProject, type CompiledModel } from '../compile/compile-project.js';
import { envReadsHash, loadCompiledCache, projectFingerprint, saveCompiledCache } from './compile-cache.js';
import { dialectFor } from '../execute/session.js';
import type { GraphNode, ResourceType } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import type { Project } from '../project/load-project.js';
import { parseWithEvents, selectInOrder, type CommonOptions, type SelectOptions } from './prepare.js';

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
  const compiled = compileProject(parsed, { dialect, nodeIds: ids, cachedBodies: previous?.entries, trustCache: previous?.sameProject && parsed.fromSnapshot });
  if (useCache) saveCompiledCache(project, compiled.compiler, previous);
  const build = () => buildManifest(parsed, (n) => (n.relation ? dialect.relationName(n.relation) : undefined), adapter.type, newInvocationId(), compiled.models);
  // Same files, settings, selection and env var values → the manifest on disk is already this one.
  // A volatile model (now(), log() …) makes every compile's manifest new.
  const stable = useCache && compiled.models.size > 0 && [...compiled.models.values()].every((m) => !m.node.volatile && m.ephemerals.every((e) => !(parsed.nodes.get(e) as { volatile?: boolean }).volatile));
  const key = stable ? `compile:${projectFingerprint(project)}:${parsed.envKey}:${createHash('sha256').update(ids.join(',')).digest('hex')}:${envReadsHash(compiled.compiler)}` : undefined;
  return { parsed, manifestPath: writeManifest(parsed, build, key), models: [...compiled.models.values()] };
}

export interface ListedNode {
  uniqueId: string;
  name: string;
  resourceType: ResourceType;
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

export async function list(project: Project, options: SelectOptions & CommonOptions = {}): Promise<ListedNode[]> {
  const parsed = await parseWithEvents(project, options);
  return selectInOrder(parsed, options).map((id) => listedNode(parsed, parsed.nodes.get(id)!));
}
