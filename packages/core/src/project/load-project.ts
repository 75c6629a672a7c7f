// loadProject(dir) → Project: the project file, the target, and every file's contents.
// The only stage that reads the filesystem (execute/ writes artifacts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { TsdbtError } from '../errors.js';
import { PROJECT_KEYS } from './config-schema.js';
import { checkRequiredDbtVersion, readProjectFlags, warnDeprecatedKeys } from './project-compat.js';
import { Diagnostics } from './diagnostics.js';
import { readProjectFiles, type FileStat, type ProjectFile } from './files.js';
import { loadStatCache, saveStatCache } from './stat-cache.js';
import { resolveTarget, type ResolvedTarget } from './profiles.js';
import { parseYamlFile, yamlPosition, type YamlFile } from './yaml-file.js';
import { readPackageSpecs } from './packages.js';
import { renderYamlValue } from './yaml-render.js';

export interface LoadProjectOptions {
  projectDir?: string | undefined;
  profilesDir?: string | undefined;
  target?: string | undefined;
  /** `--vars`: a YAML/JSON string or an object. */
  vars?: string | Record<string, unknown> | undefined;
  threads?: number | undefined;
  /** Unknown config keys are errors instead of warnings. */
  strict?: boolean | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Use and update the file stat cache in target/.tsdbt (default true). */
  cache?: boolean | undefined;
  /** Check `require-dbt-version` (default true; dbt's --no-version-check turns it off). */
  versionCheck?: boolean | undefined;
}

export interface ProjectConfig {
  name: string;
  version: string;
  profile?: string | undefined;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  analysisPaths: string[];
  targetPath: string;
  cleanTargets: string[];
  /** Project vars (global ones; package-scoped vars for this project merged in). */
  vars: Record<string, unknown>;
  /** Folder config trees, by resource kind, as written under `models:` etc. */
  folderConfig: { models: Record<string, unknown>; seeds: Record<string, unknown>; snapshots: Record<string, unknown>; tests: Record<string, unknown>; sources: Record<string, unknown> };
  dispatch: Array<{ macro_namespace: string; search_order: string[] }>;
  /** `flags:` as written (unknown ones warned about). */
  flags: Record<string, unknown>;
  /** The raw project file, rendered. */
  raw: Record<string, unknown>;
}

export interface Project {
  projectDir: string;
  /** `tsdbt_project.yml` or `dbt_project.yml`. */
  projectFile: string;
  projectYaml: YamlFile;
  config: ProjectConfig;
  target: ResolvedTarget;
  /** Project vars overlaid with --vars. */
  vars: Record<string, unknown>;
  cliVars: Record<string, unknown>;
  threads: number;
  strict: boolean;
  env: NodeJS.ProcessEnv;
  /** `docs` holds the .md files with `{% docs %}` blocks (docs-paths, default every resource folder). */
  files: { models: ProjectFile[]; properties: ProjectFile[]; macros: ProjectFile[]; tests: ProjectFile[]; seeds: ProjectFile[]; snapshots: ProjectFile[]; docs?: ProjectFile[] | undefined };
  /** Values that must never be printed (passwords, secret env vars). */
  secrets: Set<string>;
  diagnostics: Diagnostics;
}

const PROJECT_KEY_LIST = Object.keys(PROJECT_KEYS);

export const PROJECT_FILE_NAMES = ['tsdbt_project.yml', 'dbt_project.yml'] as const;

export function parseCliVars(vars: LoadProjectOptions['vars']): Record<string, unknown> {
  if (vars === undefined || vars === '') return {};
  if (typeof vars === 'object') return vars;
  let parsed: unknown;
  try {
    parsed = parseYamlText(vars);
  } catch (e) {
    throw new TsdbtError('usage', `--vars is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, { hint: `e.g. --vars '{"start_date": "2024-01-01"}'` });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TsdbtError('usage', '--vars must be a mapping of names to values', { hint: `e.g. --vars '{"start_date": "2024-01-01"}'` });
  }
  return parsed as Record<string, unknown>;
}

function stringList(value: unknown, fallback: string[], key: string, file: string): string[] {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new TsdbtError('config', `\`${key}\` must be a list of folder names`, { location: { file } });
}

export async function loadProject(options: LoadProjectOptions = {}): Promise<Project> {
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const env = options.env ?? process.env;
  const projectFile = PROJECT_FILE_NAMES.find((f) => existsSync(path.join(projectDir, f)));
  if (!projectFile) {
    throw new TsdbtError('project', `no tsdbt_project.yml or dbt_project.yml in ${projectDir}`, {
      hint: 'run from a project folder, pass --project-dir, or create one with `tsdbt init <dir>`',
    });
  }
  const diagnostics = new Diagnostics(options.strict ?? false);
  const secrets = new Set<string>();
  const cliVars = parseCliVars(options.vars);
  const yaml = parseYamlFile(projectFile, readFileSync(path.join(projectDir, projectFile), 'utf8'));
  if (!yaml.value || typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    throw new TsdbtError('project', `${projectFile} must be a mapping with at least \`name:\``, { location: { file: projectFile } });
  }
  const raw = renderYamlValue(yaml.value, { env, vars: cliVars, secrets, file: projectFile }) as Record<string, unknown>;
  const locate = (key: string) => ({ file: projectFile, ...yamlPosition(yaml, [key]) });
  diagnostics.unknownKeys(Object.keys(raw), PROJECT_KEY_LIST, 'project key', locate);

  const name = raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TsdbtError('project', name === undefined ? `${projectFile} has no \`name:\`` : `project name \`${String(name)}\` must use letters, digits and underscores`, {
      location: locate('name'),
      hint: 'e.g. `name: jaffle_shop`',
    });
  }
  checkRequiredDbtVersion(raw['require-dbt-version'], name, locate('require-dbt-version'), options.versionCheck ?? true);
  readPackageSpecs(projectDir);
  warnDeprecatedKeys(raw, diagnostics, locate);
  const flags = readProjectFlags(raw.flags, diagnostics, (k) => ({ file: projectFile, ...yamlPosition(yaml, k ? ['flags', k] : ['flags']) }));
  const rawVars = (raw.vars ?? {}) as Record<string, unknown>;
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rawVars)) if (k !== name || typeof v !== 'object') vars[k] = v;
  if (rawVars[name] && typeof rawVars[name] === 'object') Object.assign(vars, rawVars[name]);

  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const config: ProjectConfig = {
    name,
    version: String(raw.version ?? '1.0.0'),
    profile: typeof raw.profile === 'string' ? raw.profile : undefined,
    modelPaths: stringList(raw['model-paths'] ?? raw['source-paths'], ['models'], 'model-paths', projectFile),
    seedPaths: stringList(raw['seed-paths'] ?? raw['data-paths'], ['seeds'], 'seed-paths', projectFile),
    macroPaths: stringList(raw['macro-paths'], ['macros'], 'macro-paths', projectFile),
    testPaths: stringList(raw['test-paths'], ['tests'], 'test-paths', projectFile),
    snapshotPaths: stringList(raw['snapshot-paths'], ['snapshots'], 'snapshot-paths', projectFile),
    analysisPaths: stringList(raw['analysis-paths'], ['analyses'], 'analysis-paths', projectFile),
    targetPath: typeof raw['target-path'] === 'string' ? raw['target-path'] : 'target',
    cleanTargets: stringList(raw['clean-targets'], ['target'], 'clean-targets', projectFile),
    vars,
    folderConfig: {
      models: obj(raw.models),
      seeds: obj(raw.seeds),
      snapshots: obj(raw.snapshots),
      tests: { ...obj(raw.tests), ...obj(raw.data_tests) },
      sources: obj(raw.sources),
    },
    dispatch: Array.isArray(raw.dispatch) ? (raw.dispatch as ProjectConfig['dispatch']) : [],
    flags,
    raw,
  };

  const allVars = { ...vars, ...cliVars };
  const target = resolveTarget({
    projectDir,
    projectName: name,
    profileName: config.profile,
    profilesDir: options.profilesDir,
    target: options.target,
    env,
    vars: allVars,
    secrets,
  });
  const threads = options.threads ?? (typeof target.config.threads === 'number' ? target.config.threads : 4);
  if (!Number.isInteger(threads) || threads < 1) throw new TsdbtError('usage', `--threads must be a positive integer, got ${threads}`);

  const statFile = path.join(projectDir, config.targetPath, '.tsdbt', 'file-stats.json');
  const stats = { known: options.cache === false ? undefined : loadStatCache(statFile), seen: new Map<string, FileStat>() };
  const read = (folders: string[], exts: string[]) => readProjectFiles(projectDir, folders, exts, true, stats);
  const files = {
    models: read(config.modelPaths, ['.sql']),
    properties: [...read(config.modelPaths, ['.yml', '.yaml']), ...read(config.seedPaths, ['.yml', '.yaml']), ...read(config.snapshotPaths, ['.yml', '.yaml']), ...read(config.macroPaths, ['.yml', '.yaml'])],
    macros: read(config.macroPaths, ['.sql']),
    tests: read(config.testPaths, ['.sql']),
    seeds: readProjectFiles(projectDir, config.seedPaths, ['.csv'], false),
    snapshots: read(config.snapshotPaths, ['.sql']),
    docs: read(Array.isArray(raw['docs-paths']) ? (raw['docs-paths'] as string[]) : [...new Set([...config.modelPaths, ...config.seedPaths, ...config.snapshotPaths, ...config.macroPaths])], ['.md']),
  };
  if (options.cache !== false) saveStatCache(statFile, stats.known, stats.seen);

  return { projectDir, projectFile, projectYaml: yaml, config, target, vars: allVars, cliVars, threads, strict: options.strict ?? false, env, files, secrets, diagnostics };
}
