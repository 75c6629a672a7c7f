// target/.tsdbt/file-stats.json: checksums by size, mtime and inode, so an unchanged project is not re-read.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileStat, StatCache } from './files.js';

const FORMAT = 1;

export function loadStatCache(file: string): StatCache | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { format: number; savedAt: number; files: Array<[string, FileStat]> };
    if (data.format !== FORMAT) return undefined;
    return { savedAt: data.savedAt, files: new Map(data.files) };
  } catch {
    return undefined;
  }
}

/** Save when anything differs from what was loaded (a file added, removed or re-hashed). */
export function saveStatCache(file: string, known: StatCache | undefined, seen: ReadonlyMap<string, FileStat>): void {
  if (known && known.files.size === seen.size && [...seen].every(([k, v]) => known.files.get(k) === v)) return;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ format: FORMAT, savedAt: Date.now(), files: [...seen] }));
  } catch {
    // A read-only target dir only costs speed.
  }
}
