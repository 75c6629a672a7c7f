// Filters and tests whose nunjucks versions use JS truthiness or JS types where Jinja uses
// Python's (select/reject/default, float/round, mapping/iterable/string/number/sequence).
import { splitArgs } from './jinja-function.js';
import { dictKey, dictKeyOrigins, isPlainObject, pyArith, pyFloat, PyFloat, pyTruthy } from './py.js';

type Fn = (...a: any[]) => any;
interface FilterThis {
  env: { getTest(name: string): Fn };
}

const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : typeof v === 'string' ? [...v] : isPlainObject(v) ? Object.keys(v) : [...(v as Iterable<unknown>)]);

function selector(keep: boolean) {
  return function (this: FilterThis, seq: unknown, test?: unknown, ...args: unknown[]): unknown[] {
    const t = test === undefined ? undefined : this.env.getTest(String(test));
    return items(seq).filter((x) => (t ? pyTruthy(t.call(this, x, ...args)) : pyTruthy(x)) === keep);
  };
}

/** `default(value, default_value='', boolean=false)`: with boolean, any Python-falsy value is replaced. */
function dflt(value: unknown, ...raw: unknown[]): unknown {
  const { args, kwargs } = splitArgs(raw);
  const d = args[0] ?? kwargs['default_value'] ?? '';
  const boolean = args[1] ?? kwargs['boolean'];
  return pyTruthy(boolean) ? (pyTruthy(value) ? value : d) : value === undefined ? d : value;
}

function toFloat(v: unknown, d: unknown = 0.0): unknown {
  const n = v instanceof Number ? Number(v) : typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number.parseFloat(String(v));
  return Number.isNaN(n) && !(typeof v === 'string' && /^\s*[+-]?nan\s*$/i.test(v)) ? (typeof d === 'number' ? pyFloat(d) : d) : pyFloat(n);
}

/** Jinja's `int(value, default=0, base=10)`: booleans are 1/0, floats truncate, '3.7' gives 3. */
function toInt(v: unknown, d: unknown = 0, base: unknown = 10): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number' || v instanceof Number) return Math.trunc(Number(v));
  const s = String(v).trim().replace(/_/g, '');
  const b = Number(base);
  const n = b === 10 ? (/^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Math.trunc(Number(s)) : Number.NaN) : Number.parseInt(s.replace(/^0[xob]/i, ''), b);
  return Number.isNaN(n) ? d : n;
}

/** Jinja's `round(value, precision=0, method='common')`: always a float. */
function round(v: unknown, precision: unknown = 0, method: unknown = 'common'): unknown {
  const p = Number(precision);
  const f = 10 ** p;
  const x = Number(v) * f;
  // 'common' is Python's round(): halves go to the even neighbour
  const r = method === 'ceil' ? Math.ceil(x) : method === 'floor' ? Math.floor(x) : Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
  return pyFloat(r / f);
}

/** Jinja's `sum(iterable, attribute=None, start=0)` with Python number semantics (floats stay floats). */
function sum(seq: unknown, ...raw: unknown[]): unknown {
  const { args, kwargs } = splitArgs(raw);
  const attribute = (args[0] ?? kwargs['attribute']) as string | undefined;
  let total: unknown = args[1] ?? kwargs['start'] ?? 0;
  for (const x of items(seq)) {
    let v: unknown = x;
    if (attribute !== undefined && attribute !== null) for (const p of String(attribute).split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[p];
    total = pyArith('+', total, v) ?? (total as number) + (v as number);
  }
  return total;
}

/** Jinja's `list`: a new list of the items (a string's characters, a dict's keys, a tuple's items). */
function list(v: unknown): unknown[] {
  if (isPlainObject(v)) {
    const keys = dictKeyOrigins.has(v) ? Object.keys(v).map((k) => dictKey(v, k)) : Object.keys(v);
    return keys.filter((k) => k !== '__keywords');
  }
  return Array.isArray(v) ? [...v] : items(v);
}

export function jinjaFilters(): Record<string, Fn> {
  return { select: selector(true), reject: selector(false), default: dflt, d: dflt, float: toFloat, int: toInt, round, sum, list };
}

export function jinjaTests(): Record<string, Fn> {
  const isStr = (v: unknown) => typeof v === 'string' || v instanceof String;
  return {
    string: isStr,
    // Python's numbers.Number: bool is an int
    number: (v: unknown) => typeof v === 'number' || v instanceof PyFloat || typeof v === 'boolean',
    mapping: (v: unknown) => isPlainObject(v),
    iterable: (v: unknown) => isStr(v) || Array.isArray(v) || isPlainObject(v) || (typeof v === 'object' && v !== null && Symbol.iterator in v),
    // has len() and [ ]: str, list, tuple, dict
    sequence: (v: unknown) => isStr(v) || Array.isArray(v) || isPlainObject(v),
  };
}
