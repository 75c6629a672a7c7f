// dbt-compatible Jinja on nunjucks: macros registered globally, a per-render context visible to
// templates and to every macro they call, cached compiled templates, located errors.
//
// Name resolution (for a name not set in the current frame):
//   template-level `{% set %}`/local macros → render context → registered macros → macro file's
//   own private names → dbt built-ins → nunjucks globals → True/False/None.
// Macros are compiled once per file; their lookups go through the engine (via the ENGINE_HOOK
// on the environment), so they see whichever render context is active at call time.
import { didYouMean, TsdbtError } from '../errors.js';
import { doExtension, makeFilters, makeGlobals, makeTests, materializationExtension, snapshotExtension, testBlockExtension } from './builtins.js';
import { ENGINE_HOOK, installPatches, macroFile, macroName, newContext, nj, PY_OUTPUT, runtime, setDefiningFile, type NjContext, type NjEnv, type NjTemplate } from './jinja-compat.js';
import { jinjaFunction, toRawArgs } from './jinja-function.js';
import { normalizeSource } from './scanner.js';
import { toTemplateError, withLocation } from './template-errors.js';
import { loopControlExtension } from './jinja-syntax.js';
import { MacroNamespace, resolveDispatch, withDispatch, type DispatchSettings } from './dispatch.js';
import { builtinsOf, OVERRIDABLE } from './context-vars.js';

export { jinjaFunction, type JinjaFn } from './jinja-function.js';

export interface TemplateEngineOptions {
  onLog?: (msg: string, info: boolean) => void;
}

interface Compiled {
  tmpl: NjTemplate;
  src: string;
}

interface MacroEntry {
  fn: (...raw: unknown[]) => unknown;
  file: string;
}

/** Where a macro file's macros are callable: by bare name (`global`, default) and/or as `package.name`. */
export interface MacroScope {
  package?: string | undefined;
  global?: boolean;
}

/** Key in a macro file's nunjucks context: marks it, so registered macros win over its own names. */
const MACRO_FILE_KEY = '__tsdbtMacroFile';
const CACHE_LIMIT = 5_000;

export class TemplateEngine {
  private readonly env: NjEnv & { globals: Record<string, unknown> };
  private readonly builtins: Record<string, unknown>;
  private readonly macros = new Map<string, MacroEntry>();
  /** Macros by package (`dbt`, `dbt_utils`, the root project): what `pkg.name` and dispatch see. */
  private readonly packages = new Map<string, Map<string, MacroEntry>>();
  private readonly namespaces = new Map<string, MacroNamespace>();
  private bareAdapter: unknown;
  private dispatchSettings: DispatchSettings = { adapterType: 'default', rootPackage: undefined, searchOrder: {} };
  /** Raw source → compiled template and normalised source (LRU by insertion order). */
  private readonly cache = new Map<string, Compiled>();
  private active: Record<string, unknown> | undefined;

  constructor(options: TemplateEngineOptions = {}) {
    installPatches();
    const log = options.onLog ?? (() => undefined);
    const env = new nj.Environment([], { autoescape: false, throwOnUndefined: false });
    env.opts['autoescape'] = PY_OUTPUT;
    for (const [name, f] of Object.entries(makeFilters())) env.addFilter(name, f);
    Object.assign(env.tests, makeTests());
    env.addExtension('do', doExtension);
    env.addExtension('test', testBlockExtension);
    env.addExtension('snapshot', snapshotExtension);
    env.addExtension('materialization', materializationExtension);
    env.addExtension('loopcontrols', loopControlExtension);
    env[ENGINE_HOOK] = (context: NjContext, name: string) => this.lookup(context, name);
    this.env = env as unknown as NjEnv & { globals: Record<string, unknown> };
    this.builtins = makeGlobals(log);
  }

  /**
   * Register a macro file: its top-level `{% macro %}`s (and `{% test %}` blocks, as `test_<name>`)
   * become callable by name from every template and macro. Re-registering a name overrides it.
   */
  addMacroFile(file: string, source: string, scope: MacroScope = {}): string[] {
    const defined = this.defineMacros(file, source);
    for (const [name, fn] of defined) this.register(name, { fn, file }, scope);
    return [...defined.keys()];
  }

  /**
   * Like addMacroFile for a file whose macro names are known up front (`names`, as addMacroFile
   * would return them): it is compiled on the first call of one of them. For the bundled packages,
   * of which a project calls few, so that parsing does not pay for compiling them all.
   */
  addLazyMacroFile(file: string, source: string, names: readonly string[], scope: MacroScope = {}): void {
    let real: Map<string, MacroEntry['fn']> | undefined;
    const stubs = new Map<string, MacroEntry['fn']>();
    const load = (): Map<string, MacroEntry['fn']> => {
      if (real) return real;
      real = this.defineMacros(file, source);
      // Swap the stubs for the real macros where nothing overrode them since.
      for (const [name, stub] of stubs) {
        const fn = real.get(name);
        if (!fn) continue;
        if (this.macros.get(name)?.fn === stub) this.macros.set(name, { fn, file });
        const pkg = scope.package === undefined ? undefined : this.packages.get(scope.package);
        if (pkg?.get(name)?.fn === stub) {
          pkg.set(name, { fn, file });
          this.namespaces.delete(scope.package!);
        }
      }
      return real;
    };
    for (const name of names) {
      const stub = function (this: unknown, ...args: unknown[]): unknown {
        const fn = load().get(name);
        if (!fn) throw new Error(`internal: bundled macro file ${file} does not define \`${name}\``);
        return fn.apply(this, args);
      };
      macroName.set(stub, name);
      stubs.set(name, stub);
      this.register(name, { fn: stub, file }, scope);
    }
  }

  /** Run a macro file once; its top-level macros by name. */
  private defineMacros(file: string, source: string): Map<string, MacroEntry['fn']> {
    const { tmpl, src } = this.compile(file, source);
    const context = newContext({ [MACRO_FILE_KEY]: file }, tmpl.blocks, this.env);
    setDefiningFile(file);
    try {
      this.withContext({}, () => this.run(tmpl, context, file, src));
    } finally {
      setDefiningFile(undefined);
    }
    const out = new Map<string, MacroEntry['fn']>();
    for (const [name, fn] of Object.entries(context.ctx)) {
      if (typeof fn !== 'function' || !macroFile.has(fn) || macroFile.get(fn) !== file) continue;
      macroName.set(fn, name);
      out.set(name, fn as MacroEntry['fn']);
    }
    return out;
  }

  private register(name: string, entry: MacroEntry, scope: MacroScope): void {
    if (scope.global !== false) this.macros.set(name, entry);
    if (scope.package !== undefined) {
      const pkg = this.packages.get(scope.package) ?? this.packages.set(scope.package, new Map()).get(scope.package)!;
      pkg.set(name, entry);
      this.namespaces.delete(scope.package);
    }
  }

  /** `name`, or `package.name` for a macro of one package. */
  /** A dbt built-in (`log`, `print` …) as templates see it when nothing overrides it. */
  builtin(name: string): unknown {
    return this.builtins[name];
  }

  hasMacro(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  private entry(name: string): MacroEntry | undefined {
    const dot = name.indexOf('.');
    if (dot < 0) return this.macros.get(name);
    return this.packages.get(name.slice(0, dot))?.get(name.slice(dot + 1));
  }

  /** Adapter type and `dispatch:` search orders for `adapter.dispatch`. */
  configureDispatch(settings: DispatchSettings): void {
    this.dispatchSettings = settings;
    if (settings.rootPackage !== undefined && !this.packages.has(settings.rootPackage)) this.packages.set(settings.rootPackage, new Map());
  }

  /** `adapter.dispatch(name, namespace)`: the macro dbt would pick for this adapter. */
  dispatch(name: string, namespace: string | undefined): MacroEntry['fn'] {
    return resolveDispatch(name, namespace, this.dispatchSettings, (pkg, n) => (pkg === undefined ? this.macros.get(n) : this.packages.get(pkg)?.get(n))?.fn, (pkg) => this.packages.has(pkg));
  }

  private namespace(pkg: string): MacroNamespace | undefined {
    let ns = this.namespaces.get(pkg);
    if (ns === undefined) {
      const macros = this.packages.get(pkg);
      if (macros === undefined) return undefined;
      ns = new MacroNamespace(pkg, new Map([...macros].map(([k, v]) => [k, v.fn])));
      this.namespaces.set(pkg, ns);
    }
    return ns;
  }

  /** Call a registered macro from JS with `context` active: its return() value, else its output. */
  callMacro(name: string, args: unknown[], context: Record<string, unknown>, kwargs?: Record<string, unknown>): unknown {
    const entry = this.entry(name);
    if (!entry) throw new TsdbtError('template', `macro \`${name}\` is not defined`, { hint: didYouMean(name, this.macros.keys()) });
    return this.withContext(context, () => {
      try {
        const r = entry.fn(...toRawArgs(args, kwargs));
        return r instanceof String ? String(r) : r;
      } catch (e) {
        throw toTemplateError(e, { file: entry.file, phase: 'call', names: () => this.visibleNames() });
      }
    });
  }

  /** Render a template with `context` visible to it and to every macro it calls. */
  render(file: string, source: string, context: Record<string, unknown>): string {
    const { tmpl, src } = this.compile(file, source);
    return this.withContext(context, () => this.run(tmpl, newContext({}, tmpl.blocks, this.env), file, src));
  }

  private withContext<T>(context: Record<string, unknown>, fn: () => T): T {
    const prev = this.active;
    this.active = context;
    try {
      return fn();
    } finally {
      this.active = prev;
    }
  }

  /** Compiled template for this content (cached by content; the file name only labels errors). */
  private compile(file: string, source: string): Compiled {
    const hit = this.cache.get(source);
    if (hit) {
      this.cache.delete(source);
      this.cache.set(source, hit);
      return hit;
    }
    const src = normalizeSource(source);
    const tmpl = new nj.Template(src, this.env, file);
    try {
      tmpl.compile();
    } catch (e) {
      throw toTemplateError(e, { file, src, phase: 'compile' });
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    const compiled = { tmpl, src };
    this.cache.set(source, compiled);
    return compiled;
  }

  private run(tmpl: NjTemplate, context: NjContext, file: string, src: string): string {
    const frame = new runtime.Frame();
    frame.topLevel = true;
    let out = '';
    let err: unknown;
    try {
      tmpl.rootRenderFunc(this.env, context, frame, runtime, (e, res) => {
        if (e) err ??= e;
        else if (res !== undefined) out = res;
      });
    } catch (e) {
      err ??= e;
    }
    if (err !== undefined) {
      if (err instanceof TsdbtError && err.location) throw err;
      if (err instanceof TsdbtError) throw withLocation(err, { file });
      throw toTemplateError(err, { file, src, phase: 'render', names: () => this.visibleNames() });
    }
    return out;
  }

  /** Resolve a name not found in the frame (called from compiled templates through ENGINE_HOOK). */
  private lookup(context: NjContext, name: string): unknown {
    const ctx = context.ctx;
    const inMacroFile = ctx[MACRO_FILE_KEY] !== undefined;
    if (!inMacroFile) {
      const v = ctx[name];
      if (v !== undefined && !(name in Object.prototype)) return v;
    }
    const act = this.active;
    // dbt puts macros over the context: a project `ref`/`source`/`config` macro overrides the
    // built-in, which stays reachable as `builtins.ref` … (template/context-vars.ts).
    if (OVERRIDABLE.has(name)) {
      const m = this.macros.get(name);
      if (m !== undefined) return m.fn;
    }
    if (name === 'builtins' && act !== undefined) return builtinsOf(act);
    if (act !== undefined) {
      const v = act[name];
      if (v !== undefined && !(name in Object.prototype)) return name === 'adapter' ? withDispatch(v, this.dispatcher) : v;
    }
    const m = this.macros.get(name);
    if (m !== undefined) return m.fn;
    const ns = this.packages.has(name) ? this.namespace(name) : undefined;
    if (ns !== undefined) return ns;
    if (inMacroFile) {
      const v = ctx[name];
      if (v !== undefined && !(name in Object.prototype)) return v;
    }
    const b = this.builtins[name];
    if (b !== undefined) return name === 'adapter' ? withDispatch(b, this.dispatcher) : b;
    if (name === 'adapter') return (this.bareAdapter ??= withDispatch({ type: () => this.dispatchSettings.adapterType, quote: (s: unknown) => `"${String(s).replace(/"/g, '""')}"` }, this.dispatcher));
    const g = this.env.globals[name];
    if (g !== undefined && !(name in Object.prototype)) return g;
    if (name === 'True') return true;
    if (name === 'False') return false;
    if (name === 'None') return null;
    return undefined;
  }

  /** `adapter.dispatch` as templates call it. */
  private readonly dispatcher = jinjaFunction((args, kwargs) => this.dispatch(String(args[0] ?? kwargs['macro_name']), (args[1] ?? kwargs['macro_namespace'] ?? undefined) as string | undefined));

  private visibleNames(): string[] {
    return [...Object.keys(this.active ?? {}), ...this.macros.keys(), ...Object.keys(this.builtins)];
  }
}
