// One entry under `tests:` / `data_tests:` in properties YAML → the pieces of a generic TestNode,
// named as dbt names them (generic_test_builders.py): `not_null_orders_order_id`,
// `accepted_values_orders_status__a__b`, `source_unique_raw_orders_id`; past 63 characters the
// first 30 of `<test>_<target>` plus the md5 of the full name (the full name stays the node name,
// the short one becomes its alias and compiled file name).
import { createHash } from 'node:crypto';
import { pyRepr, pyStr } from '../template/py.js';
import type { RawConfig } from './config.js';

/** Keys of a test entry that are config, not macro arguments (dbt's TestBuilder.CONFIG_ARGS). */
export const TEST_CONFIG_ARGS = ['severity', 'tags', 'enabled', 'where', 'limit', 'warn_if', 'error_if', 'fail_calc', 'store_failures', 'store_failures_as', 'meta', 'database', 'schema', 'alias'] as const;

/** Config every data test starts from (dbt's TestConfig defaults). */
export const TEST_CONFIG_DEFAULTS: RawConfig = { severity: 'ERROR', warn_if: '!= 0', error_if: '!= 0', fail_calc: 'count(*)', schema: 'dbt_test__audit' };

const TEST_NAME = /^(?:([A-Za-z_][0-9A-Za-z_]*)\.)?([A-Za-z_][0-9A-Za-z_]*)$/;
/** Argument strings dbt renders as Jinja expressions (`to: ref('customers')`). */
const LOOKS_LIKE_FUNC = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** What a generic test is defined on: a model/seed/snapshot (`ref`) or a source table. */
export type TestTarget = { kind: 'ref'; name: string } | { kind: 'source'; source: string; table: string };

export interface GenericTestSpec {
  /** Test name without namespace (`unique`); the macro is `test_<name>`. */
  testName: string;
  namespace: string | undefined;
  /** Macro arguments, `model` and `column_name` included (dbt's test_metadata.kwargs). */
  kwargs: Record<string, unknown>;
  /** Config from the entry (top-level config keys and `config:`), not yet rendered. */
  config: RawConfig;
  /** dbt's fqn_name: node name and unique_id part. */
  fullName: string;
  /** Alias and compiled file name (equal to fullName unless hashed). */
  shortName: string;
  description: string | undefined;
}

/** dbt's synthesize_generic_test_names. */
export function synthesizeTestNames(testType: string, targetName: string, args: Record<string, unknown>): { shortName: string; fullName: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const v = args[key];
    const parts = isObj(v) ? Object.values(v) : Array.isArray(v) ? v : [v];
    flat.push(...parts.map((p) => pyStr(p)));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testType}_${targetName}`;
  const fullName = `${identifier}_${unique}`;
  const shortName = fullName.length >= 64 ? `${identifier.slice(0, 30)}_${md5(fullName)}` : fullName;
  return { shortName, fullName };
}

/** dbt's get_hashable_md: dicts with sorted keys, lists, everything else as str(). */
function hashable(v: unknown): unknown {
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, hashable(v[k])]));
  if (Array.isArray(v)) return v.map(hashable);
  return pyStr(v);
}

/** The 10-character suffix of a generic test's unique_id: md5(name + repr(hashable metadata)). */
export function testIdHash(fullName: string, testName: string, namespace: string | undefined, kwargs: Record<string, unknown>): string {
  return md5(fullName + pyRepr(hashable({ namespace: namespace ?? null, name: testName, kwargs }))).slice(-10);
}

/** `{{ get_where_subquery(ref('orders')) }}`: the implicit `model` argument, as dbt writes it. */
export function modelArg(target: TestTarget): string {
  return target.kind === 'ref' ? `{{ get_where_subquery(ref('${target.name}')) }}` : `{{ get_where_subquery(source('${target.source}', '${target.table}')) }}`;
}

/**
 * Read one test entry: `unique`, `{unique: {…}}`, `{accepted_values: {values: […], config: {…}}}`,
 * `{accepted_values: {arguments: {values: […]}}}` or `{test_name: unique, name: …}`.
 * `fail` raises a located error for this entry.
 */
export function readTestEntry(entry: unknown, target: TestTarget, columnName: string | undefined, fail: (message: string, hint?: string) => never): GenericTestSpec {
  let rawName: unknown;
  let body: unknown;
  if (typeof entry === 'string') {
    rawName = entry;
    body = {};
  } else if (isObj(entry) && 'test_name' in entry) {
    const { test_name, ...rest } = entry;
    rawName = test_name;
    body = rest;
  } else if (isObj(entry)) {
    const keys = Object.keys(entry);
    if (keys.length !== 1) fail(`a test entry must have exactly one key (the test name), found ${keys.map((k) => `\`${k}\``).join(', ') || 'none'}`, 'write `- unique` or `- accepted_values: {values: [a, b]}`');
    rawName = keys[0];
    body = entry[keys[0]!] ?? {};
  } else fail('a test entry must be a test name or a mapping', 'write `- unique` or `- accepted_values: {values: [a, b]}`');
  if (typeof rawName !== 'string') fail('a test name must be a string');
  if (!isObj(body)) fail(`the arguments of test \`${rawName}\` must be a mapping`, `e.g. \`- ${rawName}: {arguments: {…}}\``);
  const m = TEST_NAME.exec(rawName);
  if (!m) fail(`\`${rawName}\` is not a valid test name`, 'a test name is an identifier, optionally namespaced: `unique`, `dbt_utils.expression_is_true`');

  const args: Record<string, unknown> = structuredClone(body);
  if (columnName !== undefined) args.column_name = columnName;
  if ('model' in args) fail(`test \`${rawName}\` has an argument named \`model\`, which is reserved`, 'the tested model is passed as `model` automatically');
  // dbt 1.10: arguments may sit under `arguments:`.
  if ('arguments' in args) {
    const a = args.arguments;
    delete args.arguments;
    if (a !== null && a !== undefined && !isObj(a)) fail(`\`arguments\` of test \`${rawName}\` must be a mapping`);
    Object.assign(args, a ?? {});
  }
  const description = typeof args.description === 'string' ? args.description : undefined;
  delete args.description;

  // Config: legacy top-level keys, then `config:`.
  const config: RawConfig = {};
  const nested = isObj(args.config) ? args.config : undefined;
  if (args.config !== undefined && args.config !== null && !nested) fail(`\`config\` of test \`${rawName}\` must be a mapping`);
  for (const key of TEST_CONFIG_ARGS) {
    if (!(key in args)) continue;
    const v = args[key];
    delete args[key];
    if (v && nested && key in nested) fail(`test \`${rawName}\` sets \`${key}\` both at the top level and under \`config:\``, 'keep it under `config:`');
    if (v !== null && v !== undefined) config[key] = v;
  }
  delete args.config;
  if (nested) for (const [k, v] of Object.entries(nested)) if (v !== null && v !== undefined) config[k] = v;

  const testName = m[2]!;
  const namespace = m[1];
  let customName: string | undefined;
  if ('name' in args) {
    if (typeof args.name !== 'string' || !args.name) fail(`the \`name\` of a \`${rawName}\` test must be a non-empty string`);
    customName = args.name;
    delete args.name;
  }
  args.model = modelArg(target);
  let fullName: string;
  let shortName: string;
  if (customName !== undefined) fullName = shortName = customName;
  else {
    const prefix = `${namespace ? `${namespace}_` : ''}${target.kind === 'source' ? 'source_' : ''}${testName}`;
    const targetName = target.kind === 'ref' ? target.name : `${target.source}_${target.table}`;
    ({ shortName, fullName } = synthesizeTestNames(prefix, targetName, args));
    if (shortName !== fullName && config.alias === undefined) config.alias = shortName;
  }
  return { testName, namespace, kwargs: args, config, fullName, shortName, description };
}

/** A Jinja string literal. */
export function jinjaString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/**
 * An argument value as a Jinja expression, rendered as dbt renders test kwargs: `ref('x')`-like
 * strings become the call, `{{ … }}` inside strings is evaluated, everything else is a literal.
 */
export function jinjaArg(value: unknown, key?: string): string {
  if (typeof value === 'string') {
    if (key === 'column_name') return jinjaString(value);
    if (key === 'model') return value.replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '');
    if (LOOKS_LIKE_FUNC.test(value)) return `(${value.trim()})`;
    if (value.includes('{{') && !value.includes('{%')) return interpolated(value);
    return jinjaString(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : jinjaString(String(value));
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map((v) => jinjaArg(v)).join(', ')}]`;
  if (isObj(value)) return `{${Object.entries(value).map(([k, v]) => `${jinjaString(k)}: ${jinjaArg(v)}`).join(', ')}}`;
  return jinjaString(String(value));
}

/** `"a {{ x }} b"` → `('a ' ~ (x) ~ ' b')`; a lone `{{ x }}` keeps its value's type. */
function interpolated(s: string): string {
  const parts: string[] = [];
  const re = /\{\{([\s\S]*?)\}\}/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) parts.push(jinjaString(s.slice(last, m.index)));
    parts.push(`(${m[1]!.trim()})`);
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push(jinjaString(s.slice(last)));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' ~ ')})`;
}

/** The test's template: one call of its macro with every argument spelled out. */
export function genericTestCode(spec: GenericTestSpec): string {
  const kw = Object.keys(spec.kwargs)
    .sort((a, b) => (a === 'model' ? -1 : b === 'model' ? 1 : a === 'column_name' ? -1 : b === 'column_name' ? 1 : 0))
    .map((k) => `${k}=${jinjaArg(spec.kwargs[k], k)}`);
  return `{{ ${testMacroName(spec)}(${kw.join(', ')}) }}`;
}

/** The macro a test runs: `test_<name>`, or `<package>.test_<name>` for `dbt_utils.accepted_range`. */
export function testMacroName(spec: Pick<GenericTestSpec, 'namespace' | 'testName'>): string {
  return spec.namespace ? `${spec.namespace}.test_${spec.testName}` : `test_${spec.testName}`;
}
