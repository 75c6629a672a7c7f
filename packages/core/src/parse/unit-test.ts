// `unit_tests:` in properties YAML → UnitTestNode (dbt 1.8): a model, fixed rows for its ref/source
// inputs, and the rows it must return.
import { didYouMean, TsdbtError } from '../errors.js';
import { parseYamlFile, yamlPosition } from '../project/yaml-file.js';
import { finalizeConfig, validateConfigKeys, type RawConfig } from './config.js';
import type { ParseKindContext } from './kind-context.js';
import { isRefable, type GraphNode, type UnitTestNode } from './nodes.js';

export type UnitInput = { kind: 'ref'; name: string } | { kind: 'source'; source: string; table: string } | { kind: 'this' };

const STR = String.raw`\s*(?:'([^']*)'|"([^"]*)")\s*`;
const REF_RE = new RegExp(String.raw`^\s*ref\(${STR}(?:,${STR})?\)\s*$`);
const SOURCE_RE = new RegExp(String.raw`^\s*source\(${STR},${STR}\)\s*$`);

/** `ref('x')`, `ref('pkg', 'x')`, `source('s', 't')` or `this`. */
export function parseUnitInput(input: string): UnitInput | undefined {
  if (input.trim() === 'this') return { kind: 'this' };
  let m = REF_RE.exec(input);
  if (m) {
    const first = m[1] ?? m[2]!;
    const second = m[3] ?? m[4];
    return { kind: 'ref', name: second ?? first };
  }
  m = SOURCE_RE.exec(input);
  if (m) return { kind: 'source', source: m[1] ?? m[2]!, table: m[3] ?? m[4]! };
  return undefined;
}

const UNIT_TEST_KEYS = ['name', 'model', 'description', 'given', 'expect', 'overrides', 'config', 'versions'];
const GIVEN_KEYS = ['input', 'rows', 'format', 'fixture'];
const EXPECT_KEYS = ['rows', 'format', 'fixture'];
const FORMATS = ['dict', 'csv', 'sql'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export function parseUnitTests(ctx: ParseKindContext, nodes: ReadonlyMap<string, GraphNode>): UnitTestNode[] {
  const { project } = ctx;
  const projectName = project.config.name;
  const out: UnitTestNode[] = [];
  const refables = new Map<string, GraphNode>();
  for (const n of nodes.values()) if (isRefable(n)) refables.set(n.name, n);
  const modelFiles = new Set(project.files.models.map((f) => (f.pathInFolder.split('/').pop() ?? '').replace(/\.sql$/, '')));
  const seen = new Map<string, string>();

  for (const file of project.files.properties) {
    if (!file.contents.includes('unit_tests')) continue;
    const y = parseYamlFile(file.relPath, file.contents);
    if (!isObj(y.value) || y.value.unit_tests === undefined || y.value.unit_tests === null) continue;
    const fail: Fail = (path, message, hint) => {
      const pos = yamlPosition(y, path);
      throw new TsdbtError('yaml', message, { location: { file: y.file, line: pos?.line, column: pos?.column }, hint });
    };
    const warnKeys = (keys: string[], known: string[], what: string, path: Array<string | number>) =>
      ctx.diagnostics.unknownKeys(keys, known, what, (k) => ({ file: y.file, ...yamlPosition(y, [...path, k]) }));
    const list: unknown = y.value.unit_tests;
    if (!Array.isArray(list)) fail(['unit_tests'], '`unit_tests` must be a list', 'start each entry with `- name: …`');
    (list as unknown[]).forEach((item, i) => {
      const at = ['unit_tests', i];
      if (!isObj(item) || typeof item.name !== 'string' || !item.name) fail(at, 'each unit test needs a `name:`');
      const entry = item as Obj;
      const name = entry.name as string;
      warnKeys(Object.keys(entry), UNIT_TEST_KEYS, 'unit test property', at);
      if (typeof entry.model !== 'string' || !entry.model) fail([...at, 'model'], `unit test \`${name}\` needs a \`model:\``);
      const modelName = entry.model as string;
      const model = nodes.get(`model.${projectName}.${modelName}`);
      if (!model) {
        if (modelFiles.has(modelName)) return; // the model is disabled: so is its unit test
        const models = [...nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.name);
        fail([...at, 'model'], `unit test \`${name}\` is for model \`${modelName}\`, which does not exist`, didYouMean(modelName, models));
      }
      const given = readGiven(entry.given, [...at, 'given'], name, fail, warnKeys, (input, path) => {
        if (input.kind === 'ref' && !refables.has(input.name)) fail(path, `unit test \`${name}\`: \`ref('${input.name}')\` names no model, seed or snapshot`, didYouMean(input.name, refables.keys()));
        if (input.kind === 'source' && !nodes.has(`source.${projectName}.${input.source}.${input.table}`)) fail(path, `unit test \`${name}\`: source \`${input.source}.${input.table}\` is not defined`);
      });
      const expect = readRows(entry.expect, [...at, 'expect'], `unit test \`${name}\`: \`expect\``, fail, warnKeys, EXPECT_KEYS);
      if (entry.expect === undefined) fail(at, `unit test \`${name}\` needs \`expect:\` rows`);
      let overrides: Obj | undefined;
      if (entry.overrides !== undefined && entry.overrides !== null) {
        if (!isObj(entry.overrides)) fail([...at, 'overrides'], '`overrides` must be a mapping of `macros`, `vars` and `env_vars`');
        overrides = entry.overrides as Obj;
        warnKeys(Object.keys(overrides), ['macros', 'vars', 'env_vars'], 'unit test override', [...at, 'overrides']);
      }
      const raw: RawConfig = isObj(entry.config) ? { ...entry.config } : {};
      validateConfigKeys(raw, ctx.diagnostics, (k) => ({ file: y.file, ...yamlPosition(y, [...at, 'config', k]) }));
      const config = finalizeConfig(raw, { materialized: 'unit' });
      const uniqueId = `unit_test.${projectName}.${modelName}.${name}`;
      const prev = seen.get(uniqueId);
      if (prev) fail(at, `unit test \`${name}\` for model \`${modelName}\` is defined twice (also in ${prev})`);
      seen.set(uniqueId, y.file);
      const dirs = file.pathInFolder.split('/').slice(0, -1);
      out.push({
        uniqueId,
        resourceType: 'unit_test',
        name,
        packageName: projectName,
        originalFilePath: file.relPath,
        path: file.pathInFolder,
        fqn: [projectName, ...dirs, modelName, name],
        description: typeof entry.description === 'string' ? entry.description : '',
        columns: {},
        config,
        tags: config.tags,
        patchPath: file.relPath,
        model: model!.uniqueId,
        given,
        expect,
        overrides,
      });
    });
  }
  return out;
}

type Fail = (path: Array<string | number>, message: string, hint?: string) => never;
type WarnKeys = (keys: string[], known: string[], what: string, path: Array<string | number>) => void;

function readRows(value: unknown, path: Array<string | number>, what: string, fail: Fail, warnKeys: WarnKeys, keys: string[]): { rows?: unknown; format?: string | undefined; fixture?: string | undefined } {
  if (value === undefined || value === null) return { rows: [] };
  if (!isObj(value)) fail(path, `${what} must be a mapping with \`rows:\` (or \`fixture:\`)`);
  const v = value as Obj;
  warnKeys(Object.keys(v), keys, 'unit test key', path);
  const format = v.format === undefined || v.format === null ? 'dict' : String(v.format);
  if (!FORMATS.includes(format)) fail([...path, 'format'], `${what}: unknown format \`${format}\``, 'use dict (the default), csv or sql');
  const fixture = typeof v.fixture === 'string' ? v.fixture : undefined;
  if (fixture !== undefined && format === 'dict') fail([...path, 'fixture'], `${what}: a fixture file needs \`format: csv\` or \`format: sql\``);
  if (fixture !== undefined && v.rows !== undefined) fail([...path, 'rows'], `${what} has both \`rows\` and \`fixture\``, 'keep one');
  const rows = v.rows ?? (fixture === undefined ? [] : undefined);
  if (format === 'dict' && (!Array.isArray(rows) || rows.some((r) => !isObj(r)))) fail([...path, 'rows'], `${what}: \`rows\` must be a list of mappings (\`- {id: 1, name: a}\`)`, 'or set `format: csv` / `format: sql` for a string');
  if (format !== 'dict' && rows !== undefined && typeof rows !== 'string') fail([...path, 'rows'], `${what}: with \`format: ${format}\`, \`rows\` must be a string`, 'use a block scalar: `rows: |`');
  return { rows, format, fixture };
}

function readGiven(value: unknown, path: Array<string | number>, name: string, fail: Fail, warnKeys: WarnKeys, check: (input: UnitInput, path: Array<string | number>) => void): UnitTestNode['given'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, `unit test \`${name}\`: \`given\` must be a list of inputs`, "e.g. `- input: ref('orders')` with `rows:`");
  return value.map((g: unknown, j: number) => {
    const at = [...path, j];
    if (!isObj(g) || typeof g.input !== 'string') fail(at, `unit test \`${name}\`: each \`given\` entry needs an \`input:\``, "e.g. `input: ref('orders')` or `input: source('raw', 'orders')`");
    const input = parseUnitInput(g.input as string);
    if (!input) fail([...at, 'input'], `unit test \`${name}\`: cannot read input \`${String(g.input)}\``, "write `ref('model')`, `source('source', 'table')` or `this`");
    check(input!, [...at, 'input']);
    return { input: g.input as string, ...readRows(g, at, `unit test \`${name}\`: input \`${String(g.input)}\``, fail, warnKeys, GIVEN_KEYS) };
  });
}
