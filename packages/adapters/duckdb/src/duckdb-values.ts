// Value conversion at the JS ⇄ DuckDB boundary: results become JSON-safe, params become DuckDB values.
import {
  blobValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  listValue,
  structValue,
  timestampValue,
} from '@duckdb/node-api';
import type { DuckDBValue, DuckDBValueConverter, Json } from '@duckdb/node-api';

/**
 * Result converter. Differences from the library's JSON converter:
 * - integers wider than 32 bits → number when it is a safe integer, else decimal string;
 * - DECIMAL → number when the double prints back to the same decimal at the column scale, else string;
 * - TIMESTAMP* → ISO 8601 (`2024-01-02T03:04:05.123456`); TIMESTAMPTZ in UTC with a `Z`;
 * - INTERVAL → DuckDB's own text (`1 year 2 months`, `01:02:00`).
 * DATE (`2024-01-02`), TIME, UUID, VARCHAR, BLOB (escaped text), NaN/±Infinity (strings),
 * LIST/STRUCT/MAP/UNION are left to the library converter, which recurses through this one.
 */
export const jsonSafeConverter: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? bigintToJson(value) : String(value);
    case DuckDBTypeId.DECIMAL:
      return value instanceof DuckDBDecimalValue ? decimalToJson(value) : String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return isoTimestamp(String(value));
    case DuckDBTypeId.TIMESTAMP_TZ:
      // The library would format in the JS process's local zone; format the instant in UTC instead.
      if (value instanceof DuckDBTimestampTZValue) {
        const text = String(new DuckDBTimestampValue(value.micros));
        return /^\d{4}-\d\d-\d\d \d/.test(text) ? `${isoTimestamp(text)}Z` : text;
      }
      return String(value);
    case DuckDBTypeId.INTERVAL:
      return String(value);
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

export function bigintToJson(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export function decimalToJson(v: DuckDBDecimalValue): number | string {
  const text = v.toString();
  const n = v.toDouble();
  return Number.isFinite(n) && Math.abs(n) < 1e21 && n.toFixed(v.scale) === text ? n : text;
}

/** `2024-01-02 03:04:05` → `2024-01-02T03:04:05`; infinities and BC dates keep DuckDB's text. */
function isoTimestamp(text: string): string {
  return /^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
}

/**
 * Param conversion. Numbers, strings, booleans, bigints and null bind as themselves (the library
 * picks INTEGER/BIGINT/DOUBLE/HUGEINT/VARCHAR). A `Date` binds as a TIMESTAMP of its UTC wall time,
 * a `Uint8Array` as BLOB, an array as LIST, a plain object as STRUCT. DuckDB value objects pass through.
 */
export function toDuckDBValue(v: unknown): DuckDBValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return v;
    case 'object':
      break;
    default:
      throw new TypeError(`cannot bind a ${typeof v} as a DuckDB parameter`);
  }
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw new TypeError('cannot bind an invalid Date as a DuckDB parameter');
    return timestampValue(BigInt(ms) * 1000n);
  }
  if (v instanceof Uint8Array) return blobValue(v);
  if (Array.isArray(v)) return listValue(v.map(toDuckDBValue));
  if (Object.getPrototypeOf(v) === Object.prototype) {
    return structValue(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toDuckDBValue(x)])));
  }
  // Assume a DuckDB value class instance (e.g. decimalValue(…)); the library rejects anything else.
  return v as DuckDBValue;
}
