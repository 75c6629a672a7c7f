// Resources tsdbt reads but never runs: exposures, semantic models, metrics and saved queries, from
// properties YAML. They are listed (`tsdbt ls --resource-type exposure`), written to the manifest
// with their depends_on, and their references are checked at parse time as dbt checks them.
import { TsdbtError, didYouMean } from '../errors.js';
import type { ProjectFile } from '../project/files.js';
import { parseYamlFile, yamlPosition } from '../project/yaml-file.js';
import type { DefinitionKind, DefinitionNode, GraphNode } from './nodes.js';

export type { DefinitionKind, DefinitionNode } from './nodes.js';

export const DEFINITION_KINDS = ['exposure', 'semantic_model', 'metric', 'saved_query'] as const;

/** The properties-file key each kind is declared under. */
const YAML_KEY: Record<DefinitionKind, string> = { exposure: 'exposures', semantic_model: 'semantic_models', metric: 'metrics', saved_query: 'saved_queries' };


type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** `ref('x')`, `ref("pkg", "x")`, `source('s', 't')`, `metric('m')` as written in YAML. */
const CALL = /^\s*(ref|source|metric)\s*\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?(?:,\s*\w+\s*=\s*[^)]*)?\)\s*$/;

export interface DefinitionLookup {
  projectName: string;
  /** Models, seeds and snapshots by name. */
  refables: ReadonlyMap<string, GraphNode>;
  /** Sources by `source.table`. */
  sources: ReadonlyMap<string, GraphNode>;
}

/** Every exposure, semantic model, metric and saved query in the project's properties files, checked. */
export function readDefinitions(files: readonly ProjectFile[], yamlValueOf: (file: ProjectFile) => unknown, lookup: DefinitionLookup): DefinitionNode[] {
  const out: DefinitionNode[] = [];
  const { projectName } = lookup;
  const entries: Array<{ kind: DefinitionKind; entry: Obj; file: ProjectFile; path: Array<string | number> }> = [];
  for (const file of files) {
    const doc = yamlValueOf(file);
    if (!isObj(doc)) continue;
    for (const kind of DEFINITION_KINDS) {
      asList(doc[YAML_KEY[kind]]).forEach((entry, i) => {
        const path = [YAML_KEY[kind], i];
        if (!isObj(entry) || typeof entry.name !== 'string') fail(file, path, `each entry under \`${YAML_KEY[kind]}:\` needs a \`name:\``);
        entries.push({ kind, entry, file, path });
      });
    }
  }
  const ids = new Map<string, string>();
  for (const { kind, entry, file, path } of entries) {
    const id = `${kind}.${projectName}.${entry.name as string}`;
    if (ids.has(id)) fail(file, [...path, 'name'], `${kind.replace('_', ' ')} \`${entry.name as string}\` is defined twice: in ${ids.get(id)} and ${file.relPath}`);
    ids.set(id, file.relPath);
  }
  // Measures by name → their semantic model; metrics by name.
  const measures = new Map<string, string>();
  for (const { kind, entry } of entries) if (kind === 'semantic_model') for (const m of asList(entry.measures)) if (isObj(m) && typeof m.name === 'string') measures.set(m.name, `semantic_model.${projectName}.${entry.name as string}`);
  const metricNames = new Set(entries.filter((e) => e.kind === 'metric').map((e) => e.entry.name as string));

  for (const { kind, entry, file, path } of entries) {
    const name = entry.name as string;
    const what = `${kind.replace('_', ' ')} \`${name}\``;
    const deps = new Set<string>();
    const resolveCall = (text: unknown, at: Array<string | number>) => {
      const m = typeof text === 'string' ? CALL.exec(text) : null;
      if (!m) fail(file, at, `${what}: \`${String(text)}\` is not a ref(), source() or metric() call`, "e.g. `ref('orders')` or `source('raw', 'orders')`");
      const [, fn, , a, , b] = m;
      if (fn === 'ref') {
        const target = lookup.refables.get(b ?? a!);
        if (!target) fail(file, at, `${what} depends on a node named \`${b ?? a}\` which was not found`, didYouMean(b ?? a!, lookup.refables.keys()));
        deps.add(target.uniqueId);
      } else if (fn === 'source') {
        if (b === undefined) fail(file, at, `${what}: source() needs a source name and a table name`);
        const src = lookup.sources.get(`${a}.${b}`);
        if (!src) fail(file, at, `${what} depends on a source named \`${a}.${b}\` which was not found`, didYouMean(`${a}.${b}`, lookup.sources.keys()));
        deps.add(src.uniqueId);
      } else {
        if (!metricNames.has(a!)) fail(file, at, `${what} depends on a metric named \`${a}\` which was not found`, didYouMean(a!, metricNames));
        deps.add(`metric.${projectName}.${a}`);
      }
    };
    const needMetric = (m: string, at: Array<string | number>) => {
      if (!metricNames.has(m)) fail(file, at, `${what} refers to metric \`${m}\`, which is not defined`, didYouMean(m, metricNames));
      deps.add(`metric.${projectName}.${m}`);
    };
    const needMeasure = (m: string, at: Array<string | number>) => {
      const sm = measures.get(m);
      if (!sm) fail(file, at, `${what} refers to measure \`${m}\`, which no semantic model defines`, didYouMean(m, measures.keys()));
      deps.add(sm);
    };
    const nameOf = (v: unknown) => (typeof v === 'string' ? v : isObj(v) && typeof v.name === 'string' ? v.name : undefined);

    if (kind === 'exposure') {
      asList(entry.depends_on).forEach((d, i) => resolveCall(d, [...path, 'depends_on', i]));
    } else if (kind === 'semantic_model') {
      if (entry.model === undefined) fail(file, path, `${what} needs \`model: ref('…')\``);
      resolveCall(entry.model, [...path, 'model']);
    } else if (kind === 'metric') {
      const tp = isObj(entry.type_params) ? entry.type_params : {};
      const at = [...path, 'type_params'];
      for (const key of ['measure', 'numerator', 'denominator'] as const) {
        const v = tp[key];
        if (v === undefined) continue;
        // ratio metrics name metrics; simple/cumulative ones name measures.
        const n = nameOf(v);
        if (n) (key === 'measure' ? needMeasure : needMetric)(n, [...at, key]);
      }
      asList(tp.metrics).forEach((m, i) => {
        const n = nameOf(m);
        if (n) needMetric(n, [...at, 'metrics', i]);
      });
      const cm = isObj(tp.conversion_type_params) ? tp.conversion_type_params : undefined;
      if (cm) for (const key of ['base_measure', 'conversion_measure'] as const) if (nameOf(cm[key])) needMeasure(nameOf(cm[key])!, [...at, 'conversion_type_params', key]);
    } else {
      const qp = isObj(entry.query_params) ? entry.query_params : {};
      asList(qp.metrics).forEach((m, i) => typeof m === 'string' && needMetric(m, [...path, 'query_params', 'metrics', i]));
    }
    const config = isObj(entry.config) ? entry.config : {};
    const tags = [...asList(entry.tags), ...asList(config.tags)].map(String);
    out.push({
      uniqueId: `${kind}.${projectName}.${name}`,
      resourceType: kind,
      name,
      packageName: projectName,
      originalFilePath: file.relPath,
      fqn: [projectName, ...file.relPath.split('/').slice(1, -1), name],
      description: typeof entry.description === 'string' ? entry.description : '',
      tags,
      meta: { ...(isObj(entry.meta) ? entry.meta : {}), ...(isObj(config.meta) ? config.meta : {}) },
      config: { enabled: config.enabled !== false, ...config },
      dependsOn: [...deps].sort(),
      raw: entry,
    });
  }
  return out.filter((d) => d.config.enabled !== false);
}

function fail(file: ProjectFile, path: Array<string | number>, message: string, hint?: string): never {
  const pos = yamlPosition({ file: file.relPath, text: file.contents, value: null }, path);
  throw new TsdbtError('yaml', message, { location: { file: file.relPath, line: pos?.line, column: pos?.column }, hint });
}

/** dbt's manifest entry for one of these resources (the fields shared by all four, plus the YAML as written). */
export function definitionManifestEntry(d: DefinitionNode): Record<string, unknown> {
  return {
    ...d.raw,
    unique_id: d.uniqueId,
    resource_type: d.resourceType,
    name: d.name,
    package_name: d.packageName,
    path: d.originalFilePath.split('/').slice(1).join('/'),
    original_file_path: d.originalFilePath,
    fqn: d.fqn,
    description: d.description,
    tags: d.tags,
    meta: d.meta,
    config: d.config,
    depends_on: { macros: [], nodes: d.dependsOn },
  };
}

/**
 * The project's exposures, semantic models, metrics and saved queries: read during parse (which
 * fails on a broken reference), or read again for a parse restored from its snapshot.
 */
export function definitionsOf(parsed: { project: { config: { name: string }; files: { properties: ProjectFile[] } }; nodes: ReadonlyMap<string, GraphNode>; yamlValues: ReadonlyMap<string, unknown>; definitions?: DefinitionNode[] | undefined }): DefinitionNode[] {
  if (parsed.definitions) return parsed.definitions;
  const refables = new Map<string, GraphNode>();
  const sources = new Map<string, GraphNode>();
  for (const n of parsed.nodes.values()) {
    if (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') refables.set(n.name, n);
    else if (n.resourceType === 'source') sources.set(`${n.sourceName}.${n.name}`, n);
  }
  const valueOf = (f: ProjectFile) => (parsed.yamlValues.has(f.checksum) ? parsed.yamlValues.get(f.checksum) : parseYamlFile(f.relPath, f.contents).value);
  return (parsed.definitions = readDefinitions(parsed.project.files.properties, valueOf, { projectName: parsed.project.config.name, refables, sources }));
}
