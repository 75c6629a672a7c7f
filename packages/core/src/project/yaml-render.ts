// Renders `{{ env_var('X', 'default') }}` (and `var`) inside YAML string values, as dbt does for
// project and profile files. Values from secret env vars are recorded so they can be redacted.
import nunjucks from 'nunjucks';
import { TsdbtError } from '../errors.js';

/** Env vars whose values are secret: dbt's prefix plus ours. */
export const SECRET_ENV_PREFIXES = ['TSDBT_ENV_SECRET_', 'DBT_ENV_SECRET_'] as const;

export interface YamlRenderContext {
  env: NodeJS.ProcessEnv;
  vars: Record<string, unknown>;
  /** Receives every value that must never be printed. */
  secrets: Set<string>;
  file: string;
}

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
// dbt's as_* filters mark a value for native conversion; as_text keeps text text.
env.addFilter('as_number', (v: unknown) => (typeof v === 'number' ? v : Number(String(v).trim())));
env.addFilter('as_bool', (v: unknown) => (typeof v === 'boolean' ? v : pyLiteral(String(v)) === true));
env.addFilter('as_native', (v: unknown) => (typeof v === 'string' ? pyLiteral(v) : v));
env.addFilter('as_text', (v: unknown) => String(v ?? ''));

/** The Python literals dbt's native rendering recognises (a small literal_eval); other text stays text. */
function pyLiteral(text: string): unknown {
  const t = text.trim();
  if (t === 'True' || t === 'true') return true;
  if (t === 'False' || t === 'false') return false;
  if (t === 'None') return null;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  return text;
}

/** A value that is exactly one `{{ expression }}`: dbt's native rendering returns the expression's value. */
const SINGLE_EXPRESSION = /^\{\{-?\s*((?:(?!\{\{|\}\}|\{%).)*?)\s*-?\}\}$/s;

/** Look up an env var the way dbt's `env_var()` does: missing without default is an error. */
export function envVarLookup(ctx: Pick<YamlRenderContext, 'env' | 'secrets'>, name: string, fallback?: unknown, file?: string): string {
  const value = ctx.env[name];
  if (value !== undefined) {
    if (SECRET_ENV_PREFIXES.some((p) => name.startsWith(p)) && value !== '') ctx.secrets.add(value);
    return value;
  }
  if (fallback !== undefined) return String(fallback);
  throw new TsdbtError('config', `env var \`${name}\` is not set and env_var() was given no default`, {
    location: file ? { file } : undefined,
    hint: `export ${name}=… or call env_var('${name}', 'default')`,
  });
}

/** Render one string if it holds a template tag; other values pass through. */
export function renderYamlString(value: string, ctx: YamlRenderContext, keyPath: string): string {
  return renderYaml(value, ctx, keyPath, false) as string;
}

/**
 * As dbt renders project, properties and profile values: a value that is a single `{{ … }}` keeps the
 * type of what the expression returns (`"{{ var('x', false) }}"` → false, `"{{ 1 + 1 }}"` → 2); a string
 * result stays a string unless an `as_bool`/`as_number`/`as_native` filter converted it; anything
 * else renders to text.
 */
export function renderYamlNative(value: string, ctx: YamlRenderContext, keyPath: string): unknown {
  return renderYaml(value, ctx, keyPath, true);
}

function renderYaml(value: string, ctx: YamlRenderContext, keyPath: string, native: boolean): unknown {
  if (!value.includes('{{') && !value.includes('{%')) return value;
  const single = native ? SINGLE_EXPRESSION.exec(value) : null;
  let captured: { value: unknown } | undefined;
  const template = single ? `{{ __tsdbt_native((${single[1]})) }}` : value;
  // nunjucks wraps errors thrown by globals into its own; keep ours to rethrow as is.
  let thrown: TsdbtError | undefined;
  const guard =
    <A extends unknown[]>(fn: (...a: A) => unknown) =>
    (...a: A) => {
      try {
        return fn(...a);
      } catch (e) {
        if (e instanceof TsdbtError) thrown = e;
        throw e;
      }
    };
  try {
    const text = env.renderString(template, {
      __tsdbt_native: (v: unknown) => {
        captured = { value: v };
        return '';
      },
      env_var: guard((name: string, fallback?: unknown) => envVarLookup(ctx, name, fallback, ctx.file)),
      var: (name: string, fallback?: unknown) => (name in ctx.vars ? ctx.vars[name] : fallback),
    });
    if (!captured) return text;
    const v = captured.value;
    return v === undefined ? '' : v;
  } catch (e) {
    if (thrown) throw thrown;
    const msg = String((e as Error).message ?? e).replace(/^\(unknown path\)\s*/, '').split('\n').slice(-1)[0];
    throw new TsdbtError('template', `cannot render \`${keyPath}\`: ${msg?.trim()}`, { location: { file: ctx.file } });
  }
}

/** Keys whose values are rendered later, at run time, where `this`, `target` … exist (as in dbt). */
export const DEFERRED_KEYS: ReadonlySet<string> = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook', '+pre-hook', '+post-hook', '+pre_hook', '+post_hook', 'on-run-start', 'on-run-end']);

/** Deep-render every string in a YAML value, leaving the values of `skip` keys as written. */
export function renderYamlValue(value: unknown, ctx: YamlRenderContext, keyPath = '', skip: ReadonlySet<string> = DEFERRED_KEYS): unknown {
  if (typeof value === 'string') return renderYamlNative(value, ctx, keyPath);
  if (Array.isArray(value)) return value.map((v, i) => renderYamlValue(v, ctx, `${keyPath}[${i}]`, skip));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = skip.has(k) ? v : renderYamlValue(v, ctx, keyPath ? `${keyPath}.${k}` : k, skip);
    return out;
  }
  return value;
}
