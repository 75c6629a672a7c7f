// Static ref/source/config extraction (the parse phase never renders when it can avoid it), and
// substitution rendering of "simple" templates: text plus `{{ fn(literals) }}` / `{{ this }}`.
import { TsdbtError } from '../errors.js';
import type { RefCall, SourceCall, SourcePosition } from '../parse/nodes.js';
import { toRawArgs } from './jinja-function.js';
import { pyStr, PyTuple, pyTuple } from './py.js';
import { LineIndex, firstWord, normalizeSource, scanTemplate, tokenize, type Tok } from './scanner.js';

export type StaticValue = string | number | boolean | null | StaticValue[] | { [k: string]: StaticValue };
export interface StaticCall {
  fn: string;
  args: StaticValue[];
  kwargs: Record<string, StaticValue>;
  position: SourcePosition;
}
export interface ThisRef {
  fn: 'this';
  args: [];
  kwargs: Record<string, never>;
  position: SourcePosition;
}
export interface StaticExtraction {
  refs: RefCall[];
  sources: SourceCall[];
  /** kwargs of each config() call (a positional dict is merged in). */
  configs: Array<Record<string, StaticValue>>;
  /** Other functions called anywhere (candidate macros, `pkg.macro` dotted), in order of appearance. */
  calls: string[];
  /**
   * Every ref/source/config call has literal arguments, none sits in a loop, macro or call block
   * (configs not even in an `if`), and the names are never shadowed or passed around: the refs,
   * sources and configs above are what rendering finds — for the template's own calls. Refs made
   * inside macros it calls (see `calls`) are not seen statically.
   */
  complete: boolean;
  /** Only text, comments, `{{ this }}` and `{{ fn(literals) }}` for fn in ref/source/config/var/env_var. */
  simple: boolean;
  segments?: Array<string | StaticCall | ThisRef>;
}

const TRACKED = new Set(['ref', 'source', 'config']);
const SIMPLE_FNS = new Set(['ref', 'source', 'config', 'var', 'env_var']);
const KEYWORDS = new Set(['if', 'elif', 'else', 'for', 'in', 'not', 'and', 'or', 'is', 'set', 'macro', 'call', 'filter', 'do', 'with', 'without', 'context', 'import', 'include', 'from', 'as', 'test', 'materialization', 'snapshot', 'docs']);
/** Built-in names and context objects that are never project macros. */
const NOT_MACROS = new Set(['var', 'env_var', 'return', 'log', 'print', 'range', 'zip', 'tojson', 'fromjson', 'toyaml', 'fromyaml', 'set', 'set_strict', 'dict', 'namespace', 'local_md5', 'caller', 'cycler', 'joiner', 'lipsum', 'super', 'varargs', 'kwargs']);
const OBJECT_ROOTS = new Set(['exceptions', 'modules', 'loop', 'adapter', 'config', 'this', 'target', 'model', 'graph', 'builtins', 'api', 'flags', 'invocation_args_dict', 'dbt_version', 'run_started_at', 'ref', 'source']);
const METHODS = new Set(['append', 'extend', 'update', 'items', 'keys', 'values', 'get', 'pop', 'upper', 'lower', 'strip', 'lstrip', 'rstrip', 'split', 'replace', 'join', 'format', 'startswith', 'endswith', 'copy', 'insert', 'remove', 'index', 'count', 'title', 'capitalize', 'setdefault']);
const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'test', 'materialization', 'docs', 'snapshot', 'with', 'autoescape', 'raw', 'verbatim']);
const INNER_TAGS = new Set(['elif', 'else', 'do', 'break', 'continue']);
/** Blocks whose body runs once, unconditionally or as a whole (refs inside stay exact). */
const TRANSPARENT = new Set(['snapshot']);

type Parsed<T> = { ok: true; value: T; next: number } | { ok: false };
const FAIL = { ok: false } as const;

/** A literal value at toks[i] (strings, numbers, booleans, none, lists, tuples, dicts with string keys). */
function parseLiteral(toks: Tok[], i: number): Parsed<StaticValue> {
  const t = toks[i];
  if (!t) return FAIL;
  if (t.t === 'str') return { ok: true, value: t.v, next: i + 1 };
  if (t.t === 'num') return { ok: true, value: t.n, next: i + 1 };
  if (t.t === 'name') {
    if (t.v === 'true' || t.v === 'True') return { ok: true, value: true, next: i + 1 };
    if (t.v === 'false' || t.v === 'False') return { ok: true, value: false, next: i + 1 };
    if (t.v === 'none' || t.v === 'None') return { ok: true, value: null, next: i + 1 };
    return FAIL;
  }
  if (t.v === '-' && toks[i + 1]?.t === 'num') return { ok: true, value: -toks[i + 1]!.n, next: i + 2 };
  if (t.v === '[' || t.v === '(') {
    const close = t.v === '[' ? ']' : ')';
    const items: StaticValue[] = [];
    let k = i + 1;
    if (toks[k]?.v === close && toks[k]?.t === 'op') return { ok: true, value: t.v === '(' ? (pyTuple(items) as StaticValue[]) : items, next: k + 1 };
    for (;;) {
      const item = parseLiteral(toks, k);
      if (!item.ok) return FAIL;
      items.push(item.value);
      k = item.next;
      const sep = toks[k];
      if (sep?.t !== 'op') return FAIL;
      if (sep.v === close) return { ok: true, value: t.v === '(' ? (items.length === 1 ? (items[0] as StaticValue) : (pyTuple(items) as StaticValue[])) : items, next: k + 1 };
      if (sep.v !== ',') return FAIL;
      k++;
    }
  }
  if (t.v === '{') {
    const obj: Record<string, StaticValue> = {};
    let k = i + 1;
    if (toks[k]?.v === '}' && toks[k]?.t === 'op') return { ok: true, value: obj, next: k + 1 };
    for (;;) {
      const key = toks[k];
      if (key?.t !== 'str' || toks[k + 1]?.v !== ':') return FAIL;
      const val = parseLiteral(toks, k + 2);
      if (!val.ok) return FAIL;
      obj[key.v] = val.value;
      k = val.next;
      const sep = toks[k];
      if (sep?.t !== 'op') return FAIL;
      if (sep.v === '}') return { ok: true, value: obj, next: k + 1 };
      if (sep.v !== ',') return FAIL;
      k++;
    }
  }
  return FAIL;
}

/** Call arguments starting at the `(` at toks[i]: literals and `name=literal`. */
function parseArgs(toks: Tok[], i: number): Parsed<{ args: StaticValue[]; kwargs: Record<string, StaticValue> }> {
  const args: StaticValue[] = [];
  const kwargs: Record<string, StaticValue> = {};
  let k = i + 1;
  if (toks[k]?.t === 'op' && toks[k]?.v === ')') return { ok: true, value: { args, kwargs }, next: k + 1 };
  for (;;) {
    const t = toks[k];
    if (t?.t === 'name' && toks[k + 1]?.t === 'op' && toks[k + 1]?.v === '=') {
      const val = parseLiteral(toks, k + 2);
      if (!val.ok) return FAIL;
      kwargs[t.v] = val.value;
      k = val.next;
    } else {
      const val = parseLiteral(toks, k);
      if (!val.ok) return FAIL;
      args.push(val.value);
      k = val.next;
    }
    const sep = toks[k];
    if (sep?.t !== 'op') return FAIL;
    if (sep.v === ')') return { ok: true, value: { args, kwargs }, next: k + 1 };
    if (sep.v !== ',') return FAIL;
    k++;
  }
}

function toRef(args: StaticValue[], kwargs: Record<string, StaticValue>, position: SourcePosition): RefCall | undefined {
  if (args.length < 1 || args.length > 2 || !args.every((a) => typeof a === 'string')) return undefined;
  const version = kwargs['version'] ?? kwargs['v'];
  if (Object.keys(kwargs).some((k) => k !== 'version' && k !== 'v')) return undefined;
  if (version !== undefined && typeof version !== 'string' && typeof version !== 'number') return undefined;
  const ref: RefCall = args.length === 2 ? { package: args[0] as string, name: args[1] as string, position } : { name: args[0] as string, position };
  if (version !== undefined) ref.version = version;
  return ref;
}

export function extractStatic(source: string): StaticExtraction {
  const src = normalizeSource(source);
  const scan = scanTemplate(src);
  const lines = new LineIndex(src);
  const refs: RefCall[] = [];
  const sources: SourceCall[] = [];
  const configs: Array<Record<string, StaticValue>> = [];
  const calls: string[] = [];
  const seenCalls = new Set<string>();
  let complete = !scan.error;
  let simple = !scan.error && !scan.strayCommentEnd && scan.raws.length === 0;
  const segments: Array<string | StaticCall | ThisRef> = [];
  const stack: string[] = [];
  let text = '';
  let trimNext = false;
  let pos = 0;

  const flushText = (upTo: number, trimEnd: boolean) => {
    let t = src.slice(pos, upTo);
    if (trimNext) t = t.replace(/^\s*/, '');
    if (trimEnd) t = t.replace(/\s*$/, '');
    text += t;
  };

  for (const tag of scan.tags) {
    flushText(tag.start, tag.trimBefore);
    pos = tag.end;
    trimNext = tag.trimAfter;
    if (tag.kind === 'comment') continue;
    const toks = tokenize(src, tag.codeStart, tag.codeEnd);
    if (!toks) {
      complete = simple = false;
      continue;
    }
    let opensBlock: string | undefined;
    if (tag.kind === 'stmt') {
      simple = false;
      const word = firstWord(src, tag.codeStart, tag.codeEnd);
      if (word.startsWith('end')) {
        if (stack.length > 0) stack.pop();
      } else if (word === 'set') {
        if (!toks.some((t) => t.t === 'op' && t.v === '=')) opensBlock = 'set';
      } else if (BLOCK_TAGS.has(word)) {
        opensBlock = word;
      } else if (!INNER_TAGS.has(word)) {
        complete = false; // include, import, extends, unknown tags
      }
    } else if (simple) {
      const seg = simpleSegment(toks, lines);
      if (seg) {
        segments.push(text, seg);
        text = '';
      } else {
        simple = false;
      }
    }
    const inLoopOrMacro = stack.some((b) => b !== 'if' && !TRANSPARENT.has(b));
    const inIf = stack.includes('if');
    // Walk the tokens for calls.
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k] as Tok;
      if (t.t !== 'name') continue;
      // (guarded reads: out-of-bounds array reads are slow in V8)
      const prev = k > 0 ? toks[k - 1] : undefined;
      if (prev?.t === 'op' && (prev.v === '.' || prev.v === '|')) continue; // attribute or filter
      if (prev?.t === 'name' && (prev.v === 'is' || (prev.v === 'not' && k > 1 && toks[k - 2]?.v === 'is'))) continue; // test
      if (prev?.t === 'name' && (prev.v === 'macro' || prev.v === 'test') && k === 1) continue; // definition
      const next = k + 1 < toks.length ? toks[k + 1] : undefined;
      const isKwargName = next?.t === 'op' && next.v === '=' && prev?.t === 'op' && (prev.v === '(' || prev.v === ',');
      if (isKwargName) continue;
      if (TRACKED.has(t.v)) {
        if (!(next?.t === 'op' && next.v === '(')) {
          complete = false; // shadowed, aliased or an attribute of it is used
          continue;
        }
        const parsed = parseArgs(toks, k + 1);
        if (!parsed.ok) {
          complete = false;
          continue;
        }
        const position = lines.position(t.pos);
        const { args, kwargs } = parsed.value;
        if (t.v === 'ref') {
          const r = toRef(args, kwargs, position);
          if (r) refs.push(r);
          else complete = false;
          if (inLoopOrMacro) complete = false;
        } else if (t.v === 'source') {
          if (args.length === 2 && typeof args[0] === 'string' && typeof args[1] === 'string' && Object.keys(kwargs).length === 0) sources.push({ source: args[0], table: args[1], position });
          else complete = false;
          if (inLoopOrMacro) complete = false;
        } else {
          const first = args[0];
          if (args.length > 1 || (args.length === 1 && (typeof first !== 'object' || first === null || Array.isArray(first)))) complete = false;
          else configs.push(args.length === 1 ? { ...(first as Record<string, StaticValue>), ...kwargs } : kwargs);
          if (inLoopOrMacro || inIf) complete = false;
        }
        continue;
      }
      // A call to something else: a dotted chain `a.b.c(`.
      let end = k;
      while (end + 2 < toks.length && toks[end + 1]?.v === '.' && toks[end + 2]?.t === 'name') end += 2;
      const after = end + 1 < toks.length ? toks[end + 1] : undefined;
      if (after?.t === 'op' && after.v === '(' && !KEYWORDS.has(t.v)) {
        const parts: string[] = [];
        for (let p = k; p <= end; p += 2) parts.push((toks[p] as Tok).v);
        const name = parts.join('.');
        const excluded = parts.length === 1 ? NOT_MACROS.has(name) : OBJECT_ROOTS.has(parts[0] as string) || METHODS.has(parts[parts.length - 1] as string);
        if (!excluded && !seenCalls.has(name)) {
          seenCalls.add(name);
          calls.push(name);
        }
      }
      k = end;
    }
    if (opensBlock) stack.push(opensBlock);
  }
  if (stack.length > 0) complete = simple = false;
  flushText(src.length, false);
  const result: StaticExtraction = { refs, sources, configs, calls, complete, simple };
  if (simple) {
    segments.push(text);
    result.segments = segments.filter((s) => s !== '');
  }
  return result;
}

function simpleSegment(toks: Tok[], lines: LineIndex): StaticCall | ThisRef | undefined {
  const head = toks[0];
  if (head?.t !== 'name') return undefined;
  if (head.v === 'this' && toks.length === 1) return { fn: 'this', args: [], kwargs: {}, position: lines.position(head.pos) };
  if (!SIMPLE_FNS.has(head.v) || toks[1]?.v !== '(' || toks[1]?.t !== 'op') return undefined;
  const parsed = parseArgs(toks, 1);
  if (!parsed.ok || parsed.next !== toks.length) return undefined;
  return { fn: head.v, args: parsed.value.args, kwargs: parsed.value.kwargs, position: lines.position(head.pos) };
}

/**
 * Render a simple extraction by substitution, calling `context[fn]` with the same convention as
 * templates (kwargs as a trailing `__keywords` object). Equals `engine.render` for the same context
 * unless a registered macro overrides ref/source/config/var/env_var (then render with the engine).
 */
export function renderSimple(ex: StaticExtraction, context: Record<string, unknown>, file = '<template>'): string {
  if (!ex.simple || !ex.segments) throw new Error('internal: renderSimple needs a simple extraction');
  let out = '';
  for (const seg of ex.segments) {
    if (typeof seg === 'string') {
      out += seg;
      continue;
    }
    if (seg.fn === 'this') {
      out += pyStr(context['this']);
      continue;
    }
    const fn = context[seg.fn];
    if (typeof fn !== 'function') {
      if (seg.fn === 'config' && fn === undefined) continue;
      throw new TsdbtError('template', `\`${seg.fn}\` is not defined here (Unable to call \`${seg.fn}\`, which is undefined or falsey)`, { location: { file, ...seg.position } });
    }
    try {
      out += pyStr((fn as (...a: unknown[]) => unknown)(...toRawArgs(cloneArgs(seg.args), cloneKwargs(seg.kwargs))));
    } catch (e) {
      if (e instanceof TsdbtError) {
        if (!e.location) (e as { location: unknown }).location = { file, ...seg.position };
        throw e;
      }
      throw new TsdbtError('template', (e as Error)?.message ?? String(e), { location: { file, ...seg.position }, cause: e });
    }
  }
  return out;
}

// Each call gets fresh literal values, as a compiled template would build them.
function cloneArgs(a: StaticValue[]): StaticValue[] {
  return a.map(cloneValue);
}
/** A deep copy of a literal (structuredClone would turn tuples into lists). */
function cloneValue(v: StaticValue): StaticValue {
  if (Array.isArray(v)) return v instanceof PyTuple ? (pyTuple((v as StaticValue[]).map(cloneValue)) as StaticValue[]) : v.map(cloneValue);
  if (typeof v !== 'object' || v === null) return v;
  const o: Record<string, StaticValue> = {};
  for (const k of Object.keys(v)) o[k] = cloneValue((v as Record<string, StaticValue>)[k] as StaticValue);
  return o as StaticValue;
}
function cloneKwargs(k: Record<string, StaticValue>): Record<string, StaticValue> {
  const out: Record<string, StaticValue> = {};
  for (const key of Object.keys(k)) {
    const v = k[key] as StaticValue;
    out[key] = cloneValue(v);
  }
  return out;
}
