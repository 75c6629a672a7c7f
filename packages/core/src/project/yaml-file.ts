// YAML reading with positions: errors and lookups point at file:line:column.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type Document } from 'yaml';
import { TsdbtError } from '../errors.js';

export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Plain JS value of the document (null for an empty file). */
  value: unknown;
}

/** Parse YAML text; a syntax error becomes a TsdbtError with the line and column. */
export function parseYamlFile(file: string, text: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
    const msg = err.message.split('\n')[0] ?? err.message;
    throw new TsdbtError('yaml', `invalid YAML: ${msg}`, {
      location: { file, line: pos?.line, column: pos?.col },
      hint: 'check indentation and that every `key: value` pair and list item is well formed',
    });
  }
  return { file, doc, lines, value: doc.toJS({ maxAliasCount: 1000 }) ?? null };
}

/** Line/column of the node at `path` (keys or indexes), or of its nearest existing parent. */
export function yamlPosition(y: YamlFile, path: ReadonlyArray<string | number>): { line: number; column: number } | undefined {
  let node: unknown = y.doc.contents;
  let best: YamlNode | undefined = isMap(node) || isSeq(node) || isScalar(node) ? (node as YamlNode) : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      // Point at the key for mapping entries: that's where the user looks.
      if (isScalar(pair.key)) best = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (isMap(node) || isSeq(node) || isScalar(node)) best = node as YamlNode;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  const p = y.lines.linePos(offset);
  return { line: p.line, column: p.col };
}
