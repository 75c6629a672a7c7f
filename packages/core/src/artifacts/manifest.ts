// target/manifest.json, shaped like dbt's (nodes, sources, macros, parent_map, child_map).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledModel } from '../compile/compile-project.js';
import type { GraphNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import { definitionManifestEntry, definitionsOf } from '../parse/definitions.js';
import { collectDocs } from '../template/docs-blocks.js';
import { metadata, writeJson } from './metadata.js';

export const MANIFEST_VERSION = 1;

function nodeEntry(node: GraphNode, relationName: string | undefined, compiled?: CompiledModel): Record<string, unknown> {
  const common = {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    path: node.path,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    description: node.description,
    columns: node.columns,
    config: node.config,
    tags: node.tags,
    patch_path: node.patchPath ?? null,
    database: node.relation?.database ?? null,
    schema: node.relation?.schema ?? null,
    relation_name: relationName ?? null,
  };
  if (node.resourceType === 'source') {
    return { ...common, source_name: node.sourceName, source_description: node.sourceDescription, identifier: node.identifier, loaded_at_field: node.loadedAtField ?? null, freshness: node.freshness ?? null };
  }
  if (node.resourceType === 'seed') {
    return { ...common, alias: node.relation?.identifier ?? node.name, checksum: { name: 'path', checksum: node.checksum }, root_path: node.absPath, depends_on: { nodes: [], macros: [] } };
  }
  if (node.resourceType === 'unit_test') {
    return { ...common, model: node.model, given: node.given, expect: node.expect, depends_on: { nodes: [], macros: [] } };
  }
  const extra = node.resourceType === 'test' ? { test_metadata: node.testMetadata ?? null, column_name: node.columnName ?? null, attached_node: node.attachedNode ?? null } : {};
  return {
    ...common,
    ...extra,
    alias: node.relation?.identifier ?? node.name,
    raw_code: node.rawCode,
    language: 'sql',
    checksum: { name: 'sha256', checksum: node.checksum },
    refs: node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null })),
    sources: node.sources.map((s) => [s.source, s.table]),
    depends_on: { nodes: [] as string[], macros: node.macros.map((m) => `macro.${node.packageName}.${m}`) },
    compiled: compiled !== undefined,
    compiled_code: compiled?.compiledSql ?? null,
    compiled_path: compiled?.compiledPath ?? null,
    extra_ctes: compiled?.ephemerals.map((id) => ({ id })) ?? [],
  };
}

export function buildManifest(parsed: ParsedProject, relationName: (node: GraphNode) => string | undefined, adapterType: string, invocationId: string, compiled?: ReadonlyMap<string, CompiledModel>): Record<string, unknown> {
  const { graph } = parsed;
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const node of parsed.nodes.values()) {
    const entry = nodeEntry(node, relationName(node), compiled?.get(node.uniqueId));
    parentMap[node.uniqueId] = graph.inNeighbors(node.uniqueId);
    childMap[node.uniqueId] = graph.outNeighbors(node.uniqueId);
    if (node.resourceType === 'source') sources[node.uniqueId] = entry;
    else {
      (entry.depends_on as { nodes: string[] }).nodes = parentMap[node.uniqueId]!;
      nodes[node.uniqueId] = entry;
    }
  }
  const disabled: Record<string, unknown[]> = {};
  for (const node of parsed.disabled.values()) disabled[node.uniqueId] = [nodeEntry(node, undefined)];
  // Exposures, semantic models, metrics, saved queries: manifest entries and graph edges, never run.
  const defined: Record<string, Record<string, unknown>> = { exposure: {}, semantic_model: {}, metric: {}, saved_query: {} };
  for (const d of definitionsOf(parsed)) {
    defined[d.resourceType]![d.uniqueId] = definitionManifestEntry(d);
    parentMap[d.uniqueId] = d.dependsOn;
    childMap[d.uniqueId] ??= [];
    for (const p of d.dependsOn) (childMap[p] ??= []).push(d.uniqueId);
  }
  const macros: Record<string, unknown> = {};
  for (const m of parsed.macros.values()) macros[m.uniqueId] = { unique_id: m.uniqueId, name: m.name, package_name: m.packageName, original_file_path: m.originalFilePath, resource_type: 'macro' };
  // dbt's docs section: every `{% docs %}` block, as `doc.<package>.<name>`.
  const docs: Record<string, unknown> = {};
  const pkg = parsed.project.config.name;
  for (const b of collectDocs(parsed.project.files.docs ?? []).values()) {
    const uniqueId = `doc.${pkg}.${b.name}`;
    docs[uniqueId] = { name: b.name, resource_type: 'doc', package_name: pkg, path: b.file.split('/').slice(1).join('/') || b.file, original_file_path: b.file, unique_id: uniqueId, block_contents: b.contents };
  }
  return {
    metadata: metadata('manifest', MANIFEST_VERSION, 'v12', parsed.project.config.name, adapterType, invocationId),
    nodes,
    sources,
    macros,
    docs,
    exposures: defined.exposure,
    metrics: defined.metric,
    semantic_models: defined.semantic_model,
    saved_queries: defined.saved_query,
    groups: {},
    selectors: {},
    disabled,
    parent_map: parentMap,
    child_map: childMap,
  };
}

/**
 * Write target/manifest.json unless the one there was built from identical inputs (`key`): for a
 * large project the manifest is tens of MB, and rewriting an identical one is most of a no-op run.
 */
export function writeManifest(parsed: ParsedProject, build: () => Record<string, unknown>, key?: string): string {
  const target = path.join(parsed.project.projectDir, parsed.project.config.targetPath);
  const file = path.join(target, 'manifest.json');
  const stamp = path.join(target, '.tsdbt', 'manifest.key');
  if (key !== undefined && existsSync(file)) {
    try {
      if (readFileSync(stamp, 'utf8') === key) return file;
    } catch {
      // no stamp: write
    }
  }
  writeJson(file, build());
  if (key !== undefined) {
    mkdirSync(path.dirname(stamp), { recursive: true });
    writeFileSync(stamp, key);
  } else rmSync(stamp, { force: true });
  return file;
}
