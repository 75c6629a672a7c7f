// YAML reading with positions: errors and lookups point at file:line:column.
// Values come from js-yaml (≈10× faster than `yaml` on large properties files); the `yaml`
// document with positions is built only when a message needs a line number.
import jsyaml from 'js-yaml';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type Document } from 'yaml';
import { TsdbtError } from '../errors.js';

export interface YamlFile {
  file: string;
  text: string;
  /** Plain JS value of the document (null for an empty file). */
  value: unknown;
}

/** YAML 1.2 core types plus `<<` merge keys; dates stay strings, as they render in SQL. */
const mergeType = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge;
const SCHEMA = jsyaml.CORE_SCHEMA.extend([mergeType]);

const located = new WeakMap<YamlFile, { doc: Document.Parsed; lines: LineCounter }>();

function positioned(y: YamlFile): { doc: Document.Parsed; lines: LineCounter } {
  let p = located.get(y);
  if (!p) {
    const lines = new LineCounter();
    p = { doc: parseDocument(y.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false }), lines };
    located.set(y, p);
  }
  return p;
}

/** Parse YAML text; a syntax error becomes a TsdbtError with the line and column. */
export function parseYamlFile(file: string, text: string): YamlFile {
  try {
    return { file, text, value: jsyaml.load(text, { schema: SCHEMA, filename: file }) ?? null };
  } catch (e) {
    // Prefer the `yaml` library's message and position; fall back to js-yaml's mark.
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const err = doc.errors[0];
    const mark = (e as { mark?: { line: number; column: number } }).mark;
    const pos = err ? (err.linePos?.[0] ?? lines.linePos(err.pos[0])) : mark ? { line: mark.line + 1, col: mark.column + 1 } : undefined;
    const msg = err ? err.message.split('\n')[0]! : ((e as { reason?: string }).reason ?? (e as Error).message.split('\n')[0]!);
    throw new TsdbtError('yaml', `invalid YAML: ${msg}`, {
      location: { file, line: pos?.line, column: pos?.col },
      hint: 'check indentation and that every `key: value` pair and list item is well formed',
    });
  }
}

/** Line/column of the node at `path` (keys or indexes), or of its nearest existing parent. */
export function yamlPosition(y: YamlFile, path: ReadonlyArray<string | number>): { line: number; column: number } | undefined {
  const { doc, lines } = positioned(y);
  let node: unknown = doc.contents;
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
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}
