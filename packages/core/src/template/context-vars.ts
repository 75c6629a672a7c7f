// dbt's invocation-level context names: invocation_id, run_started_at, dbt_version,
// selected_resources, and the `builtins` dict (the context's own ref/source/config, for macros
// that override them). Output that reads the first three of these varies per run: parse marks it
// volatile by name (parse/parse-project.ts VOLATILE_NAMES), so it is never served from cache.
import { newInvocationId } from '../artifacts/metadata.js';
import { DBT_COMPATIBLE_VERSION } from '../project/project-compat.js';
import { PyDate, PyDateTime } from './py-modules.js';

/** One parse / compile / run: the id its artifacts carry, when it started, what it selected. */
export interface Invocation {
  id: string;
  startedAt: Date;
  /** Unique ids of the selected nodes (dbt's `selected_resources`); empty at parse. */
  selected: readonly string[];
}

export function newInvocation(selected: readonly string[] = []): Invocation {
  return { id: newInvocationId(), startedAt: new Date(), selected };
}

/** A tz-aware UTC datetime: prints `+00:00` (what `run_started_at.astimezone(…)` gives). */
export class PyUtcDateTime extends PyDateTime {
  protected override make(micros: number): PyDate {
    return new PyUtcDateTime(micros);
  }
  get tzinfo(): string {
    return 'UTC';
  }
  override isoformat(sep: unknown = 'T'): string {
    return `${super.isoformat(sep)}+00:00`;
  }
  override strftime(fmt: unknown): string {
    return super.strftime(String(fmt).replace(/%%|%z|%Z/g, (m) => (m === '%z' ? '+0000' : m === '%Z' ? 'UTC' : m)));
  }
  astimezone(tz?: unknown): PyUtcDateTime {
    return toUtc(this, tz);
  }
}

/**
 * dbt's run_started_at: a naive datetime holding the UTC wall clock (dbt-core issue #7581), so it
 * prints without an offset. `astimezone()` reads it as UTC (dbt's docs: "defaults to UTC").
 */
export class PyRunStartedAt extends PyDateTime {
  astimezone(tz?: unknown): PyUtcDateTime {
    return toUtc(this, tz);
  }
}

/** Only UTC is supported (there is no `modules.pytz`). */
function toUtc(dt: PyDateTime, tz: unknown): PyUtcDateTime {
  const name = tz === undefined || tz === null ? 'UTC' : String((tz as { zone?: unknown }).zone ?? tz);
  if (!/^(utc|etc\/utc|gmt|z)$/i.test(name)) throw new Error(`astimezone: only UTC is supported, got ${name}`);
  return new PyUtcDateTime(dt.micros);
}

/** The invocation names of a template context. */
export function invocationContext(inv: Invocation): Record<string, unknown> {
  return {
    invocation_id: inv.id,
    run_started_at: new PyRunStartedAt(inv.startedAt.getTime() * 1000),
    dbt_version: DBT_COMPATIBLE_VERSION,
    selected_resources: [...inv.selected],
  };
}

/** dbt's `builtins`: the context's own ref, source and config, even when a macro overrides those names. */
export function builtinsOf(context: Record<string, unknown>): Record<string, unknown> {
  return { ref: context['ref'], source: context['source'], config: context['config'] };
}

/** Context names a project macro of the same name overrides (dbt puts macros over the context). */
export const OVERRIDABLE = new Set(['ref', 'source', 'config']);

/** A macro overrides ref/source/config: static extraction no longer tells what a template refs. */
export function graphCallsOverridden(engine: { hasMacro(name: string): boolean }): boolean {
  for (const n of OVERRIDABLE) if (engine.hasMacro(n)) return true;
  return false;
}
