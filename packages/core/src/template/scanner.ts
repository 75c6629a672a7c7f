// A fast, allocation-light scanner for Jinja templates: splits the source into text and
// `{{ }}` / `{% %}` / `{# #}` tags (honouring strings, whitespace control and raw blocks), and
// tokenizes tag code. It mirrors the nunjucks lexer closely enough that the simple-render path
// and nunjucks agree on the same input.

export type TagKind = 'expr' | 'stmt' | 'comment';

export interface Tag {
  kind: TagKind;
  /** Offset of `{`; `end` is just past the closing delimiter. */
  start: number;
  end: number;
  /** The code between the delimiters (without `-` markers). */
  codeStart: number;
  codeEnd: number;
  /** `{{-` / `{%-` / `{#-`: strip whitespace before the tag. */
  trimBefore: boolean;
  /** `-}}` / `-%}` / `-#}`: strip whitespace after the tag. */
  trimAfter: boolean;
}

export interface ScanResult {
  tags: Tag[];
  /** Raw-block contents, as [start, end) pairs: text that is not scanned. */
  raws: Array<[number, number]>;
  /** First lexical problem (unterminated tag, comment or string), if any. */
  error?: { pos: number; message: string } | undefined;
  /** Text contains `#}` outside a comment (nunjucks rejects that). */
  strayCommentEnd: boolean;
}

const RAW_END = /\{%-?\s*end(raw|verbatim)\s*-?%\}/g;

/** Jinja's default `keep_trailing_newline=False` and newline normalisation. */
export function normalizeSource(source: string): string {
  let s = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (s.endsWith('\n')) s = s.slice(0, -1);
  return s;
}

export function scanTemplate(src: string): ScanResult {
  const tags: Tag[] = [];
  const raws: Array<[number, number]> = [];
  let strayCommentEnd = false;
  let i = 0;
  const n = src.length;
  let nextHash = src.indexOf('#}');
  while (i < n) {
    const open = src.indexOf('{', i);
    const textEnd = open < 0 ? n : open;
    if (nextHash >= 0 && nextHash < i) nextHash = src.indexOf('#}', i);
    if (nextHash >= 0 && nextHash < textEnd) strayCommentEnd = true;
    if (open < 0 || open + 1 >= n) break;
    const c = src.charCodeAt(open + 1);
    if (c !== 123 /* { */ && c !== 37 /* % */ && c !== 35 /* # */) {
      i = open + 1;
      continue;
    }
    const trimBefore = src.charCodeAt(open + 2) === 45; /* - */
    const codeStart = open + 2 + (trimBefore ? 1 : 0);
    if (c === 35) {
      const close = src.indexOf('#}', codeStart);
      if (close < 0) return { tags, raws, strayCommentEnd, error: { pos: open, message: 'unclosed comment: expected `#}` before the end of the file' } };
      const trimAfter = close > codeStart && src.charCodeAt(close - 1) === 45;
      tags.push({ kind: 'comment', start: open, end: close + 2, codeStart, codeEnd: trimAfter ? close - 1 : close, trimBefore, trimAfter });
      i = close + 2;
      continue;
    }
    const endChar = c === 123 ? '}}' : '%}';
    let j = codeStart;
    let found = -1;
    while (j < n) {
      const ch = src.charCodeAt(j);
      if (ch === 39 || ch === 34) {
        // string literal: skip to the matching quote, honouring backslash escapes
        let k = j + 1;
        while (k < n && src.charCodeAt(k) !== ch) k += src.charCodeAt(k) === 92 ? 2 : 1;
        if (k >= n) return { tags, raws, strayCommentEnd, error: { pos: j, message: 'unterminated string' } };
        j = k + 1;
        continue;
      }
      if ((ch === 125 /* } */ || ch === 37) /* % */ && src.charCodeAt(j + 1) === 125) {
        // nunjucks ends code at either closing delimiter
        if (ch !== endChar.charCodeAt(0)) return { tags, raws, strayCommentEnd, error: { pos: j, message: `unexpected \`${ch === 37 ? '%}' : '}}'}\` inside \`${c === 123 ? '{{' : '{%'}\`` } };
        found = j;
        break;
      }
      j++;
    }
    if (found < 0) {
      const what = c === 123 ? '`{{` is never closed by `}}`' : '`{%` is never closed by `%}`';
      return { tags, raws, strayCommentEnd, error: { pos: open, message: `unclosed tag: ${what}` } };
    }
    const trimAfter = found > codeStart && src.charCodeAt(found - 1) === 45;
    const tag: Tag = { kind: c === 123 ? 'expr' : 'stmt', start: open, end: found + 2, codeStart, codeEnd: trimAfter ? found - 1 : found, trimBefore, trimAfter };
    tags.push(tag);
    i = found + 2;
    if (tag.kind === 'stmt') {
      const word = firstWord(src, codeStart, tag.codeEnd);
      if (word === 'raw' || word === 'verbatim') {
        RAW_END.lastIndex = i;
        const m = RAW_END.exec(src);
        if (!m) return { tags, raws, strayCommentEnd, error: { pos: open, message: `unclosed \`{% ${word} %}\` block` } };
        raws.push([i, m.index]);
        const endTag = m[0];
        tags.push({ kind: 'stmt', start: m.index, end: m.index + endTag.length, codeStart: m.index + 2, codeEnd: m.index + endTag.length - 2, trimBefore: endTag[2] === '-', trimAfter: endTag[endTag.length - 3] === '-' });
        i = m.index + endTag.length;
      }
    }
  }
  return { tags, raws, strayCommentEnd };
}

/** First identifier in src[from, to), or ''. */
export function firstWord(src: string, from: number, to: number): string {
  let a = from;
  while (a < to && isSpace(src.charCodeAt(a))) a++;
  let b = a;
  while (b < to && isIdent(src.charCodeAt(b))) b++;
  return src.slice(a, b);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 160;
}
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdent(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export type TokType = 'name' | 'str' | 'num' | 'op';
export interface Tok {
  t: TokType;
  v: string;
  /** numeric value for 'num' */
  n: number;
  pos: number;
}

const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '//', '**']);

// Token objects are pooled: tokenizing every tag of 10k files would otherwise allocate millions.
const pool: Tok[] = [];
const view: Tok[] = [];
function push(t: TokType, v: string, pos: number, n = 0): void {
  const k = view.length;
  let o = pool[k];
  if (o === undefined) {
    o = { t, v, n, pos };
    pool.push(o);
  } else {
    o.t = t;
    o.v = v;
    o.n = n;
    o.pos = pos;
  }
  view.push(o);
}

/**
 * Tokenize tag code in src[from, to). Returns undefined on an unterminated string. The returned
 * array and its tokens are reused by the next call: copy what you keep.
 */
export function tokenize(src: string, from: number, to: number): Tok[] | undefined {
  view.length = 0;
  let i = from;
  while (i < to) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < to && isIdent(src.charCodeAt(j))) j++;
      push('name', src.slice(i, j), i);
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < to && isDigit(src.charCodeAt(j))) j++;
      if (src.charCodeAt(j) === 46 && j + 1 < to && isDigit(src.charCodeAt(j + 1))) {
        j += 2;
        while (j < to && isDigit(src.charCodeAt(j))) j++;
      }
      const v = src.slice(i, j);
      push('num', v, i, Number(v));
      i = j;
    } else if (c === 39 || c === 34) {
      // nunjucks escapes: \n \t \r, any other escaped char stands for itself
      let s = '';
      let j = i + 1;
      let chunk = j;
      while (j < to && src.charCodeAt(j) !== c) {
        if (src.charCodeAt(j) === 92) {
          const e = src[j + 1];
          s += src.slice(chunk, j) + (e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? ''));
          j += 2;
          chunk = j;
        } else {
          j++;
        }
      }
      if (j >= to) return undefined;
      s += src.slice(chunk, j);
      push('str', s, i);
      i = j + 1;
    } else {
      const c2 = src.charCodeAt(i + 1);
      const two = i + 1 < to && (c2 === 61 /* = */ || c2 === 47 /* / */ || c2 === 42) /* * */ ? src.slice(i, i + 2) : '';
      if (two !== '' && TWO_CHAR_OPS.has(two)) {
        push('op', two, i);
        i += 2;
      } else {
        push('op', src[i] as string, i);
        i++;
      }
    }
  }
  return view;
}

/** 1-based line/column lookup for offsets in one source. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly src: string) {}
  position(offset: number): { line: number; column: number } {
    if (!this.starts) {
      const s = [0];
      let k = this.src.indexOf('\n');
      while (k >= 0) {
        s.push(k + 1);
        k = this.src.indexOf('\n', k + 1);
      }
      this.starts = s;
    }
    const st = this.starts;
    let lo = 0;
    let hi = st.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((st[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (st[lo] as number) + 1 };
  }
}
