// Rendered SQL kept across runs in target/.tsdbt/, one entry per model with the key of what it was
// rendered from (see Compiler.bodyKey): an unchanged model is not rendered again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TSDBT_VERSION, writeJson } from '../artifacts/metadata.js';
import type { BodyCacheEntry, Compiler } from '../compile/compile-project.js';
import type { Project } from '../project/load-project.js';

const FORMAT = 2;

interface CacheFile {
  format: number;
  version: string;
  /** projectFingerprint at save time: when it still matches, every entry's key does too. */
  fingerprint: string;
  entries: Array<[string, BodyCacheEntry]>;
}

export interface CompiledCache {
  entries: Map<string, BodyCacheEntry>;
  /** The whole project is unchanged since the save: keys need not be recomputed. */
  sameProject: boolean;
}

function cacheFile(project: Project): string {
  return path.join(project.projectDir, project.config.targetPath, '.tsdbt', 'compiled-cache.json');
}

/** Hash of every input file and setting: equal fingerprints mean an identical project. */
export function projectFingerprint(project: Project): string {
  const h = createHash('sha256');
  h.update(TSDBT_VERSION);
  h.update(JSON.stringify(project.config.raw));
  h.update(JSON.stringify(project.target));
  h.update(JSON.stringify(project.cliVars));
  h.update(String(project.threads));
  for (const group of [project.files.models, project.files.macros, project.files.properties, project.files.snapshots, project.files.tests, project.files.seeds, project.files.docs ?? []]) {
    for (const f of group) h.update(`${f.relPath}\0${f.checksum}\n`);
  }
  return h.digest('hex');
}

export function loadCompiledCache(project: Project): CompiledCache | undefined {
  try {
    const data = JSON.parse(readFileSync(cacheFile(project), 'utf8')) as CacheFile;
    if (data.format !== FORMAT || data.version !== TSDBT_VERSION) return undefined;
    return { entries: new Map(data.entries), sameProject: data.fingerprint === projectFingerprint(project) };
  } catch {
    return undefined;
  }
}

/** Save this compile's entries merged over the previous ones (a partial selection keeps the rest). */
export function saveCompiledCache(project: Project, compiler: Compiler, previous: CompiledCache | undefined): void {
  if (previous?.sameProject && compiler.renderedCount === 0) return; // nothing new
  const merged = new Map(previous?.entries);
  for (const [id, e] of compiler.entries) merged.set(id, e);
  try {
    writeJson(cacheFile(project), { format: FORMAT, version: TSDBT_VERSION, fingerprint: projectFingerprint(project), entries: [...merged] } satisfies CacheFile);
  } catch {
    // A read-only target dir only costs speed.
  }
}

/** Hash of the env vars the rendered bodies read (part of the manifest's reuse key). */
export function envReadsHash(compiler: Compiler): string {
  const h = createHash('sha256');
  for (const [id, e] of compiler.entries) h.update(`${id}:${JSON.stringify(e.env)}`);
  return h.digest('hex');
}
