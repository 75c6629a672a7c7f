// parseProject(project) → ParsedProject: every node with its config and dependencies, and the DAG.
// No SQL is rendered unless a model's refs/config can't be found statically; no warehouse is touched.
import { topologicalSort } from 'graphology-dag';
import path from 'node:path';
import { TsdbtError, didYouMean } from '../errors.js';
import { baseContext } from '../compile/base-context.js';
import { findCyclePath } from '../graph/cycles.js';
import { createNodeGraph, type NodeGraph } from '../graph/node-graph.js';
import { MATERIALIZATIONS } from '../project/config-schema.js';
import type { Project } from '../project/load-project.js';
import { yamlPosition } from '../project/yaml-file.js';
import { BUILTIN_MACRO_FILES } from '../template/builtin-macros.js';
import { TemplateEngine } from '../template/engine.js';
import { applyDocs, collectDocs } from '../template/docs-blocks.js';
import { dispatchSettings, registerBundledMacros } from '../template/bundled-packages.js';
import { extractStatic, type StaticExtraction } from '../template/static-extract.js';
import { finalizeConfig, folderConfigFor, mergeConfig, validateConfigKeys, validateFolderTree, type RawConfig } from './config.js';
import { recordingFunctions, scanModel } from './model.js';
import { isRefable, isSqlNode, type GraphNode, type MacroDef, type ModelNode, type RefCall, type SourceCall, type SourceNode } from './nodes.js';
import { definitionsOf, type DefinitionNode } from './definitions.js';
import { locateEntry, parsePropertiesFile, type NodePatch, type SourceTableDef } from './properties.js';
import { resolveRelations } from './relations.js';
import type { ParseKindContext } from './kind-context.js';
import { parseSeeds } from './seed.js';
import { parseSnapshots } from './snapshot.js';
import { genericTestFiles, parseDataTests } from './data-test.js';
import { mergeFreshness, readFreshnessLayer, resolveFreshness, type FreshnessLayer } from './source-freshness.js';
import type { ProjectFile } from '../project/files.js';

export interface ParsedProject {
  project: Project;
  /** Enabled nodes by uniqueId. */
  nodes: Map<string, GraphNode>;
  /** Disabled nodes by uniqueId (kept for the manifest and for clear ref errors). */
  disabled: Map<string, GraphNode>;
  graph: NodeGraph;
  macros: Map<string, MacroDef>;
  /** Properties patches, by kind and name (tests are read from here later). */
  patches: NodePatch[];
  sourceDefs: SourceTableDef[];
  engine: TemplateEngine;
  /** Static extraction per model file checksum, reusable by a later parse. */
  extractions: Map<string, StaticExtraction>;
  /** Parsed YAML value per properties file checksum, reusable by a later parse. */
  yamlValues: Map<string, unknown>;
  /** Macros whose output can differ between renders of the same input (now(), log(), run_query …). */
  volatileMacros: Set<string>;
  /** Every node id in a topological order (parents first). */
  order: string[];
  /** Restored from target/.tsdbt/parse-snapshot.json: every parse input, env vars included, is unchanged. */
  fromSnapshot?: boolean | undefined;
  /** Hash of the env vars read while parsing and their values (set by the caching layer). */
  envKey?: string | undefined;
  /** Exposures, semantic models, metrics, saved queries (parse/definitions.ts; read with definitionsOf). */
  definitions?: DefinitionNode[] | undefined;
}

export interface ParseOptions {
  /** Static extractions from a previous parse, keyed by file checksum. */
  extractionCache?: Map<string, StaticExtraction> | undefined;
  /** Parsed properties YAML values from a previous parse, keyed by file checksum. */
  yamlCache?: Map<string, unknown> | undefined;
  /** log() from templates; `info` is Jinja's info=True (shown), else a debug message. */
  onLog?: ((message: string, info: boolean) => void) | undefined;
}

/** Files whose macros every template can call: macro-paths, and `{% test %}` files in `<test-path>/generic/`. */
export function macroFiles(project: Project): ProjectFile[] {
  return [...project.files.macros, ...genericTestFiles(project)];
}

export function createEngine(project: Project, onLog?: (message: string, info: boolean) => void): { engine: TemplateEngine; macros: Map<string, MacroDef> } {
  const engine = new TemplateEngine({ onLog: (msg, info) => onLog?.(msg, info) });
  const macros = new Map<string, MacroDef>();
  for (const [file, source] of Object.entries(BUILTIN_MACRO_FILES)) {
    for (const name of engine.addMacroFile(file, source, { package: 'dbt' })) {
      macros.set(name, { uniqueId: `macro.tsdbt.${name}`, name, packageName: 'tsdbt', originalFilePath: file, fileKey: file });
    }
  }
  registerBundledMacros(engine, macros);
  engine.configureDispatch(dispatchSettings(project));
  for (const file of macroFiles(project)) {
    const names = engine.addMacroFile(file.relPath, file.contents, { package: project.config.name });
    for (const name of names) {
      macros.set(name, { uniqueId: `macro.${project.config.name}.${name}`, name, packageName: project.config.name, originalFilePath: file.relPath, fileKey: file.relPath });
    }
  }
  return { engine, macros };
}

/** Macros whose text matches `pattern`, directly or through the macros they call. */
export function macrosMatching(project: Project, macros: ReadonlyMap<string, MacroDef>, pattern: RegExp): Set<string> {
  const byFile = new Map<string, string[]>();
  for (const m of macros.values()) (byFile.get(m.fileKey) ?? byFile.set(m.fileKey, []).get(m.fileKey)!).push(m.name);
  const hits = new Set<string>();
  const callsOf = new Map<string, string[]>();
  for (const file of macroFiles(project)) {
    const names = byFile.get(file.relPath) ?? [];
    if (pattern.test(file.contents)) names.forEach((n) => hits.add(n));
    const calls = extractStatic(file.contents).calls;
    for (const n of names) callsOf.set(n, calls);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, calls] of callsOf) {
      if (!hits.has(name) && calls.some((c) => hits.has(c))) {
        hits.add(name);
        changed = true;
      }
    }
  }
  return hits;
}

/** Calls that change the graph: a model using a macro that makes them is rendered at parse time. */
const GRAPH_CALLS = /\b(ref|source|config)\s*\(/;
/** Names whose value differs between renders of the same text: such output is never cached. */
export const VOLATILE_NAMES = /\b(modules|log|run_query|statement|load_result|invocation_id|run_started_at|selected_resources|adapter|graph|now)\b/;

export async function parseProject(project: Project, options: ParseOptions = {}): Promise<ParsedProject> {
  const d = project.diagnostics;
  const projectName = project.config.name;
  const { engine, macros } = createEngine(project, options.onLog);
  const refMacros = macrosMatching(project, macros, GRAPH_CALLS);
  const volatileMacros = macrosMatching(project, macros, VOLATILE_NAMES);

  validateFolderTree(project.config.folderConfig.models, d, (p) => ({ file: project.projectFile, ...yamlPosition(project.projectYaml, ['models', ...p]) }));

  // Properties YAML: patches by name, sources.
  const patches: NodePatch[] = [];
  const sourceDefs: SourceTableDef[] = [];
  const patchByModel = new Map<string, NodePatch>();
  const yamlValues = new Map<string, unknown>();
  for (const file of project.files.properties) {
    const hit = options.yamlCache?.has(file.checksum);
    const props = parsePropertiesFile(file, d, hit ? { value: options.yamlCache!.get(file.checksum) } : undefined, { env: project.env, vars: project.vars, secrets: project.secrets });
    yamlValues.set(file.checksum, props.value);
    for (const p of props.patches) {
      patches.push(p);
      if (p.kind !== 'models') continue;
      const prev = patchByModel.get(p.name);
      if (prev) throw new TsdbtError('yaml', `model \`${p.name}\` is described twice: in ${prev.file} and ${p.file}`, { location: { file: p.file, ...locateEntry(project.files.properties, p) }, hint: 'keep one properties entry per model' });
      patchByModel.set(p.name, p);
    }
    sourceDefs.push(...props.sources);
  }

  const nodes = new Map<string, GraphNode>();
  const disabled = new Map<string, GraphNode>();
  const extractions = new Map<string, StaticExtraction>();
  let currentFile = '';
  const base = baseContext(project, 'parse', () => currentFile);
  const thisPlaceholder = '__this__';

  // Models.
  const byName = new Map<string, ModelNode>();
  for (const file of project.files.models) {
    currentFile = file.relPath;
    const scan = scanModel(
      file,
      projectName,
      engine,
      (record) => ({ ...base, ...recordingFunctions(record, file.relPath), this: thisPlaceholder }),
      options.extractionCache?.get(file.checksum),
      refMacros,
    );
    extractions.set(file.checksum, scan.extraction);
    const patch = patchByModel.get(scan.name);
    validateConfigKeys(scan.inFileConfig, d, () => ({ file: file.relPath }));
    let raw: RawConfig = folderConfigFor(project.config.folderConfig.models, scan.fqn);
    if (patch) raw = mergeConfig(raw, patch.config);
    raw = mergeConfig(raw, scan.inFileConfig);
    const config = finalizeConfig(raw, { materialized: 'view' });
    if (!(MATERIALIZATIONS as readonly string[]).includes(config.materialized) && !engine.hasMacro(`materialization_${config.materialized}_default`)) {
      const hint = didYouMean(config.materialized, MATERIALIZATIONS);
      d.warn(`model \`${scan.name}\` is materialized as \`${config.materialized}\`, which is not a known materialization${hint ? ` — ${hint}` : ''}`, { file: file.relPath });
    }
    const node: ModelNode = {
      uniqueId: `model.${projectName}.${scan.name}`,
      resourceType: 'model',
      name: scan.name,
      packageName: projectName,
      originalFilePath: file.relPath,
      path: file.pathInFolder,
      fqn: scan.fqn,
      description: patch?.description ?? '',
      columns: patch?.columns ?? {},
      config,
      tags: config.tags,
      patchPath: patch?.file,
      ...(patch?.constraints ? { constraints: patch.constraints } : {}),
      rawCode: file.contents,
      checksum: file.checksum,
      refs: scan.refs,
      sources: scan.sources,
      macros: scan.macros.filter((m) => macros.has(m)),
      renderedAtParse: scan.renderedAtParse,
      volatile: VOLATILE_NAMES.test(file.contents) || scan.extraction.calls.some((c) => volatileMacros.has(c)),
    };
    const dup = byName.get(node.name);
    if (dup && dup.config.enabled && config.enabled) {
      throw new TsdbtError('project', `two models are named \`${node.name}\`: ${dup.originalFilePath} and ${node.originalFilePath}`, {
        location: { file: node.originalFilePath },
        hint: 'model names must be unique across the project; rename one file (its alias config can keep the relation name)',
      });
    }
    if (!dup || config.enabled) byName.set(node.name, node);
    (config.enabled ? nodes : disabled).set(node.uniqueId, node);
  }
  for (const p of patchByModel.values()) {
    if (!byName.has(p.name)) {
      const hint = didYouMean(p.name, byName.keys());
      d.warn(`properties describe model \`${p.name}\`, but there is no models/**/${p.name}.sql`, { file: p.file, ...locateEntry(project.files.properties, p) }, hint);
    }
  }

  // Sources.
  const sourcesByKey = new Map<string, SourceNode>();
  // `sources: +freshness` in the project file: read (and warned about) once per distinct value.
  const projectLayers = new Map<unknown, FreshnessLayer | null | undefined>();
  const projectFreshness = (value: unknown) => {
    if (!projectLayers.has(value)) {
      const at = { file: project.projectFile, ...yamlPosition(project.projectYaml, ['sources']) };
      const layer = readFreshnessLayer(value, {
        diagnostics: d,
        locate: () => at,
        fail: (k, message, hint) => {
          throw new TsdbtError('config', `sources: +freshness${k.length ? `.${k.join('.')}` : ''}: ${message}`, { location: at, hint });
        },
      });
      projectLayers.set(value, layer);
    }
    return projectLayers.get(value);
  };
  for (const s of sourceDefs) {
    const dirs = path.posix.dirname(s.file).split('/').slice(1).filter((x) => x !== '.' && x !== '');
    const folderCfg = folderConfigFor(project.config.folderConfig.sources, [projectName, s.sourceName, s.name]);
    const config = finalizeConfig(mergeConfig(folderCfg, s.config), { materialized: 'source' });
    const node: SourceNode = {
      uniqueId: `source.${projectName}.${s.sourceName}.${s.name}`,
      resourceType: 'source',
      name: s.name,
      packageName: projectName,
      originalFilePath: s.file,
      path: s.file,
      fqn: [projectName, ...dirs, s.sourceName, s.name],
      description: s.description,
      columns: s.columns,
      config,
      tags: config.tags,
      patchPath: s.file,
      sourceName: s.sourceName,
      sourceDescription: s.sourceDescription,
      identifier: s.identifier,
      loadedAtField: s.loadedAtField ?? (typeof folderCfg.loaded_at_field === 'string' ? folderCfg.loaded_at_field : undefined),
      freshness: resolveFreshness(mergeFreshness([projectFreshness(folderCfg.freshness), s.freshness])),
      relation: { database: s.database ?? project.target.config.database, schema: s.schema ?? s.sourceName, identifier: s.identifier },
    };
    if (sourcesByKey.has(`${s.sourceName}.${s.name}`)) {
      throw new TsdbtError('yaml', `source table \`${s.sourceName}.${s.name}\` is defined twice`, { location: { file: s.file, ...locateEntry(project.files.properties, s) } });
    }
    sourcesByKey.set(`${s.sourceName}.${s.name}`, node);
    (config.enabled ? nodes : disabled).set(node.uniqueId, node);
  }

  // Seeds and snapshots: ref() targets like models.
  const addNode = (n: GraphNode) => (n.config.enabled ? nodes : disabled).set(n.uniqueId, n);
  const recordingContext = (record: { refs: RefCall[]; sources: SourceCall[]; configs: RawConfig[] }, file: string) => {
    currentFile = file;
    return { ...base, ...recordingFunctions(record, file), this: thisPlaceholder };
  };
  const kindCtx: ParseKindContext = { project, engine, diagnostics: d, patches, extractions, extractionCache: options.extractionCache, refMacros, volatileMacros, recordingContext };
  for (const n of parseSeeds(kindCtx)) addNode(n);
  for (const n of parseSnapshots(kindCtx)) addNode(n);

  resolveRelations(project, engine, nodes.values());

  // Data tests need every node they can be attached to.
  for (const n of parseDataTests(kindCtx, nodes, sourceDefs)) addNode(n);
  resolveRelations(project, engine, [...nodes.values()].filter((n) => n.resourceType === 'test' || n.resourceType === 'unit_test'));

  // `{{ doc('name') }}` in descriptions → the `{% docs %}` block's text, as dbt renders at parse.
  applyDocs(nodes.values(), collectDocs(project.files.docs ?? []));

  // Graph: nodes, then edges from refs, sources and test attachments.
  const graph = createNodeGraph();
  for (const node of nodes.values()) graph.addNode(node.uniqueId, { node });
  const refables = new Map<string, GraphNode>();
  for (const n of nodes.values()) {
    if (!isRefable(n)) continue;
    const other = refables.get(n.name);
    if (other) {
      // ref('x') must name one node: a seed and a model (or snapshot) cannot share a name.
      throw new TsdbtError('project', `a ${other.resourceType} and a ${n.resourceType} are both named \`${n.name}\`: ${other.originalFilePath} and ${n.originalFilePath}`, {
        location: { file: n.originalFilePath },
        hint: 'ref() names must be unique across models, seeds and snapshots; rename one (or disable it)',
      });
    }
    refables.set(n.name, n);
  }
  const kindName = (n: GraphNode) => (n.resourceType === 'test' ? 'test' : n.resourceType === 'snapshot' ? 'snapshot' : 'model');
  for (const node of nodes.values()) {
    if (node.resourceType === 'unit_test') {
      if (graph.hasNode(node.model)) graph.addEdge(node.model, node.uniqueId);
      continue;
    }
    if (!isSqlNode(node)) continue;
    const what = `${kindName(node)} \`${node.name}\``;
    for (const ref of node.refs) {
      const target = refables.get(ref.name);
      const loc = { file: node.originalFilePath, line: ref.position?.line, column: ref.position?.column };
      if (ref.package && ref.package !== projectName) {
        throw new TsdbtError('ref', `ref('${ref.package}', '${ref.name}') in ${what} names package \`${ref.package}\`, which is not installed`, { location: loc, hint: `this project is \`${projectName}\`` });
      }
      if (!target) {
        const off = [...disabled.values()].find((n) => isRefable(n) && n.name === ref.name);
        if (off) {
          throw new TsdbtError('ref', `${what} refers to \`${ref.name}\`, which is disabled`, { location: loc, hint: `enable ${off.originalFilePath} or remove the ref` });
        }
        const hint = didYouMean(ref.name, refables.keys());
        throw new TsdbtError('ref', `${what} refers to \`${ref.name}\`, which does not exist`, { location: loc, hint: hint ?? 'check the file name under models/ (a ref uses the file name without .sql)' });
      }
      if (target.uniqueId === node.uniqueId) {
        throw new TsdbtError('cycle', `${what} refers to itself`, { location: loc, hint: "use {{ this }} to refer to the model's own relation" });
      }
      if (!graph.hasEdge(target.uniqueId, node.uniqueId)) graph.addEdge(target.uniqueId, node.uniqueId);
    }
    for (const s of node.sources) {
      const src = sourcesByKey.get(`${s.source}.${s.table}`);
      const loc = { file: node.originalFilePath, line: s.position?.line, column: s.position?.column };
      if (!src) {
        const hint = didYouMean(`${s.source}.${s.table}`, sourcesByKey.keys());
        throw new TsdbtError('ref', `${what} uses source('${s.source}', '${s.table}'), which is not defined`, { location: loc, hint: hint ?? 'declare it under `sources:` in a properties .yml file' });
      }
      if (!src.config.enabled) throw new TsdbtError('ref', `${what} uses source \`${s.source}.${s.table}\`, which is disabled`, { location: loc });
      if (!graph.hasEdge(src.uniqueId, node.uniqueId)) graph.addEdge(src.uniqueId, node.uniqueId);
    }
    if (node.resourceType === 'test' && node.attachedNode && graph.hasNode(node.attachedNode) && !graph.hasEdge(node.attachedNode, node.uniqueId)) {
      graph.addEdge(node.attachedNode, node.uniqueId);
    }
  }
  let order: string[];
  try {
    order = topologicalSort(graph);
  } catch {
    order = [];
  }
  if (order.length !== graph.order) {
    const cycle = findCyclePath(graph) ?? [];
    const names = cycle.map((id) => graph.getNodeAttributes(id).node.name);
    const first = cycle[0] ? graph.getNodeAttributes(cycle[0]).node : undefined;
    throw new TsdbtError('cycle', `dependency cycle: ${[...names, names[0]].join(' → ')}`, {
      location: first ? { file: first.originalFilePath } : undefined,
      hint: 'a model cannot depend on itself through other models; break one ref in the cycle',
    });
  }

  const parsed: ParsedProject = { project, nodes, disabled, graph, macros, patches, sourceDefs, engine, extractions, yamlValues, volatileMacros, order };
  // Checked now, so a broken ref() in an exposure or metric fails the parse as in dbt.
  definitionsOf(parsed);
  return parsed;
}
