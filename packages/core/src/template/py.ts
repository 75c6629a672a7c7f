// Python value semantics that Jinja templates rely on: str()/repr(), truthiness, `%` formatting,
// json.dumps, and the string/list methods dbt code calls (`.upper()`, `', '.join(x)`, `.extend()`).

type Dict = Record<string, unknown>;

/**
 * A Python tuple: `(1, 2)`, `(1,)`, `()`. An Array (so indexing, iteration, unpacking and `in` work
 * as for lists) that prints as a tuple and is never `==` to a list. Methods deriving a new array
 * (`map`, `slice`, `concat`) give plain lists.
 */
export class PyTuple extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A tuple of `items`. */
export function pyTuple(items: readonly unknown[]): PyTuple {
  const t = new PyTuple();
  for (let i = 0; i < items.length; i++) t.push(items[i]);
  return t;
}

/**
 * Dict keys that were not strings (`{1: 'a'}`, `{none: 0}`): JS objects store keys as strings, so
 * the original key is kept here, per dict, for printing and iteration (`d[1]` finds '1' anyway).
 */
export const dictKeyOrigins = new WeakMap<object, Map<string, unknown>>();

/** The Python key for a stored (string) dict key. */
export function dictKey(d: object, k: string): unknown {
  const o = dictKeyOrigins.get(d);
  return o !== undefined && o.has(k) ? o.get(k) : k;
}

/** A dict literal with expression keys: `[k1, v1, k2, v2, …]`. Non-string keys are remembered. */
export function pyDict(kv: readonly unknown[]): Dict {
  const d: Dict = {};
  let origins: Map<string, unknown> | undefined;
  for (let i = 0; i < kv.length; i += 2) {
    const k = kv[i];
    const sk = String(k);
    d[sk] = kv[i + 1];
    if (typeof k === 'string' || k instanceof String) origins?.delete(sk);
    else (origins ??= new Map()).set(sk, k);
  }
  if (origins !== undefined && origins.size > 0) dictKeyOrigins.set(d, origins);
  return d;
}

/** Copy remembered non-string keys of `from` onto `to` (dict.update, dict.copy). */
export function copyDictKeys(to: object, from: object): void {
  const o = dictKeyOrigins.get(from);
  if (o === undefined) return;
  let t = dictKeyOrigins.get(to);
  if (t === undefined) dictKeyOrigins.set(to, (t = new Map()));
  for (const [k, v] of o) if (Object.prototype.hasOwnProperty.call(from, k)) t.set(k, v);
}

/** A Python exception raised by template code (`ZeroDivisionError: division by zero`). */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    detail: string,
  ) {
    super(`${pyType}: ${detail}`);
  }
}

/** Python's type name of a value, for TypeError messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string' || v instanceof String) return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (isPlainObject(v)) return 'dict';
  return typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
}

/** A plain `{…}` object (a Python dict), as opposed to class instances such as relations. */
export function isPlainObject(v: unknown): v is Dict {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function hasOwnToString(v: object): boolean {
  return Object.prototype.hasOwnProperty.call(v, 'toString') && typeof (v as Dict)['toString'] === 'function';
}

/**
 * A Python float with an integral value (`4 / 2`, `2.0`): JS has one number type, so these are boxed
 * to print as Python does (`2.0`). Arithmetic unboxes them (valueOf); see pyArith.
 */
export class PyFloat extends Number {}

/** A float result: integral values are boxed so they keep printing as floats. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

function pyNumber(n: number, float = false): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n) && !float) return String(n);
  // Python's float repr: exponent form outside [1e-4, 1e16), two-digit exponents, `.0` on integers
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  if (Number.isInteger(n)) return Object.is(n, -0) ? '-0.0' : `${n}.0`;
  return String(n);
}

const isNum = (v: unknown): v is number | PyFloat => typeof v === 'number' || v instanceof PyFloat;
const isFloatLike = (v: number | PyFloat): boolean => v instanceof PyFloat || !Number.isInteger(v);

/**
 * Python arithmetic on numbers (`+ - * / // % **`): `/` is true division, `//` and `%` floor,
 * and a float operand gives a float. Returns undefined when an operand is not a number.
 */
export function pyArith(op: string, a: unknown, b: unknown): unknown {
  if (!isNum(a) || !isNum(b)) {
    if (typeof a === 'boolean' || typeof b === 'boolean') return pyArith(op, typeof a === 'boolean' ? Number(a) : a, typeof b === 'boolean' ? Number(b) : b);
    return undefined;
  }
  const x = Number(a);
  const y = Number(b);
  if (y === 0 && (op === '/' || op === '//' || op === '%')) throw zeroDivision(op, isFloatLike(a) || isFloatLike(b));
  let r: number;
  switch (op) {
    case '+':
      r = x + y;
      break;
    case '-':
      r = x - y;
      break;
    case '*':
      r = x * y;
      break;
    case '/':
      return pyFloat(x / y);
    case '//':
      r = Math.floor(x / y);
      break;
    case '%':
      r = x % y;
      if (r !== 0 && r < 0 !== y < 0) r += y;
      break;
    case '**':
      r = x ** y;
      if (!isFloatLike(a) && !isFloatLike(b) && y < 0) return pyFloat(r);
      break;
    default:
      return undefined;
  }
  return isFloatLike(a) || isFloatLike(b) ? pyFloat(r) : r;
}

function zeroDivision(op: string, float: boolean): PyError {
  if (op === '/') return new PyError('ZeroDivisionError', float ? 'float division by zero' : 'division by zero');
  if (op === '//') return new PyError('ZeroDivisionError', float ? 'float floor division by zero' : 'integer division or modulo by zero');
  return new PyError('ZeroDivisionError', float ? 'float modulo' : 'integer modulo by zero');
}

/** Python `==`: numbers by value (1 == 1.0 == True), lists and dicts element-wise, '1' != 1. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Number || typeof a === 'boolean') a = Number(a);
  if (b instanceof Number || typeof b === 'boolean') b = Number(b);
  if (a instanceof String) a = String(a);
  if (b instanceof String) b = String(b);
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' || ta === 'string' || tb === 'number' || tb === 'string') {
    if (ta === tb) return a === b;
    // a primitive against an object (a relation against its name) keeps JS's loose equality
    return ta === 'object' || tb === 'object' ? a == b : false; // eslint-disable-line eqeqeq
  }
  if (a === null || a === undefined) return b === null || b === undefined;
  if (Array.isArray(a)) return Array.isArray(b) && a instanceof PyTuple === b instanceof PyTuple && a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => k !== '__keywords');
    const kb = Object.keys(b).filter((k) => k !== '__keywords');
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEq(a[k], b[k]));
  }
  return false;
}

/** Python `str(v)`: what `{{ v }}` and `~` produce. `undefined` (Jinja's Undefined) renders ''. */
export function pyStr(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return pyNumber(v);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'undefined':
      return '';
    case 'bigint':
      return String(v);
    case 'function':
      return `<function ${v.name || 'anonymous'}>`;
    case 'symbol':
      return String(v);
    default:
  }
  if (v === null) return 'None';
  if (v instanceof PyFloat) return pyNumber(Number(v), true);
  if (v instanceof String) return String(v); // includes nunjucks SafeString
  if (Array.isArray(v)) return pyRepr(v);
  if (isPlainObject(v) && !hasOwnToString(v)) return pyRepr(v);
  return String(v);
}

/** Python `repr(v)`, used for strings inside lists and dicts. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string' || v instanceof String) return reprString(String(v));
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return v instanceof PyTuple ? (v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`) : `[${v.map(pyRepr).join(', ')}]`;
  if (isPlainObject(v) && !hasOwnToString(v)) {
    const origins = dictKeyOrigins.get(v);
    return `{${Object.keys(v)
      .map((k) => `${origins !== undefined && origins.has(k) ? pyRepr(origins.get(k)) : reprString(k)}: ${pyRepr(v[k])}`)
      .join(', ')}}`;
  }
  return pyStr(v);
}

function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + q;
}

/** Python truthiness: empty lists, dicts and strings (including SafeString) are false. */
export function pyTruthy(v: unknown): boolean {
  if (!v) return false;
  if (typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Number) return Number(v) !== 0;
  if (v instanceof String) return v.length > 0;
  if (isPlainObject(v)) {
    for (const k in v) if (k !== '__keywords') return true;
    return false;
  }
  return true;
}

/** `json.dumps` with Python's default separators (`, ` and `: `). */
export function pyJsonDumps(v: unknown, options: { sortKeys?: boolean; indent?: number | undefined } = {}): string {
  const indent = options.indent && options.indent > 0 ? ' '.repeat(options.indent) : '';
  const walk = (x: unknown, pad: string): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'boolean' || typeof x === 'number') return Number.isNaN(x) ? 'NaN' : JSON.stringify(x);
    if (typeof x === 'string' || x instanceof String) return JSON.stringify(String(x));
    if (typeof x === 'bigint') return String(x);
    if (x instanceof PyFloat) return pyNumber(Number(x), true);
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      if (!indent) return `[${x.map((i) => walk(i, pad)).join(', ')}]`;
      const inner = pad + indent;
      return `[\n${x.map((i) => inner + walk(i, inner)).join(',\n')}\n${pad}]`;
    }
    if (typeof x === 'object') {
      const obj = x as Dict;
      if (!isPlainObject(obj) && typeof (obj as { toJSON?: unknown }).toJSON !== 'function') return JSON.stringify(String(obj));
      if (!isPlainObject(obj)) return walk((obj as { toJSON: () => unknown }).toJSON(), pad);
      let keys = Object.keys(obj).filter((k) => k !== '__keywords');
      if (options.sortKeys) keys = keys.sort();
      if (keys.length === 0) return '{}';
      if (!indent) return `{${keys.map((k) => `${JSON.stringify(k)}: ${walk(obj[k], pad)}`).join(', ')}}`;
      const inner = pad + indent;
      return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${walk(obj[k], inner)}`).join(',\n')}\n${pad}}`;
    }
    return JSON.stringify(String(x));
  };
  return walk(v, '');
}

const PERCENT_RE = /%(?:\((\w+)\))?([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifrxXeEgGc%])/g;

/** Python `fmt % args` (printf-style): %s %r %d %i %f %e %g %x %c %% with flags/width/precision. */
export function pyPercentFormat(fmt: string, args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  let i = 0;
  return fmt.replace(PERCENT_RE, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const v = key !== undefined && isPlainObject(args) ? args[key] : list[i++];
    let s: string;
    const p = prec === undefined ? undefined : Number(prec);
    switch (conv) {
      case 's':
        s = pyStr(v);
        if (p !== undefined) s = s.slice(0, p);
        break;
      case 'r':
        s = pyRepr(v);
        break;
      case 'd':
      case 'i':
        s = String(Math.trunc(Number(v)));
        break;
      case 'f':
        s = Number(v).toFixed(p ?? 6);
        break;
      case 'e':
      case 'E':
        s = Number(v).toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        if (conv === 'E') s = s.toUpperCase();
        break;
      case 'g':
      case 'G':
        s = String(Number(Number(v).toPrecision(p ?? 6)));
        break;
      case 'x':
        s = Math.trunc(Number(v)).toString(16);
        break;
      case 'X':
        s = Math.trunc(Number(v)).toString(16).toUpperCase();
        break;
      case 'c':
        s = typeof v === 'number' ? String.fromCharCode(v) : pyStr(v);
        break;
      default:
        s = pyStr(v);
    }
    if (flags.includes('+') && /^[0-9]/.test(s) && 'difeEgG'.includes(conv)) s = `+${s}`;
    const w = width === undefined ? 0 : Number(width);
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && 'difeEgGxX'.includes(conv)) s = s.startsWith('-') ? `-${s.slice(1).padStart(w - 1, '0')}` : s.padStart(w, '0');
      else s = s.padStart(w);
    }
    return s;
  });
}

/** Python `str.format`: `{}`, `{0}`, `{name}`, `{{`/`}}` (format specs are ignored). */
function pyStrFormat(fmt: string, args: unknown[], kwargs: Dict): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::[^{}]*)?\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const f = field ?? '';
    if (f === '') return pyStr(args[auto++]);
    if (/^\d+$/.test(f)) return pyStr(args[Number(f)]);
    return pyStr(kwargs[f]);
  });
}

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let rest = s.replace(/^\s+/, '');
  while (rest.length > 0) {
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(rest);
      break;
    }
    const m = /\s+/.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    if (left) s = s.replace(/^\s+/, '');
    if (right) s = s.replace(/\s+$/, '');
    return s;
  }
  const set = String(chars);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a] as string)) a++;
  if (right) while (b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

function affixTest(s: string, affix: unknown, test: (x: string) => boolean): boolean {
  return Array.isArray(affix) ? affix.some((a) => test(String(a))) : test(String(affix));
}

type Method = (...a: unknown[]) => unknown;
type KwSplit = (raw: unknown[]) => { args: unknown[]; kwargs: Dict };

/** Python string methods: `s.upper()`, `s.split(',')`, `', '.join(l)` … (returns undefined for others). */
export function stringMethod(s: string, name: string, split: KwSplit): Method | undefined {
  switch (name) {
    case 'upper':
      return () => s.toUpperCase();
    case 'lower':
    case 'casefold':
      return () => s.toLowerCase();
    case 'strip':
      return (chars) => stripChars(s, chars, true, true);
    case 'lstrip':
      return (chars) => stripChars(s, chars, true, false);
    case 'rstrip':
      return (chars) => stripChars(s, chars, false, true);
    case 'startswith':
      return (p) => affixTest(s, p, (x) => s.startsWith(x));
    case 'endswith':
      return (p) => affixTest(s, p, (x) => s.endsWith(x));
    case 'split':
      return (...raw) => {
        const { args, kwargs } = split(raw);
        const sep = args[0] ?? kwargs['sep'];
        const max = Number(args[1] ?? kwargs['maxsplit'] ?? -1);
        if (sep === undefined || sep === null) return splitWhitespace(s, max);
        const parts = s.split(String(sep));
        return max >= 0 && parts.length > max + 1 ? [...parts.slice(0, max), parts.slice(max).join(String(sep))] : parts;
      };
    case 'rsplit':
      return (sep, maxsplit) => {
        const max = Number(maxsplit ?? -1);
        if (sep === undefined || sep === null) return splitWhitespace(s, -1);
        const parts = s.split(String(sep));
        return max >= 0 && parts.length > max + 1 ? [parts.slice(0, parts.length - max).join(String(sep)), ...parts.slice(parts.length - max)] : parts;
      };
    case 'splitlines':
      return () => s.split(/\r\n|\r|\n/).filter((l, i, a) => i < a.length - 1 || l !== '');
    case 'replace':
      return (from, to, count) => {
        const parts = s.split(String(from));
        const n = count === undefined || count === null || Number(count) < 0 ? parts.length : Number(count) + 1;
        if (n >= parts.length) return parts.join(String(to));
        return parts.slice(0, n).join(String(to)) + String(from) + parts.slice(n).join(String(from));
      };
    case 'join':
      return (items) => (Array.isArray(items) ? items : Object.keys(items ?? {})).map(pyStr).join(s);
    case 'format':
      return (...raw) => {
        const { args, kwargs } = split(raw);
        return pyStrFormat(s, args, kwargs);
      };
    case 'title':
      return () => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
    case 'capitalize':
      return () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    case 'find':
      return (sub) => s.indexOf(String(sub));
    case 'rfind':
      return (sub) => s.lastIndexOf(String(sub));
    case 'count':
      return (sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1);
    case 'isdigit':
      return () => /^[0-9]+$/.test(s);
    case 'isalpha':
      return () => /^[a-zA-Z]+$/.test(s);
    case 'isalnum':
      return () => /^[a-zA-Z0-9]+$/.test(s);
    case 'isupper':
      return () => /[A-Z]/.test(s) && s === s.toUpperCase();
    case 'islower':
      return () => /[a-z]/.test(s) && s === s.toLowerCase();
    case 'isspace':
      return () => /^\s+$/.test(s);
    case 'zfill':
      return (w) => (s.startsWith('-') ? `-${s.slice(1).padStart(Number(w) - 1, '0')}` : s.padStart(Number(w), '0'));
    case 'ljust':
      return (w, c) => s.padEnd(Number(w), c === undefined ? ' ' : String(c));
    case 'rjust':
      return (w, c) => s.padStart(Number(w), c === undefined ? ' ' : String(c));
    default:
      return undefined;
  }
}

/** List methods missing from nunjucks' Jinja compat (`append`, `pop`, … it provides). */
export function listMethod(l: unknown[], name: string): Method | undefined {
  switch (name) {
    case 'extend':
      return (items) => {
        for (const x of Array.isArray(items) ? items : []) l.push(x);
        return null;
      };
    case 'copy':
      return () => [...l];
    default:
      return undefined;
  }
}

/** Dict methods missing from nunjucks' Jinja compat. */
export function dictMethod(d: Dict, name: string): Method | undefined {
  switch (name) {
    case 'copy':
      return () => {
        const c = { ...d };
        copyDictKeys(c, d);
        return c;
      };
    case 'items':
      // (key, value) tuples, with the keys' Python types
      return () => {
        const out: PyTuple[] = [];
        for (const k of Object.keys(d)) if (k !== '__keywords') out.push(pyTuple([dictKey(d, k), d[k]]));
        return out;
      };
    case 'keys':
      return () => Object.keys(d).flatMap((k) => (k === '__keywords' ? [] : [dictKey(d, k)]));
    case 'update':
      return (other) => {
        if (other !== null && typeof other === 'object') {
          for (const k of Object.keys(other)) if (k !== '__keywords') d[k] = (other as Dict)[k];
          copyDictKeys(d, other);
        }
        return null;
      };
    default:
  }
  // Python's dict.get returns None (not undefined) for a missing key without default
  if (name === 'get') return (key, dflt) => (d[String(key)] !== undefined && Object.prototype.hasOwnProperty.call(d, String(key)) ? d[String(key)] : dflt === undefined ? null : dflt);
  return undefined;
}
