// dbt docs blocks: `{% docs name %}…{% enddocs %}` in .md files under the docs paths, and
// `{{ doc('name') }}` in YAML descriptions, which dbt renders to the block's text at parse time.
import { TsdbtError } from '../errors.js';
import type { ProjectFile } from '../project/files.js';
import { TemplateEngine } from './engine.js';
import { jinjaFunction } from './jinja-function.js';

export interface DocsBlock {
  name: string;
  /** The block's text, stripped of surrounding whitespace (as dbt stores `block_contents`). */
  contents: string;
  file: string;
}

const OPEN = /\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}/g;
const CLOSE = /\{%-?\s*enddocs\s*-?%\}/g;

/** The docs blocks in one file, in order. Text outside blocks is ignored, as in dbt. */
export function parseDocsBlocks(file: string, source: string): DocsBlock[] {
  const out: DocsBlock[] = [];
  OPEN.lastIndex = 0;
  for (let m = OPEN.exec(source); m; m = OPEN.exec(source)) {
    CLOSE.lastIndex = OPEN.lastIndex;
    const end = CLOSE.exec(source);
    const line = source.slice(0, m.index).split('\n').length;
    if (!end) throw new TsdbtError('template', `\`{% docs ${m[1]} %}\` has no \`{% enddocs %}\``, { location: { file, line } });
    // dbt renders a block's text (with an empty context) before storing it
    const raw = source.slice(OPEN.lastIndex, end.index);
    const text = raw.includes('{{') || raw.includes('{%') ? (engine ??= new TemplateEngine()).render(file, raw, {}) : raw;
    out.push({ name: m[1] as string, contents: text.trim(), file });
    OPEN.lastIndex = CLOSE.lastIndex;
  }
  return out;
}

/** Every docs block of the project by name; a name defined twice is an error (as in dbt). */
export function collectDocs(files: readonly ProjectFile[]): Map<string, DocsBlock> {
  const docs = new Map<string, DocsBlock>();
  for (const f of files) {
    for (const b of parseDocsBlocks(f.relPath, f.contents)) {
      const prev = docs.get(b.name);
      if (prev) throw new TsdbtError('template', `docs block \`${b.name}\` is defined twice: in ${prev.file} and ${b.file}`, { location: { file: b.file } });
      docs.set(b.name, b);
    }
  }
  return docs;
}

let engine: TemplateEngine | undefined;

/**
 * A description with `{{ doc('name') }}` (or `doc('package', 'name')`) rendered; text without a
 * doc() call is returned as is. A missing block is an error naming the description's file.
 */
export function renderDescription(text: string, docs: ReadonlyMap<string, DocsBlock>, file: string): string {
  // only descriptions that call doc() are rendered; other template text is kept as written
  if (!text.includes('doc(') || (!text.includes('{{') && !text.includes('{%'))) return text;
  engine ??= new TemplateEngine();
  const doc = jinjaFunction((args) => {
    const name = String(args.length > 1 ? args[1] : args[0]);
    const block = docs.get(name);
    if (!block) throw new TsdbtError('template', `doc('${name}') is not defined: no \`{% docs ${name} %}\` block in the docs paths`, { location: { file } });
    return block.contents;
  });
  return engine.render(file, text, { doc });
}

interface Described {
  description: string;
  columns?: Record<string, { description?: string | undefined }> | undefined;
  sourceDescription?: string | undefined;
  patchPath?: string | undefined;
  originalFilePath?: string | undefined;
}

/** Render `doc()` in the descriptions of nodes and their columns, in place. */
export function applyDocs(nodes: Iterable<Described>, docs: ReadonlyMap<string, DocsBlock>): void {
  for (const n of nodes) {
    const file = n.patchPath ?? n.originalFilePath ?? '<properties>';
    n.description = renderDescription(n.description, docs, file);
    if (typeof n.sourceDescription === 'string') n.sourceDescription = renderDescription(n.sourceDescription, docs, file);
    for (const c of Object.values(n.columns ?? {})) if (typeof c.description === 'string') c.description = renderDescription(c.description, docs, file);
  }
}
