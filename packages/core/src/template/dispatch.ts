// dbt's `adapter.dispatch(name, macro_namespace)` and the `package.macro` namespaces.
//
// Resolution (dbt's): for each package in the search order, try `<adapter>__name`, then
// `default__name`; the first macro found wins. The search order is the project's `dispatch:` entry
// for the namespace, else [root project, namespace]; without a namespace, the global names (root
// project macros over dbt's own). DuckDB and Postgres declare no parent adapters.
import { TsdbtError } from '../errors.js';

type Fn = (...raw: unknown[]) => unknown;

export interface DispatchSettings {
  /** `target.type`: duckdb, postgres. */
  adapterType: string;
  rootPackage: string | undefined;
  /** `dispatch:` entries of dbt_project.yml: namespace → packages to search, in order. */
  searchOrder: Record<string, string[]>;
}

/** `dbt_utils`, `dbt`, `<root project>` as templates see them: macros as attributes. */
export class MacroNamespace {
  constructor(
    readonly packageName: string,
    macros: ReadonlyMap<string, Fn>,
  ) {
    for (const [name, fn] of macros) Object.defineProperty(this, name, { value: fn, enumerable: true });
  }

  toString(): string {
    return `<namespace ${this.packageName}>`;
  }
}

/** Adapter prefixes dbt tries, most specific first. */
export function adapterPrefixes(adapterType: string): string[] {
  return adapterType === 'default' ? ['default'] : [adapterType, 'default'];
}

export function resolveDispatch(
  name: string,
  namespace: string | undefined | null,
  settings: DispatchSettings,
  find: (pkg: string | undefined, name: string) => Fn | undefined,
  hasPackage: (pkg: string) => boolean,
): Fn {
  if (name.includes('.')) {
    const [ns, rest] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
    throw new TsdbtError('template', `In adapter.dispatch, got a macro name of "${name}", but "." is not a valid macro name component`, {
      hint: `did you mean \`adapter.dispatch("${rest}", macro_namespace="${ns}")\`?`,
    });
  }
  let packages: Array<string | undefined>;
  if (namespace === undefined || namespace === null) packages = [undefined];
  else {
    const configured = settings.searchOrder[namespace];
    packages = configured && configured.length ? configured : [...new Set([settings.rootPackage, namespace].filter((p): p is string => p !== undefined))];
  }
  const attempts: string[] = [];
  for (const pkg of packages) {
    // A package that isn't there is skipped, as dbt does; it still shows in the error's list.
    const present = pkg === undefined || hasPackage(pkg);
    for (const prefix of adapterPrefixes(settings.adapterType)) {
      const candidate = `${prefix}__${name}`;
      attempts.push(pkg === undefined ? candidate : `${pkg}.${candidate}`);
      const fn = present ? find(pkg, candidate) : undefined;
      if (fn !== undefined) return fn;
    }
  }
  throw new TsdbtError('template', `In dispatch: No macro named '${name}' found within namespace: '${namespace ?? 'None'}'\n    Searched for: ${attempts.map((a) => `'${a}'`).join(', ')}`, {
    hint: `define \`default__${name}\` (or \`${settings.adapterType}__${name}\`) in a macro file`,
  });
}

const withDispatchCache = new WeakMap<object, unknown>();

/** The template's `adapter` object with `dispatch` added when it has none. */
export function withDispatch(adapter: unknown, dispatch: Fn): unknown {
  if (adapter === null || (typeof adapter !== 'object' && typeof adapter !== 'function')) return adapter;
  if ((adapter as Record<string, unknown>)['dispatch'] !== undefined) return adapter;
  let out = withDispatchCache.get(adapter);
  if (out === undefined) {
    const target = adapter as Record<string | symbol, unknown>;
    out = new Proxy(target, {
      get(t, key) {
        if (key === 'dispatch') return dispatch;
        const v = t[key];
        // Class methods run against the real object (private fields), not the proxy.
        return typeof v === 'function' && !Object.prototype.hasOwnProperty.call(t, key) ? (v as Fn).bind(t) : v;
      },
      has: (t, key) => key === 'dispatch' || key in t,
    });
    withDispatchCache.set(adapter, out);
  }
  return out;
}
