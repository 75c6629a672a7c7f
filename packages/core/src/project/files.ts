// Reading project files: one pass per resource folder, contents and checksums kept in memory.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

export interface ProjectFile {
  /** Relative to the project dir, `/`-separated: `models/staging/stg_orders.sql`. */
  relPath: string;
  /** Relative to the resource folder it was found in: `staging/stg_orders.sql`. */
  pathInFolder: string;
  /** The resource folder (`models`). */
  folder: string;
  absPath: string;
  contents: string;
  checksum: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every file under `folders` (relative to projectDir) whose name ends with one of `exts`, sorted by path. */
/** With `readContents: false` (seeds: possibly gigabytes) contents stay empty and the checksum is size+mtime. */
export function readProjectFiles(projectDir: string, folders: readonly string[], exts: readonly string[], readContents = true): ProjectFile[] {
  const out: ProjectFile[] = [];
  for (const folder of folders) {
    const root = path.resolve(projectDir, folder);
    let entries: string[];
    try {
      if (!statSync(root).isDirectory()) continue;
      entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!exts.some((e) => entry.endsWith(e))) continue;
      const absPath = path.join(root, entry);
      const pathInFolder = entry.split(path.sep).join('/');
      if (pathInFolder.split('/').some((p) => p.startsWith('.'))) continue;
      let contents = '';
      let checksum: string;
      if (readContents) {
        contents = readFileSync(absPath, 'utf8');
        checksum = sha256(contents);
      } else {
        const st = statSync(absPath);
        checksum = `size:${st.size}:mtime:${st.mtimeMs}`;
      }
      out.push({
        relPath: `${folder.replace(/\/+$/, '')}/${pathInFolder}`.replace(/^\.\//, ''),
        pathInFolder,
        folder,
        absPath,
        contents,
        checksum,
      });
    }
  }
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}
