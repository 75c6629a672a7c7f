// profiles.yml lookup and target resolution, with the zero-config DuckDB default.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TargetConfig } from '../adapter/types.js';
import { TsdbtError, didYouMean } from '../errors.js';
import { parseYamlFile, yamlPosition } from './yaml-file.js';
import { renderYamlValue } from './yaml-render.js';

export interface ResolvedTarget {
  /** Target name (`dev`), or `default` for the zero-config target. */
  name: string;
  profileName: string;
  /** Where the profile came from; undefined for the zero-config default. */
  profilesFile?: string | undefined;
  config: TargetConfig;
}

export interface ProfileLookup {
  projectDir: string;
  projectName: string;
  profileName: string | undefined;
  profilesDir?: string | undefined;
  target?: string | undefined;
  env: NodeJS.ProcessEnv;
  vars: Record<string, unknown>;
  secrets: Set<string>;
}

const NUMERIC_KEYS = new Set(['port', 'threads', 'connect_timeout', 'keepalives_idle', 'retries']);
/** Keys whose values are always secret, whatever adapter. */
export const SECRET_TARGET_KEYS = ['password', 'pass', 'token', 'private_key', 'private_key_passphrase', 'client_secret', 'keyfile_json'];

/** --profiles-dir, then $TSDBT_PROFILES_DIR / $DBT_PROFILES_DIR, then the project dir, then ~/.tsdbt/. */
export function findProfilesFile(projectDir: string, profilesDir: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (profilesDir) {
    const file = path.resolve(profilesDir, 'profiles.yml');
    if (!existsSync(file)) throw new TsdbtError('profile', `no profiles.yml in --profiles-dir ${profilesDir}`, { hint: 'create it, or drop --profiles-dir to use the zero-config DuckDB target' });
    return file;
  }
  const candidates = [env.TSDBT_PROFILES_DIR, env.DBT_PROFILES_DIR, projectDir, path.join(os.homedir(), '.tsdbt')];
  for (const dir of candidates) {
    if (!dir) continue;
    const file = path.resolve(dir, 'profiles.yml');
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function resolveTarget(lookup: ProfileLookup): ResolvedTarget {
  const file = findProfilesFile(lookup.projectDir, lookup.profilesDir, lookup.env);
  const profileName = lookup.profileName ?? lookup.projectName;
  if (!file) {
    if (lookup.target) {
      throw new TsdbtError('profile', `--target ${lookup.target} was given, but no profiles.yml was found`, {
        hint: 'looked in --profiles-dir, $TSDBT_PROFILES_DIR, $DBT_PROFILES_DIR, the project folder and ~/.tsdbt/; without one the only target is the zero-config DuckDB default',
      });
    }
    return defaultTarget(lookup, profileName);
  }
  const display = path.relative(lookup.projectDir, file) || file;
  const yaml = parseYamlFile(display, readFileSync(file, 'utf8'));
  const profiles = (yaml.value ?? {}) as Record<string, unknown>;
  const profile = profiles[profileName] as Record<string, unknown> | undefined;
  if (!profile || typeof profile !== 'object') {
    if (!lookup.profileName) return defaultTarget(lookup, profileName);
    const hint = didYouMean(profileName, Object.keys(profiles).filter((k) => k !== 'config'));
    throw new TsdbtError('profile', `profile \`${profileName}\` is not defined in ${display}`, {
      location: { file: display },
      hint: hint ?? 'add it, or remove `profile:` from the project file to use the zero-config DuckDB target',
    });
  }
  const outputs = (profile.outputs ?? {}) as Record<string, unknown>;
  const ctx = { env: lookup.env, vars: lookup.vars, secrets: lookup.secrets, file: display };
  const defaultName = profile.target === undefined ? undefined : String(renderYamlValue(profile.target, ctx, `${profileName}.target`));
  const targetName = lookup.target ?? defaultName ?? 'dev';
  const raw = outputs[targetName];
  if (!raw || typeof raw !== 'object') {
    const hint = didYouMean(targetName, Object.keys(outputs));
    const pos = yamlPosition(yaml, [profileName, 'outputs']);
    throw new TsdbtError('profile', `target \`${targetName}\` is not defined in profile \`${profileName}\``, {
      location: { file: display, line: pos?.line, column: pos?.column },
      hint: hint ?? `defined targets: ${Object.keys(outputs).join(', ') || '(none)'}`,
    });
  }
  const rendered = renderYamlValue(raw, ctx, `${profileName}.outputs.${targetName}`) as Record<string, unknown>;
  for (const key of Object.keys(rendered)) {
    const v = rendered[key];
    if (NUMERIC_KEYS.has(key) && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) rendered[key] = Number(v);
    if (SECRET_TARGET_KEYS.includes(key) && typeof v === 'string' && v !== '') lookup.secrets.add(v);
    // A password inside a connection URL (`postgres://user:pass@host/db`) is a secret too.
    if (typeof v === 'string') for (const p of urlPasswords(v)) lookup.secrets.add(p);
  }
  if (typeof rendered.type !== 'string') {
    const pos = yamlPosition(yaml, [profileName, 'outputs', targetName]);
    throw new TsdbtError('profile', `target \`${targetName}\` has no \`type:\``, { location: { file: display, line: pos?.line, column: pos?.column }, hint: 'e.g. `type: duckdb` or `type: postgres`' });
  }
  const schema = typeof rendered.schema === 'string' ? rendered.schema : rendered.type === 'duckdb' ? 'main' : 'public';
  return { name: targetName, profileName, profilesFile: file, config: { ...rendered, type: rendered.type, schema } };
}

function defaultTarget(lookup: ProfileLookup, profileName: string): ResolvedTarget {
  return {
    name: 'default',
    profileName,
    config: { type: 'duckdb', schema: 'main', path: path.join(lookup.projectDir, `${lookup.projectName}.duckdb`), threads: 4 },
  };
}

/** Passwords in `scheme://user:password@host` URLs within `text`, raw and percent-decoded. */
export function urlPasswords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/gi)) {
    out.push(m[1]!);
    try {
      const decoded = decodeURIComponent(m[1]!);
      if (decoded !== m[1]) out.push(decoded);
    } catch {
      // not percent-encoded
    }
  }
  return out;
}
