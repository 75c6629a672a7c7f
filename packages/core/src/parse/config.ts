// Config resolution as in dbt: defaults < folder config (dbt_project.yml) < properties YAML < config() in the file.
import type { ErrorLocation } from '../errors.js';
import { NODE_CONFIG_KEYS } from '../project/config-schema.js';
import type { Diagnostics } from '../project/diagnostics.js';
import type { NodeConfig } from './nodes.js';

const NODE_CONFIG_KEY_LIST = Object.keys(NODE_CONFIG_KEYS);

export type RawConfig = Record<string, unknown>;

const HOOK_ALIASES: Record<string, string> = { 'pre-hook': 'pre_hook', 'post-hook': 'post_hook' };

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Merge `over` into `base` with dbt's rules: tags add up, meta merges, hooks append, the rest replaces. */
export function mergeConfig(base: RawConfig, over: RawConfig): RawConfig {
  const out: RawConfig = { ...base };
  for (const [rawKey, value] of Object.entries(over)) {
    const key = HOOK_ALIASES[rawKey] ?? rawKey;
    if (value === undefined) continue;
    if (key === 'tags') {
      out.tags = [...new Set([...(asList(out.tags) as string[]), ...(asList(value) as string[])])];
    } else if ((key === 'meta' || key === 'column_types') && value && typeof value === 'object') {
      // dbt merges these mappings key by key (MergeBehavior.Update).
      out[key] = { ...((out[key] as RawConfig | undefined) ?? {}), ...(value as RawConfig) };
    } else if (key === 'pre_hook' || key === 'post_hook') {
      out[key] = [...asList(out[key]), ...asList(value)];
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Normalise a merged raw config into a NodeConfig with defaults filled in. */
export function finalizeConfig(raw: RawConfig, defaults: { materialized: string }): NodeConfig {
  const tags = (asList(raw.tags) as unknown[]).map(String);
  return {
    ...raw,
    enabled: raw.enabled === undefined ? true : raw.enabled !== false && raw.enabled !== 'false',
    materialized: typeof raw.materialized === 'string' ? raw.materialized : defaults.materialized,
    tags,
    meta: (raw.meta as Record<string, unknown> | undefined) ?? {},
    schema: raw.schema === null || raw.schema === undefined ? undefined : String(raw.schema),
    database: raw.database === null || raw.database === undefined ? undefined : String(raw.database),
    alias: raw.alias === null || raw.alias === undefined ? undefined : String(raw.alias),
  };
}

/** Check keys of one config mapping against the known node config keys. */
export function validateConfigKeys(config: RawConfig, diagnostics: Diagnostics, locate: (key: string) => ErrorLocation | undefined): void {
  diagnostics.unknownKeys(Object.keys(config), NODE_CONFIG_KEY_LIST, 'config key', locate);
}

/**
 * Folder-level config for one node: walk the `models:` tree along the fqn ([project, ...dirs, name])
 * and merge every level's `+key` entries (and bare known config keys), outermost first.
 */
export function folderConfigFor(tree: RawConfig, fqn: readonly string[]): RawConfig {
  let config: RawConfig = {};
  let level: unknown = tree;
  for (let depth = 0; ; depth++) {
    if (!level || typeof level !== 'object') break;
    config = mergeConfig(config, configEntries(level as RawConfig));
    const part = fqn[depth];
    if (part === undefined) break;
    level = (level as RawConfig)[part];
  }
  return config;
}

/** The config entries of one level of a folder-config tree: `+key`, or a known config key whose value is not a sub-folder. */
export function configEntries(level: RawConfig): RawConfig {
  const out: RawConfig = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) out[key.slice(1)] = value;
    else if (key in NODE_CONFIG_KEYS && !(value && typeof value === 'object' && !Array.isArray(value) && key !== 'meta' && key !== 'docs' && key !== 'column_types' && key !== 'persist_docs' && key !== 'grants' && key !== 'contract'))
      out[key] = value;
  }
  return out;
}

/**
 * Warn about `+keys` in a folder-config tree that are not config keys (`+materialised`).
 * `locate` gives the position of a key path.
 */
export function validateFolderTree(tree: RawConfig, diagnostics: Diagnostics, locate: (path: string[]) => ErrorLocation | undefined, prefix: string[] = []): void {
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith('+')) {
      const name = key.slice(1);
      diagnostics.unknownKeys([name], NODE_CONFIG_KEY_LIST, 'config key', () => locate([...prefix, key]));
    } else if (value && typeof value === 'object' && !Array.isArray(value) && !(key in NODE_CONFIG_KEYS)) {
      validateFolderTree(value as RawConfig, diagnostics, locate, [...prefix, key]);
    }
  }
}
