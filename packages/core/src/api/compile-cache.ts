// Rendered SQL reused when nothing that affects rendering changed: same files (by checksum), same
// project config, target, vars and tsdbt version, and the same values of every env var read.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TSDBT_VERSION, writeJson } from '../artifacts/metadata.js';
import type { Compiler } from '../compile/compile-project.js';
import type { Project } from '../project/load-project.js';

const FORMAT = 1;

interface CacheFile {
  format: number;
  version: string;
  fingerprint: string;
  /** env var name → sha256 of its value ('' when unset). Values themselves are not stored. */
  env: Record<string, string>;
  bodies: Array<[string, string]>;
}

const hashValue = (v: string | undefined) => (v === undefined ? '' : createHash('sha256').update(v).digest('hex'));

function cacheFile(project: Project): string {
  return path.join(project.projectDir, project.config.targetPath, '.tsdbt', 'compiled-cache.json');
}

export function projectFingerprint(project: Project): string {
  const h = createHash('sha256');
  h.update(TSDBT_VERSION);
  h.update(JSON.stringify(project.config.raw));
  h.update(JSON.stringify(project.target));
  h.update(JSON.stringify(project.cliVars));
  for (const group of [project.files.models, project.files.macros, project.files.properties]) {
    for (const f of group) h.update(`${f.relPath}\0${f.checksum}\n`);
  }
  return h.digest('hex');
}

export function loadCompiledCache(project: Project, fingerprint: string): Map<string, string> | undefined {
  let data: CacheFile;
  try {
    data = JSON.parse(readFileSync(cacheFile(project), 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
  if (data.format !== FORMAT || data.version !== TSDBT_VERSION || data.fingerprint !== fingerprint) return undefined;
  for (const [name, hash] of Object.entries(data.env)) if (hashValue(project.env[name]) !== hash) return undefined;
  return new Map(data.bodies);
}

export function saveCompiledCache(project: Project, fingerprint: string, compiler: Compiler): void {
  const env: Record<string, string> = {};
  for (const [name, value] of compiler.envReads) env[name] = hashValue(value);
  const data: CacheFile = { format: FORMAT, version: TSDBT_VERSION, fingerprint, env, bodies: [...compiler.renderedBodies()] };
  try {
    writeJson(cacheFile(project), data, false);
  } catch {
    // A read-only target dir only costs speed.
  }
}
