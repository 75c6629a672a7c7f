// Properties YAML (`version: 2` files): model/seed/snapshot patches and source definitions.
import { TsdbtError } from '../errors.js';
import { COLUMN_PROPERTY_KEYS, MODEL_PROPERTY_KEYS, SNAPSHOT_PROPERTY_KEYS, SOURCE_PROPERTY_KEYS, SOURCE_TABLE_PROPERTY_KEYS } from '../project/config-schema.js';
import type { Diagnostics } from '../project/diagnostics.js';
import type { ProjectFile } from '../project/files.js';
import { parseYamlFile, yamlPosition, type YamlFile } from '../project/yaml-file.js';
import { DEFERRED_KEYS, renderYamlValue, type YamlRenderContext } from '../project/yaml-render.js';
import { mergeConfig, validateConfigKeys, type RawConfig } from './config.js';
import type { ColumnInfo, SourcePosition } from './nodes.js';
import { mergeFreshness, readFreshnessLayer, type FreshnessLayer } from './source-freshness.js';

export interface NodePatch {
  name: string;
  kind: 'models' | 'seeds' | 'snapshots';
  description: string;
  columns: Record<string, ColumnInfo>;
  config: RawConfig;
  /** Data tests declared on the node and its columns, kept as written (used by `test`). */
  tests: unknown[];
  columnTests: Record<string, unknown[]>;
  file: string;
  /** Path of the entry's `name:` inside the file, for positions (computed on demand: see locateEntry). */
  yamlPath: Array<string | number>;
  /** Snapshots defined in YAML (dbt 1.9): `ref('x')` or `source('s', 't')`, as written. */
  relation?: string | undefined;
  /** Model-level `constraints:`, as written. */
  constraints?: Array<Record<string, unknown>> | undefined;
}

export interface SourceTableDef {
  sourceName: string;
  name: string;
  identifier: string;
  description: string;
  sourceDescription: string;
  schema: string | undefined;
  database: string | undefined;
  columns: Record<string, ColumnInfo>;
  config: RawConfig;
  loadedAtField?: string | undefined;
  /** Source and table levels merged; the project level (`sources: +freshness`) is merged in at parse. */
  freshness?: FreshnessLayer | null | undefined;
  tests: unknown[];
  columnTests: Record<string, unknown[]>;
  file: string;
  yamlPath: Array<string | number>;
}

export interface Properties {
  patches: NodePatch[];
  sources: SourceTableDef[];
  /** The parsed YAML value (cacheable by file checksum). */
  value: unknown;
}

/** Line and column of a patch or source entry (parses the file again with positions: error paths only). */
export function locateEntry(files: readonly ProjectFile[], entry: { file: string; yamlPath: Array<string | number> }): SourcePosition | undefined {
  const f = files.find((x) => x.relPath === entry.file);
  return f ? yamlPosition({ file: f.relPath, text: f.contents, value: null }, entry.yamlPath) : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function fail(y: YamlFile, path: Array<string | number>, message: string, hint?: string): never {
  const pos = yamlPosition(y, path);
  throw new TsdbtError('yaml', message, { location: { file: y.file, line: pos?.line, column: pos?.column }, hint });
}

function list(y: YamlFile, value: unknown, path: Array<string | number>): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(y, path, `\`${path.join('.')}\` must be a list`, 'start each entry with `- name: …`');
  return value;
}

function readColumns(y: YamlFile, value: unknown, path: Array<string | number>, d: Diagnostics): { columns: Record<string, ColumnInfo>; tests: Record<string, unknown[]> } {
  const columns: Record<string, ColumnInfo> = {};
  const tests: Record<string, unknown[]> = {};
  list(y, value, path).forEach((c, i) => {
    if (!isObj(c) || typeof c.name !== 'string') fail(y, [...path, i], 'each column needs a `name:`');
    d.unknownKeys(Object.keys(c), COLUMN_PROPERTY_KEYS, `column property`, (k) => ({ file: y.file, ...yamlPosition(y, [...path, i, k]) }));
    columns[c.name] = {
      name: c.name,
      description: typeof c.description === 'string' ? c.description : '',
      data_type: typeof c.data_type === 'string' ? c.data_type : undefined,
      meta: isObj(c.meta) ? c.meta : {},
      tags: Array.isArray(c.tags) ? c.tags.map(String) : [],
      ...(Array.isArray(c.constraints) ? { constraints: c.constraints.filter(isObj) } : {}),
    };
    const t = [...list(y, c.tests, [...path, i, 'tests']), ...list(y, c.data_tests, [...path, i, 'data_tests'])];
    if (t.length) tests[c.name] = t;
  });
  return { columns, tests };
}

function nodeConfig(y: YamlFile, entry: Obj, path: Array<string | number>, d: Diagnostics): RawConfig {
  const config: RawConfig = isObj(entry.config) ? { ...entry.config } : {};
  validateConfigKeys(config, d, (k) => ({ file: y.file, ...yamlPosition(y, [...path, 'config', k]) }));
  // Top-level tags/meta on a node are config too (dbt accepts both places).
  if (entry.tags !== undefined) config.tags = [...(Array.isArray(config.tags) ? config.tags : config.tags ? [config.tags] : []), ...(Array.isArray(entry.tags) ? entry.tags : [entry.tags])];
  if (isObj(entry.meta)) config.meta = { ...entry.meta, ...(isObj(config.meta) ? config.meta : {}) };
  return config;
}

/**
 * Properties values that stay as written: docs text, tests (rendered when tests run), hooks, and the
 * semantic layer's definitions, whose `{{ Dimension('…') }}` filters are MetricFlow's, not Jinja's.
 */
const NOT_RENDERED = new Set(['description', 'tests', 'data_tests', ...DEFERRED_KEYS, 'semantic_models', 'metrics', 'saved_queries']);

/**
 * `cached`: the file's parsed YAML value from an earlier run (same checksum). `render`: env_var/var
 * context for `{{ … }}` in values such as a source's `schema:`, as dbt renders properties files.
 */
export function parsePropertiesFile(file: ProjectFile, d: Diagnostics, cached?: { value: unknown }, render?: Omit<YamlRenderContext, 'file'>): Properties {
  const parsed: YamlFile = cached ? { file: file.relPath, text: file.contents, value: cached.value } : parseYamlFile(file.relPath, file.contents);
  const y: YamlFile = render && file.contents.includes('{{') ? { ...parsed, value: renderYamlValue(parsed.value, { ...render, file: file.relPath }, '', NOT_RENDERED) } : parsed;
  const out: Properties = { patches: [], sources: [], value: parsed.value };
  if (y.value === null) return out;
  if (!isObj(y.value)) fail(y, [], 'a properties file must be a mapping (`version: 2`, `models:`, `sources:` …)');
  const doc = y.value;
  for (const kind of ['models', 'seeds', 'snapshots'] as const) {
    list(y, doc[kind], [kind]).forEach((entry, i) => {
      if (!isObj(entry) || typeof entry.name !== 'string') fail(y, [kind, i], `each entry under \`${kind}:\` needs a \`name:\``);
      d.unknownKeys(Object.keys(entry), kind === 'snapshots' ? SNAPSHOT_PROPERTY_KEYS : MODEL_PROPERTY_KEYS, 'property', (k) => ({ file: y.file, ...yamlPosition(y, [kind, i, k]) }));
      const { columns, tests: columnTests } = readColumns(y, entry.columns, [kind, i, 'columns'], d);
      out.patches.push({
        name: entry.name,
        kind,
        description: typeof entry.description === 'string' ? entry.description : '',
        columns,
        config: nodeConfig(y, entry, [kind, i], d),
        tests: [...list(y, entry.tests, [kind, i, 'tests']), ...list(y, entry.data_tests, [kind, i, 'data_tests'])],
        columnTests,
        file: y.file,
        yamlPath: [kind, i, 'name'],
        ...(kind === 'snapshots' && entry.relation !== undefined ? { relation: String(entry.relation) } : {}),
        ...(Array.isArray(entry.constraints) ? { constraints: entry.constraints.filter(isObj) } : {}),
      });
    });
  }
  list(y, doc.sources, ['sources']).forEach((src, i) => {
    if (!isObj(src) || typeof src.name !== 'string') fail(y, ['sources', i], 'each source needs a `name:`');
    d.unknownKeys(Object.keys(src), SOURCE_PROPERTY_KEYS, 'source property', (k) => ({ file: y.file, ...yamlPosition(y, ['sources', i, k]) }));
    const srcConfig = nodeConfig(y, src, ['sources', i], d);
    // freshness / loaded_at_field: as properties (dbt < 1.9) or under config: (dbt ≥ 1.9/1.10), config winning.
    const freshnessAt = (entry: Obj, path: Array<string | number>) => {
      const cfg = isObj(entry.config) ? entry.config : {};
      const read = (value: unknown, at: Array<string | number>) =>
        readFreshnessLayer(value, { diagnostics: d, locate: (k) => ({ file: y.file, ...yamlPosition(y, [...at, ...k]) }), fail: (k, message, hint) => fail(y, [...at, ...k], message, hint) });
      return [read(entry.freshness, [...path, 'freshness']), read(cfg.freshness, [...path, 'config', 'freshness'])];
    };
    const loadedAt = (entry: Obj) => {
      const cfg = isObj(entry.config) ? entry.config : {};
      return typeof cfg.loaded_at_field === 'string' ? cfg.loaded_at_field : typeof entry.loaded_at_field === 'string' ? entry.loaded_at_field : undefined;
    };
    const srcFreshness = freshnessAt(src, ['sources', i]);
    list(y, src.tables, ['sources', i, 'tables']).forEach((t, j) => {
      if (!isObj(t) || typeof t.name !== 'string') fail(y, ['sources', i, 'tables', j], 'each source table needs a `name:`');
      d.unknownKeys(Object.keys(t), SOURCE_TABLE_PROPERTY_KEYS, 'source table property', (k) => ({ file: y.file, ...yamlPosition(y, ['sources', i, 'tables', j, k]) }));
      const { columns, tests: columnTests } = readColumns(y, t.columns, ['sources', i, 'tables', j, 'columns'], d);
      out.sources.push({
        sourceName: src.name as string,
        name: t.name,
        identifier: typeof t.identifier === 'string' ? t.identifier : t.name,
        description: typeof t.description === 'string' ? t.description : '',
        sourceDescription: typeof src.description === 'string' ? src.description : '',
        schema: typeof src.schema === 'string' ? src.schema : undefined,
        database: typeof src.database === 'string' ? src.database : undefined,
        columns,
        config: mergeConfig(srcConfig, nodeConfig(y, t, ["sources", i, "tables", j], d)),
        loadedAtField: loadedAt(t) ?? loadedAt(src),
        freshness: mergeFreshness([...srcFreshness, ...freshnessAt(t, ['sources', i, 'tables', j])]),
        tests: [...list(y, t.tests, ['sources', i, 'tables', j, 'tests']), ...list(y, t.data_tests, ['sources', i, 'tables', j, 'data_tests'])],
        columnTests,
        file: y.file,
        yamlPath: ['sources', i, 'tables', j, 'name'],
      });
    });
  });
  return out;
}
