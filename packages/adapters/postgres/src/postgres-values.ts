// Value conversion at the JS ⇄ PostgreSQL boundary: result text becomes the same JSON-safe values
// the DuckDB adapter returns, params become what pg binds, and type OIDs become format_type names.
import type { CustomTypesConfig } from 'pg';

/** OIDs of the built-in types handled here (pg_type.oid). */
export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

type Parser = (text: string) => unknown;

const identity: Parser = (text) => text;

/** Safe integers as numbers, wider ones as their decimal text. */
export function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** A number when the double prints back to the same text at the value's own scale, else the text. */
export function parseNumeric(text: string): number | string {
  const dot = text.indexOf('.');
  const scale = dot < 0 ? 0 : text.length - dot - 1;
  if (scale > 100) return text; // beyond toFixed's range
  const n = Number(text);
  return Number.isFinite(n) && Math.abs(n) < 1e21 && n.toFixed(scale) === text ? n : text;
}

/** NaN and ±Infinity stay strings (JSON has no such numbers). */
export function parseFloatValue(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d/;

/** `2024-01-02 03:04:05.123456` → `2024-01-02T03:04:05.123456`; infinities and BC dates keep their text. */
export function parseTimestamp(text: string): string {
  return TIMESTAMP.test(text) && !text.endsWith(' BC') ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
}

const TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/**
 * The session-zone text (`2024-01-02 05:04:05.123456+02`, `…+05:30`, `…-00:53:28`) as UTC ISO with a `Z`,
 * keeping every fractional digit (a JS Date would drop microseconds). Infinities and BC dates keep their text.
 */
export function parseTimestamptz(text: string): string {
  const m = TIMESTAMPTZ.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om = '00', os = '00'] = m as unknown as string[];
  const offset = (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * (sign === '-' ? -1 : 1);
  if (offset === 0) return `${text.slice(0, 10)}T${text.slice(11, 19)}${frac}Z`;
  const t = new Date(0);
  t.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  t.setUTCHours(Number(h), Number(mi), Number(s) - offset, 0);
  const year = t.getUTCFullYear();
  if (year < 1 || year > 9999) return text;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}T${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}${frac}Z`;
}

/**
 * Parses array output (`{1,NULL,"a,b","q\"x"}`, nested `{{1,2},{3,4}}`, optionally prefixed by
 * bounds `[0:1]=`), applying `element` to every non-NULL element.
 */
export function parseArray(text: string, element: Parser): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const level = (): unknown[] => {
    const out: unknown[] = [];
    i++; // '{'
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      const ch = text[i];
      if (ch === '{') {
        out.push(level());
      } else if (ch === '"') {
        let value = '';
        let start = ++i;
        while (text[i] !== '"') {
          if (text[i] === '\\') {
            value += text.slice(start, i);
            start = ++i;
          }
          i++;
        }
        value += text.slice(start, i++);
        out.push(element(value));
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
        const raw = text.slice(start, i);
        out.push(raw === 'NULL' ? null : element(raw));
      }
      if (text[i++] !== ',') return out; // '}' (or the end of malformed text)
    }
  };
  return level();
}

const scalarParsers = new Map<number, Parser>([
  [Oid.bool, (t) => t === 't'],
  [Oid.int2, Number],
  [Oid.int4, Number],
  [Oid.oid, Number],
  [Oid.int8, parseInt8],
  [Oid.numeric, parseNumeric],
  [Oid.float4, parseFloatValue],
  [Oid.float8, parseFloatValue],
  [Oid.timestamp, parseTimestamp],
  [Oid.timestamptz, parseTimestamptz],
  [Oid.json, (t) => JSON.parse(t) as unknown],
  [Oid.jsonb, (t) => JSON.parse(t) as unknown],
]);

/** Array type OID → element type OID, for the element types whose arrays become JS arrays. */
const arrayElements = new Map<number, number>([
  [1000, Oid.bool],
  [1001, Oid.bytea],
  [1002, Oid.char],
  [1003, Oid.name],
  [1005, Oid.int2],
  [1007, Oid.int4],
  [1009, Oid.text],
  [1014, Oid.bpchar],
  [1015, Oid.varchar],
  [1016, Oid.int8],
  [1021, Oid.float4],
  [1022, Oid.float8],
  [1028, Oid.oid],
  [1182, Oid.date],
  [1183, Oid.time],
  [1115, Oid.timestamp],
  [1185, Oid.timestamptz],
  [1187, Oid.interval],
  [1231, Oid.numeric],
  [1270, Oid.timetz],
  [199, Oid.json],
  [3807, Oid.jsonb],
  [2951, Oid.uuid],
]);

function parserFor(oid: number): Parser {
  const scalar = scalarParsers.get(oid);
  if (scalar) return scalar;
  const element = arrayElements.get(oid);
  if (element !== undefined) {
    const parse = scalarParsers.get(element) ?? identity;
    return (text) => parseArray(text, parse);
  }
  // date, time, interval, uuid, text, bytea (`\x…`), money, inet, ranges, enums, …: the text as is.
  return identity;
}

/**
 * Per-client type parsers (text format), so nothing changes pg's process-wide defaults.
 * Binary format is never requested.
 */
export const pgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number) => parserFor(oid)) as CustomTypesConfig['getTypeParser'],
};

/**
 * Param conversion: a Date binds as its UTC ISO text (a `timestamp` gets the UTC wall time, a
 * `timestamptz` the instant), a bigint as its decimal text, a Uint8Array as bytea; arrays recurse.
 * Everything else is left to pg (plain objects become JSON).
 */
export function toPgParam(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new TypeError('cannot bind an invalid Date as a PostgreSQL parameter');
    return v.toISOString();
  }
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(toPgParam);
  return v;
}

// format_type(oid, -1) for the common types; others are looked up on the server once.
const typeNames = new Map<number, string>([
  [Oid.bool, 'boolean'],
  [Oid.bytea, 'bytea'],
  [Oid.char, '"char"'],
  [Oid.name, 'name'],
  [Oid.int8, 'bigint'],
  [Oid.int2, 'smallint'],
  [Oid.int4, 'integer'],
  [Oid.text, 'text'],
  [Oid.oid, 'oid'],
  [Oid.json, 'json'],
  [Oid.xml, 'xml'],
  [Oid.float4, 'real'],
  [Oid.float8, 'double precision'],
  [Oid.unknown, 'unknown'],
  [Oid.bpchar, 'bpchar'],
  [Oid.varchar, 'character varying'],
  [Oid.date, 'date'],
  [Oid.time, 'time without time zone'],
  [Oid.timestamp, 'timestamp without time zone'],
  [Oid.timestamptz, 'timestamp with time zone'],
  [Oid.interval, 'interval'],
  [Oid.timetz, 'time with time zone'],
  [Oid.bit, '"bit"'],
  [Oid.varbit, 'bit varying'],
  [Oid.numeric, 'numeric'],
  [Oid.uuid, 'uuid'],
  [Oid.jsonb, 'jsonb'],
]);

const VARHDRSZ = 4;

/** The typmod part of a name, e.g. `(20)` or `(10,2)`; undefined when it cannot be rendered here. */
function typmodSuffix(oid: number, typmod: number): string | undefined {
  switch (oid) {
    case Oid.varchar:
    case Oid.bpchar:
      return typmod >= VARHDRSZ ? `(${typmod - VARHDRSZ})` : undefined;
    case Oid.numeric: {
      if (typmod < VARHDRSZ) return undefined;
      const t = typmod - VARHDRSZ;
      const scale = ((t & 0x7ff) ^ 1024) - 1024; // 11-bit signed since PostgreSQL 15
      return `(${(t >> 16) & 0xffff},${scale})`;
    }
    case Oid.timestamp:
    case Oid.timestamptz:
    case Oid.time:
    case Oid.timetz:
    case Oid.bit:
    case Oid.varbit:
      return typmod >= 0 ? `(${typmod})` : undefined;
    default:
      return undefined;
  }
}

/** The `format_type(oid, typmod)` name when known without asking the server, else undefined. */
export function knownTypeName(oid: number, typmod: number): string | undefined {
  const element = arrayElements.get(oid);
  if (element !== undefined) {
    const name = knownTypeName(element, typmod);
    return name === undefined ? undefined : `${name}[]`;
  }
  const base = typeNames.get(oid);
  if (base === undefined) return undefined;
  if (typmod < 0) return base;
  const suffix = typmodSuffix(oid, typmod);
  if (suffix === undefined) return undefined;
  switch (oid) {
    case Oid.bpchar:
      return `character${suffix}`;
    case Oid.bit:
      return `bit${suffix}`;
    case Oid.timestamp:
    case Oid.timestamptz:
    case Oid.time:
    case Oid.timetz: {
      const [head, ...rest] = base.split(' ');
      return [`${head}${suffix}`, ...rest].join(' ');
    }
    default:
      return `${base}${suffix}`;
  }
}
