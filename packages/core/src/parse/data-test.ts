// Data tests: generic tests from properties YAML (`tests:` / `data_tests:` on models, seeds,
// snapshots, sources and their columns), singular tests (test-paths/**/*.sql outside `generic/`
// and `fixtures/`), and unit tests (see unit-test.ts).
import { createHash } from 'node:crypto';
import { didYouMean, TsdbtError, type ErrorLocation } from '../errors.js';
import type { Project } from '../project/load-project.js';
import type { ProjectFile } from '../project/files.js';
import { yamlPosition } from '../project/yaml-file.js';
import { extractStatic } from '../template/static-extract.js';
import { finalizeConfig, folderConfigFor, mergeConfig, validateConfigKeys, validateFolderTree, type RawConfig } from './config.js';
import { genericTestCode, testMacroName, readTestEntry, testIdHash, TEST_CONFIG_DEFAULTS, type GenericTestSpec, type TestTarget } from './generic-test.js';
import type { ParseKindContext } from './kind-context.js';
import { scanModel } from './model.js';
import { VOLATILE_NAMES } from './parse-project.js';
import type { GraphNode, NodeConfig, RefCall, SourceCall, SourcePosition, TestNode, UnitTestNode } from './nodes.js';
import { locateEntry, type SourceTableDef } from './properties.js';
import { parseUnitTests } from './unit-test.js';

/** Files under `<test-path>/generic/`: macro files (`{% test %}` blocks), not singular tests. */
export function genericTestFiles(project: Project): ProjectFile[] {
  return project.files.tests.filter((f) => f.pathInFolder.startsWith('generic/'));
}

/** Singular tests: every .sql under test-paths except `generic/` (macros) and `fixtures/` (unit test data). */
function singularTestFiles(project: Project): ProjectFile[] {
  return project.files.tests.filter((f) => !f.pathInFolder.startsWith('generic/') && !f.pathInFolder.startsWith('fixtures/'));
}

function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) (value = fn()), (done = true);
    return value;
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Test config: dbt's defaults < `tests:` folder config in the project file < the test's own. */
function testConfig(ctx: ParseKindContext, fqn: readonly string[], own: RawConfig): NodeConfig {
  const folder = folderConfigFor(ctx.project.config.folderConfig.tests, fqn);
  const config = finalizeConfig(mergeConfig(mergeConfig(TEST_CONFIG_DEFAULTS, folder), own), { materialized: 'test' });
  return config;
}

/** Names of the generic tests the project can use (for "did you mean"). */
const DBT_UTILS_TESTS = ['expression_is_true', 'accepted_range', 'unique_combination_of_columns', 'equality', 'recency', 'not_null_proportion'];

function knownTests(project: Project): string[] {
  const names = new Set(['unique', 'not_null', 'accepted_values', 'relationships']);
  for (const f of [...project.files.macros, ...genericTestFiles(project)]) {
    for (const m of f.contents.matchAll(/\{%-?\s*test\s+([A-Za-z_][0-9A-Za-z_]*)/g)) names.add(m[1]!);
  }
  return [...names];
}

interface Attachment {
  target: TestTarget;
  attached: GraphNode;
  file: string;
  /** Where the entry is in its YAML file (parses the file again with positions: error paths only). */
  locate: () => SourcePosition | undefined;
  /** Tags every test here gets (column tags; source tags for source tests). */
  tags: string[];
  columnName: string | undefined;
}

export function parseDataTests(ctx: ParseKindContext, nodes: ReadonlyMap<string, GraphNode>, sources: readonly SourceTableDef[]): Array<TestNode | UnitTestNode> {
  const { project, engine } = ctx;
  const projectName = project.config.name;
  validateFolderTree(project.config.folderConfig.tests, ctx.diagnostics, (p) => ({ file: project.projectFile, ...yamlPosition(project.projectYaml, ['tests', ...p]) }));
  const out: Array<TestNode | UnitTestNode> = [];
  const seen = new Map<string, string>();
  const claim = (id: string, where: string, location: () => ErrorLocation) => {
    const prev = seen.get(id);
    if (prev) throw new TsdbtError('project', `two tests have the same unique id \`${id}\`: ${prev} and ${where}`, { location: location(), hint: 'give one of them a `name:` (or remove the duplicate)' });
    seen.set(id, where);
  };
  let known: string[] | undefined;

  const addGeneric = (entry: unknown, at: Attachment) => {
    const location = (): ErrorLocation => {
      const pos = at.locate();
      return { file: at.file, line: pos?.line, column: pos?.column };
    };
    const what = at.columnName ? `column \`${at.columnName}\` of \`${at.attached.name}\`` : `\`${at.attached.name}\``;
    const fail = (message: string, hint?: string): never => {
      throw new TsdbtError('yaml', `test on ${what}: ${message}`, { location: location(), hint });
    };
    const spec: GenericTestSpec = readTestEntry(entry, at.target, at.columnName, fail);
    const macro = testMacroName(spec);
    if (!engine.hasMacro(macro)) {
      const hint = didYouMean(`${spec.namespace ? `${spec.namespace}.` : ''}${spec.testName}`, (known ??= [...knownTests(project), ...DBT_UTILS_TESTS.map((t) => `dbt_utils.${t}`)]));
      fail(`unknown test \`${spec.namespace ? `${spec.namespace}.` : ''}${spec.testName}\``, hint ?? `define it with {% test ${spec.testName}(model, column_name) %} … {% endtest %} in macros/ or tests/generic/`);
    }
    validateConfigKeys(spec.config, ctx.diagnostics, location);
    const dirs = at.file.split('/').slice(1, -1);
    const fqn = [projectName, ...dirs, spec.fullName];
    const own = mergeConfig({ tags: at.tags }, renderConfigStrings(ctx, spec.config, at.file, fail));
    const config = testConfig(ctx, fqn, own);
    const rawCode = genericTestCode(spec);
    const { refs, sources: srcs, calls, rendered } = testDependencies(ctx, spec, rawCode, at, fail);
    const uniqueId = `test.${projectName}.${spec.fullName}.${testIdHash(spec.fullName, spec.testName, spec.namespace, spec.kwargs)}`;
    claim(uniqueId, `\`${spec.fullName}\` in ${at.file}`, location);
    out.push({
      uniqueId,
      resourceType: 'test',
      testType: 'generic',
      name: spec.fullName,
      packageName: projectName,
      originalFilePath: at.file,
      path: `${spec.shortName}.sql`,
      fqn,
      description: spec.description ?? '',
      columns: {},
      config,
      tags: config.tags,
      rawCode,
      checksum: sha256(rawCode),
      refs,
      sources: srcs,
      macros: calls.filter((c) => engine.hasMacro(c)),
      renderedAtParse: rendered,
      volatile: VOLATILE_NAMES.test(rawCode) || calls.some((c) => ctx.volatileMacros.has(c)),
      testMetadata: { name: spec.testName, namespace: spec.namespace, kwargs: spec.kwargs },
      columnName: at.columnName,
      attachedNode: at.attached.uniqueId,
    });
  };

  // Models, seeds and snapshots.
  const kindType = { models: 'model', seeds: 'seed', snapshots: 'snapshot' } as const;
  for (const patch of ctx.patches) {
    if (patch.tests.length === 0 && Object.keys(patch.columnTests).length === 0) continue;
    const attached = nodes.get(`${kindType[patch.kind]}.${projectName}.${patch.name}`);
    if (!attached) continue; // disabled or missing (missing ones are reported with the patch)
    const locate = once(() => locateEntry(project.files.properties, patch));
    const target: TestTarget = { kind: 'ref', name: patch.name };
    for (const t of patch.tests) addGeneric(t, { target, attached, file: patch.file, locate, tags: [], columnName: undefined });
    for (const [column, tests] of Object.entries(patch.columnTests)) {
      for (const t of tests) addGeneric(t, { target, attached, file: patch.file, locate, tags: patch.columns[column]?.tags ?? [], columnName: column });
    }
  }
  // Source tables.
  for (const s of sources) {
    if (s.tests.length === 0 && Object.keys(s.columnTests).length === 0) continue;
    const attached = nodes.get(`source.${projectName}.${s.sourceName}.${s.name}`);
    if (!attached) continue;
    const locate = once(() => locateEntry(project.files.properties, s));
    const target: TestTarget = { kind: 'source', source: s.sourceName, table: s.name };
    const tags = attached.tags;
    for (const t of s.tests) addGeneric(t, { target, attached, file: s.file, locate, tags, columnName: undefined });
    for (const [column, tests] of Object.entries(s.columnTests)) {
      for (const t of tests) addGeneric(t, { target, attached, file: s.file, locate, tags: [...tags, ...(s.columns[column]?.tags ?? [])], columnName: column });
    }
  }

  // Singular tests.
  for (const file of singularTestFiles(project)) {
    const scan = scanModel(file, projectName, engine, (record) => ctx.recordingContext(record, file.relPath), ctx.extractionCache?.get(file.checksum), ctx.refMacros);
    ctx.extractions.set(file.checksum, scan.extraction);
    validateConfigKeys(scan.inFileConfig, ctx.diagnostics, () => ({ file: file.relPath }));
    const config = testConfig(ctx, scan.fqn, scan.inFileConfig);
    const uniqueId = `test.${projectName}.${scan.name}`;
    claim(uniqueId, file.relPath, () => ({ file: file.relPath }));
    out.push({
      uniqueId,
      resourceType: 'test',
      testType: 'singular',
      name: scan.name,
      packageName: projectName,
      originalFilePath: file.relPath,
      path: file.pathInFolder,
      fqn: scan.fqn,
      description: '',
      columns: {},
      config,
      tags: config.tags,
      rawCode: file.contents,
      checksum: file.checksum,
      refs: scan.refs,
      sources: scan.sources,
      macros: scan.macros.filter((m) => engine.hasMacro(m)),
      renderedAtParse: scan.renderedAtParse,
      volatile: VOLATILE_NAMES.test(file.contents) || scan.extraction.calls.some((c) => ctx.volatileMacros.has(c)),
    });
  }

  out.push(...parseUnitTests(ctx, nodes));
  return out;
}

/** An argument that may evaluate Jinja (`ref('x')`, `{{ var('y') }}`) somewhere inside. */
function mayCall(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('(') || v.includes('{{');
  if (Array.isArray(v)) return v.some(mayCall);
  if (v && typeof v === 'object') return Object.values(v).some(mayCall);
  return false;
}

/** Config strings with `{{ … }}` (a `where` using var()) are rendered at parse, as dbt does. */
function renderConfigStrings(ctx: ParseKindContext, config: RawConfig, file: string, fail: (m: string, h?: string) => never): RawConfig {
  const out: RawConfig = {};
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'string' && v.includes('{{')) {
      try {
        out[k] = ctx.engine.render(file, v, ctx.recordingContext({ refs: [], sources: [], configs: [] }, file)).trim();
      } catch (e) {
        fail(`cannot render config \`${k}\`: ${e instanceof TsdbtError ? e.message : (e as Error).message}`);
      }
    } else out[k] = v;
  }
  return out;
}

/**
 * What a generic test reads: its target, plus refs and sources in its arguments
 * (`to: ref('customers')`) or made inside a custom test macro (found by rendering at parse).
 */
function testDependencies(ctx: ParseKindContext, spec: GenericTestSpec, rawCode: string, at: Attachment, fail: (m: string, h?: string) => never): { refs: RefCall[]; sources: SourceCall[]; calls: string[]; rendered: boolean } {
  const macro = `test_${spec.testName}`;
  // Most tests (unique, not_null …): plain arguments, a macro that makes no refs: just the target.
  if (!ctx.refMacros.has(macro) && !Object.entries(spec.kwargs).some(([k, v]) => k !== 'model' && k !== 'column_name' && mayCall(v))) {
    const t = at.target;
    return { refs: t.kind === 'ref' ? [{ name: t.name }] : [], sources: t.kind === 'source' ? [{ source: t.source, table: t.table }] : [], calls: [macro, 'get_where_subquery'], rendered: false };
  }
  const ex = extractStatic(rawCode);
  // Positions inside the generated template mean nothing to the user: errors name the YAML file.
  const place = <T extends { position?: SourcePosition | undefined }>(c: T): T => ({ ...c, position: undefined });
  const dedupe = <T>(items: T[], key: (t: T) => string) => [...new Map(items.map((i) => [key(i), i])).values()];
  if (ex.complete && !ex.calls.some((c) => ctx.refMacros.has(c))) {
    return { refs: dedupe(ex.refs.map(place), (r) => r.name), sources: dedupe(ex.sources.map(place), (s) => `${s.source}.${s.table}`), calls: ex.calls, rendered: false };
  }
  const record = { refs: [] as RefCall[], sources: [] as SourceCall[], configs: [] as RawConfig[] };
  try {
    ctx.engine.render(at.file, rawCode, ctx.recordingContext(record, at.file));
  } catch (e) {
    fail(`rendering the test at parse time failed: ${e instanceof TsdbtError ? e.message : (e as Error).message}`);
  }
  return { refs: dedupe(record.refs.map(place), (r) => r.name), sources: dedupe(record.sources.map(place), (s) => `${s.source}.${s.table}`), calls: ex.calls, rendered: true };
}
