// Static extractions cached by file checksum in target/, so an unchanged file is not re-scanned.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TSDBT_VERSION, writeJson } from '../artifacts/metadata.js';
import type { ParsedProject } from '../parse/parse-project.js';
import type { Project } from '../project/load-project.js';
import type { StaticExtraction } from '../template/static-extract.js';

const CACHE_FORMAT = 2;

export interface ParseCache {
  extractions: Map<string, StaticExtraction>;
  yaml: Map<string, unknown>;
}

function cacheFile(project: Project): string {
  return path.join(project.projectDir, project.config.targetPath, '.tsdbt', 'parse-cache.json');
}

export function loadParseCache(project: Project): ParseCache | undefined {
  try {
    const data = JSON.parse(readFileSync(cacheFile(project), 'utf8')) as { format: number; version: string; entries: Array<[string, StaticExtraction]>; yaml: Array<[string, unknown]> };
    if (data.format !== CACHE_FORMAT || data.version !== TSDBT_VERSION) return undefined;
    return { extractions: new Map(data.entries), yaml: new Map(data.yaml) };
  } catch {
    return undefined;
  }
}

export function saveParseCache(project: Project, parsed: ParsedProject): void {
  try {
    writeJson(cacheFile(project), { format: CACHE_FORMAT, version: TSDBT_VERSION, entries: [...parsed.extractions], yaml: [...parsed.yamlValues] });
  } catch {
    // A read-only target dir only costs speed.
  }
}
