// Source freshness config, with dbt's rules: thresholds set on the project (`sources: +freshness`),
// on a source and on a table merge key by key, the later level winning; `freshness: null` turns
// freshness off from that level down (a later level may set it again); `warn_after: null` drops one
// threshold. A table is checked when a threshold is set and it has a `loaded_at_field`.
import type { ErrorLocation } from '../errors.js';
import type { Diagnostics } from '../project/diagnostics.js';

export const FRESHNESS_PERIODS = ['minute', 'hour', 'day'] as const;
export type FreshnessPeriod = (typeof FRESHNESS_PERIODS)[number];

export const PERIOD_SECONDS: Record<FreshnessPeriod, number> = { minute: 60, hour: 3600, day: 86400 };

export interface FreshnessTime {
  count: number;
  period: FreshnessPeriod;
}

/** Resolved freshness of a source table (dbt's manifest shape). A threshold left out is not checked. */
export interface SourceFreshness {
  warn_after?: FreshnessTime | undefined;
  error_after?: FreshnessTime | undefined;
  /** SQL condition added as `where` to the freshness query. */
  filter?: string | undefined;
}

interface PartialTime {
  count?: number | undefined;
  period?: FreshnessPeriod | undefined;
}

/** One level as written: a key left out keeps the level above; `null` clears it. */
export interface FreshnessLayer {
  warn_after?: PartialTime | null | undefined;
  error_after?: PartialTime | null | undefined;
  filter?: string | null | undefined;
}

const FRESHNESS_KEYS = ['warn_after', 'error_after', 'filter'] as const;
const TIME_KEYS = ['count', 'period'] as const;

export interface FreshnessReader {
  diagnostics: Diagnostics;
  /** Where a key path (relative to the `freshness:` value) is, for warnings. */
  locate: (path: string[]) => ErrorLocation | undefined;
  /** Throw a user error at a key path. */
  fail: (path: string[], message: string, hint?: string) => never;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Check one `freshness:` value. undefined: not set at this level; null: `freshness: null`. */
export function readFreshnessLayer(value: unknown, r: FreshnessReader): FreshnessLayer | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isObj(value)) r.fail([], '`freshness` must be a mapping (`warn_after`, `error_after`, `filter`) or null', 'e.g. freshness: {warn_after: {count: 12, period: hour}}');
  r.diagnostics.unknownKeys(Object.keys(value), FRESHNESS_KEYS, 'freshness key', (k) => r.locate([k]));
  const layer: FreshnessLayer = {};
  for (const key of ['warn_after', 'error_after'] as const) {
    const t = value[key];
    if (t === undefined) continue;
    if (t === null) {
      layer[key] = null;
      continue;
    }
    if (!isObj(t)) r.fail([key], `\`${key}\` must be a mapping like {count: 12, period: hour}`);
    r.diagnostics.unknownKeys(Object.keys(t), TIME_KEYS, `${key} key`, (k) => r.locate([key, k]));
    const time: PartialTime = {};
    if (t.count !== undefined && t.count !== null) {
      const n = typeof t.count === 'string' && /^\d+$/.test(t.count.trim()) ? Number(t.count) : t.count;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) r.fail([key, 'count'], `\`${key}.count\` must be a whole number, got \`${String(t.count)}\``);
      time.count = n;
    }
    if (t.period !== undefined && t.period !== null) {
      const p = String(t.period).toLowerCase().replace(/s$/, '');
      if (!(FRESHNESS_PERIODS as readonly string[]).includes(p)) r.fail([key, 'period'], `\`${key}.period\` must be minute, hour or day, got \`${String(t.period)}\``);
      time.period = p as FreshnessPeriod;
    }
    layer[key] = time;
  }
  if (value.filter !== undefined) {
    if (value.filter !== null && typeof value.filter !== 'string') r.fail(['filter'], '`filter` must be a SQL condition (a string)');
    layer.filter = value.filter as string | null;
  }
  return layer;
}

function mergeTime(base: PartialTime | null | undefined, over: PartialTime | null | undefined): PartialTime | null | undefined {
  if (over === undefined) return base;
  if (over === null || !base) return over;
  return { count: over.count ?? base.count, period: over.period ?? base.period };
}

/** Merge levels outermost first (project folder, source, table). */
export function mergeFreshness(layers: ReadonlyArray<FreshnessLayer | null | undefined>): FreshnessLayer | null | undefined {
  let out: FreshnessLayer | null | undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer === null || !out) {
      out = layer;
      continue;
    }
    out = {
      warn_after: mergeTime(out.warn_after, layer.warn_after),
      error_after: mergeTime(out.error_after, layer.error_after),
      filter: layer.filter === undefined ? out.filter : layer.filter,
    };
  }
  return out;
}

/** The merged levels as a node's freshness: null when turned off, undefined when never configured. */
export function resolveFreshness(layer: FreshnessLayer | null | undefined): SourceFreshness | null | undefined {
  if (!layer) return layer;
  const time = (t: PartialTime | null | undefined): FreshnessTime | undefined => (t && t.count !== undefined && t.period !== undefined ? { count: t.count, period: t.period } : undefined);
  const out: SourceFreshness = {};
  const warn = time(layer.warn_after);
  const error = time(layer.error_after);
  if (warn) out.warn_after = warn;
  if (error) out.error_after = error;
  if (typeof layer.filter === 'string' && layer.filter.trim()) out.filter = layer.filter;
  return out;
}

/** True when freshness is checked for this table: a threshold and a loaded_at_field. */
export function hasFreshness(node: { freshness?: SourceFreshness | null | undefined; loadedAtField?: string | undefined }): boolean {
  return !!node.freshness && !!(node.freshness.warn_after || node.freshness.error_after) && !!node.loadedAtField;
}
