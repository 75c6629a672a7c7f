// One source table's freshness: `max(loaded_at_field)` and the warehouse's clock in one query, the
// age computed here, then dbt's status: error when older than error_after, else warn when older than
// warn_after, else pass; `runtime error` when the query fails or returns no timestamp.
import type { Connection, Dialect } from '../adapter/types.js';
import type { SourceNode } from '../parse/nodes.js';
import { PERIOD_SECONDS, type FreshnessTime } from '../parse/source-freshness.js';

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessCriteria {
  warnAfter?: FreshnessTime | undefined;
  errorAfter?: FreshnessTime | undefined;
  filter?: string | undefined;
}

export interface SourceFreshnessResult {
  /** `source.<project>.<source>.<table>` */
  uniqueId: string;
  sourceName: string;
  tableName: string;
  relationName: string;
  status: FreshnessStatus;
  /** The newest `loaded_at_field` value as the warehouse returned it (ISO; `…Z` when it has a time zone); `0001-01-01T00:00:00Z` for an empty table, as dbt. */
  maxLoadedAt?: string | undefined;
  /** The time it was compared with: the warehouse clock (`now()` without time zone), or the current instant (`…Z`) for a time-zoned column. */
  snapshottedAt?: string | undefined;
  ageSeconds?: number | undefined;
  criteria: FreshnessCriteria;
  /** A line for humans; for a runtime error the warehouse message. */
  message?: string | undefined;
  /** The query that was run. */
  sql?: string | undefined;
  executionTime: number;
  startedAt: string;
  completedAt: string;
  threadId: string;
  originalFilePath: string;
}

export function criteriaOf(node: SourceNode): FreshnessCriteria {
  const f = node.freshness ?? {};
  return { warnAfter: f.warn_after, errorAfter: f.error_after, filter: f.filter };
}

export function freshnessQuery(node: SourceNode, dialect: Dialect): string {
  const filter = node.freshness?.filter;
  return `select max(${node.loadedAtField}) as max_loaded_at, ${dialect.snapshotTime()} as snapshotted_at\nfrom ${dialect.relationName(node.relation!)}${filter ? `\nwhere (${filter})` : ''}`;
}

/** Milliseconds since 1970 of a date/timestamp value; `zoned`: an instant (else a wall-clock time, read as if UTC). */
export function parseWhen(value: unknown): { ms: number; zoned: boolean } | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { ms: value.getTime(), zoned: true };
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m as unknown as string[];
  const t = new Date(0);
  t.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  t.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let ms = t.getTime() + (frac ? Number(`0${frac}`) * 1000 : 0);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return { ms, zoned: zone !== undefined };
}

const EMPTY_TABLE = '0001-01-01T00:00:00Z';

/** Age in seconds of the newest row, or a reason it cannot be computed. `now`: the current instant (for time-zoned values). */
export function freshnessAge(maxLoadedAt: unknown, snapshottedAt: unknown, now: number): { ageSeconds: number; maxLoadedAt: string; snapshottedAt: string } | { error: string } {
  const snap = parseWhen(snapshottedAt);
  if (!snap) return { error: `the warehouse clock returned \`${String(snapshottedAt)}\`, not a timestamp` };
  // An empty table (or none passing the filter): newest row at 0001-01-01 UTC, as dbt does.
  const max = maxLoadedAt === null || maxLoadedAt === undefined ? parseWhen(EMPTY_TABLE)! : parseWhen(maxLoadedAt);
  if (!max) return { error: `loaded_at_field gave \`${String(maxLoadedAt)}\`, which is not a date or timestamp` };
  const maxText = maxLoadedAt === null || maxLoadedAt === undefined ? EMPTY_TABLE : maxLoadedAt instanceof Date ? maxLoadedAt.toISOString() : String(maxLoadedAt);
  // A time-zoned value is an instant: compared with now. A timestamp or date without zone is a
  // wall-clock time: compared with the warehouse session's wall clock, whatever its zone.
  if (max.zoned) return { ageSeconds: (now - max.ms) / 1000, maxLoadedAt: maxText, snapshottedAt: new Date(now).toISOString() };
  return { ageSeconds: (snap.ms - max.ms) / 1000, maxLoadedAt: maxText, snapshottedAt: String(snapshottedAt) };
}

const exceeded = (t: FreshnessTime | undefined, age: number) => !!t && age > t.count * PERIOD_SECONDS[t.period];

export function freshnessStatus(criteria: FreshnessCriteria, ageSeconds: number): 'pass' | 'warn' | 'error' {
  return exceeded(criteria.errorAfter, ageSeconds) ? 'error' : exceeded(criteria.warnAfter, ageSeconds) ? 'warn' : 'pass';
}

/** `2d 3h`, `4h 12m`, `7m`, `42s`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h ? ` ${h}h` : ''}`;
  if (h > 0) return `${h}h${m ? ` ${m}m` : ''}`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

const describe = (t: FreshnessTime) => `${t.count} ${t.period}${t.count === 1 ? '' : 's'}`;

/** Run the freshness query of one source table on `conn`. */
export async function checkSourceFreshness(
  node: SourceNode,
  conn: Connection,
  dialect: Dialect,
  base: Pick<SourceFreshnessResult, 'threadId'>,
  redact: (text: string) => string,
): Promise<SourceFreshnessResult> {
  const criteria = criteriaOf(node);
  const sql = freshnessQuery(node, dialect);
  const startedAt = new Date();
  const t0 = performance.now();
  const done = (r: Pick<SourceFreshnessResult, 'status'> & Partial<SourceFreshnessResult>): SourceFreshnessResult => ({
    uniqueId: node.uniqueId,
    sourceName: node.sourceName,
    tableName: node.name,
    relationName: dialect.relationName(node.relation!),
    criteria,
    sql,
    executionTime: (performance.now() - t0) / 1000,
    startedAt: startedAt.toISOString(),
    completedAt: new Date().toISOString(),
    threadId: base.threadId,
    originalFilePath: node.originalFilePath,
    ...r,
  });
  let row: Record<string, unknown> | undefined;
  try {
    row = (await conn.execute(sql)).rows[0];
  } catch (e) {
    return done({ status: 'runtime error', message: redact((e as Error).message) });
  }
  const age = freshnessAge(row?.max_loaded_at, row?.snapshotted_at, Date.now());
  if ('error' in age) {
    return done({ status: 'runtime error', message: `${age.error}; loaded_at_field must be a date or timestamp (cast it, e.g. \`loaded_at_field: "${node.loadedAtField}::timestamp"\`)` });
  }
  const status = freshnessStatus(criteria, age.ageSeconds);
  const limit = status === 'error' ? criteria.errorAfter : status === 'warn' ? criteria.warnAfter : undefined;
  const newest = row?.max_loaded_at === null || row?.max_loaded_at === undefined ? `no rows${criteria.filter ? ' pass the filter' : ''}` : `max loaded ${formatAge(age.ageSeconds)} ago`;
  const message = `${newest}${limit ? ` (more than ${describe(limit)})` : ''}`;
  return done({ status, maxLoadedAt: age.maxLoadedAt, snapshottedAt: age.snapshottedAt, ageSeconds: age.ageSeconds, message });
}
