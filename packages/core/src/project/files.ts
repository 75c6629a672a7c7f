// Reading project files: one pass per resource folder; contents read once, on demand when a
// checksum is already known from the stat cache.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

export interface ProjectFile {
  /** Relative to the project dir, `/`-separated: `models/staging/stg_orders.sql`. */
  readonly relPath: string;
  /** Relative to the resource folder it was found in: `staging/stg_orders.sql`. */
  readonly pathInFolder: string;
  /** The resource folder (`models`). */
  readonly folder: string;
  readonly absPath: string;
  /** File text, read on first use when the checksum came from the stat cache. */
  readonly contents: string;
  /** sha256 of the contents (for seeds: size and mtime). */
  readonly checksum: string;
}

/** What a file looked like when its checksum was last computed. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
  checksum: string;
}

/**
 * Checksums known from an earlier run, trusted for a file whose size, mtime and inode are unchanged
 * and whose mtime is safely older than when they were recorded (a file written in the same instant
 * as the record could change without its mtime moving: git's "racy" case).
 */
export interface StatCache {
  savedAt: number;
  files: Map<string, FileStat>;
}

const RACY_MS = 2000;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Relative paths of the files under `root` (none when it is missing). Hand-rolled because Node's
 * `readdirSync({ recursive: true })` stats every entry, which doubled load time on 10k files.
 */
function walk(root: string): string[] {
  const out: string[] = [];
  const stack: string[] = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    let dirents;
    try {
      dirents = readdirSync(rel ? path.join(root, rel) : root, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const d of dirents) {
      const child = rel ? `${rel}${path.sep}${d.name}` : d.name;
      if (d.isDirectory()) stack.push(child);
      else if (d.isFile() || d.isSymbolicLink()) out.push(child);
    }
  }
  return out;
}

class LazyFile implements ProjectFile {
  private text: string | undefined;
  constructor(
    readonly relPath: string,
    readonly pathInFolder: string,
    readonly folder: string,
    readonly absPath: string,
    readonly checksum: string,
    text?: string,
  ) {
    this.text = text;
  }
  get contents(): string {
    return (this.text ??= readFileSync(this.absPath, 'utf8'));
  }
}

/**
 * Every file under `folders` (relative to projectDir) whose name ends with one of `exts`, sorted by
 * path. With `readContents: false` (seeds: possibly gigabytes) the checksum is size+mtime and the
 * contents are never read here. `stats` (optional) supplies known checksums and receives new ones.
 */
export function readProjectFiles(projectDir: string, folders: readonly string[], exts: readonly string[], readContents = true, stats?: { known?: StatCache | undefined; seen: Map<string, FileStat> }): ProjectFile[] {
  const out: ProjectFile[] = [];
  for (const folder of folders) {
    const root = path.resolve(projectDir, folder);
    const entries = walk(root);
    for (const entry of entries) {
      if (!exts.some((e) => entry.endsWith(e))) continue;
      const absPath = path.join(root, entry);
      const pathInFolder = entry.split(path.sep).join('/');
      if (pathInFolder.split('/').some((p) => p.startsWith('.'))) continue;
      const relPath = `${folder.replace(/\/+$/, '')}/${pathInFolder}`.replace(/^\.\//, '');
      const st = statSync(absPath);
      if (!readContents) {
        out.push(new LazyFile(relPath, pathInFolder, folder, absPath, `size:${st.size}:mtime:${st.mtimeMs}`));
        continue;
      }
      const known = stats?.known?.files.get(relPath);
      if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino && st.mtimeMs < stats!.known!.savedAt - RACY_MS) {
        stats!.seen.set(relPath, known);
        out.push(new LazyFile(relPath, pathInFolder, folder, absPath, known.checksum));
        continue;
      }
      const text = readFileSync(absPath, 'utf8');
      const checksum = sha256(text);
      stats?.seen.set(relPath, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, checksum });
      out.push(new LazyFile(relPath, pathInFolder, folder, absPath, checksum, text));
    }
  }
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}
