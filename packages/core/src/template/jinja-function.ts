// Calling convention between templates and JS: nunjucks passes keyword arguments as a trailing
// object marked `__keywords: true`; Jinja functions want (args, kwargs).

export type JinjaFn = (args: unknown[], kwargs: Record<string, unknown>) => unknown;

export const KEYWORDS_FLAG = '__keywords';

export function isKeywordArgs(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, KEYWORDS_FLAG);
}

/** Split nunjucks-style raw arguments into positional args and kwargs (without the marker). */
export function splitArgs(raw: readonly unknown[]): { args: unknown[]; kwargs: Record<string, unknown> } {
  const n = raw.length;
  if (n > 0 && isKeywordArgs(raw[n - 1])) {
    const kwargs: Record<string, unknown> = {};
    const last = raw[n - 1] as Record<string, unknown>;
    for (const k of Object.keys(last)) if (k !== KEYWORDS_FLAG) kwargs[k] = last[k];
    return { args: raw.slice(0, n - 1), kwargs };
  }
  return { args: raw as unknown[], kwargs: {} };
}

/** Build raw arguments the way a template call `f(a, b, k=v)` would pass them. */
export function toRawArgs(args: readonly unknown[], kwargs?: Record<string, unknown>): unknown[] {
  if (!kwargs || Object.keys(kwargs).length === 0) return [...args];
  return [...args, { ...kwargs, [KEYWORDS_FLAG]: true }];
}

/**
 * Wrap a JS function so templates can call it with positional and keyword args (Jinja style:
 * `f('a', b=1)`). The wrapper unwraps nunjucks' trailing kwargs object centrally.
 */
export function jinjaFunction(fn: JinjaFn): (...raw: unknown[]) => unknown {
  return function jinjaCall(...raw: unknown[]): unknown {
    const { args, kwargs } = splitArgs(raw);
    return fn(args, kwargs);
  };
}
