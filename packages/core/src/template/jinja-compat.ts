// Process-wide nunjucks patches that make it behave like Jinja for dbt templates. Installed once
// (idempotent). Behaviour changes are scoped to environments carrying ENGINE_HOOK where nunjucks
// gives us the environment; the rest only adds what nunjucks lacks:
//  - runtime.contextOrFrameLookup: names resolve through the engine (render context, macros, globals)
//  - runtime.makeMacro: every macro catches the `return()` signal (also same-file macro calls)
//  - runtime.memberLookup: Python string/list/dict methods (no prototype patching)
//  - runtime.suppressValue: `{{ }}` prints Python str() (True, None, ['a']) for our environments
//  - compiler: `~ + - %` and if/not/and/or use Python semantics in our environments; `(a, b)` is a
//    tuple (list); `{% set ns.x = v %}`; macros restore their frame when they exit early.
import nunjucks from 'nunjucks';
import { splitArgs } from './jinja-function.js';
import { collectVarargs, installSyntaxPatches } from './jinja-syntax.js';
import { dictKey, dictKeyOrigins, dictMethod, isPlainObject, listMethod, pyArith, PyError, pyPercentFormat, pyStr, pyTruthy, PyTuple, pyTuple, pyTypeName, stringMethod } from './py.js';

type Fn = (...a: any[]) => any;

export interface NjFrame {
  lookup(name: string): unknown;
  set(name: string, val: unknown, resolveUp?: boolean): void;
  topLevel: boolean;
}
export interface NjContext {
  env: NjEnv;
  ctx: Record<string, unknown>;
  getExported(): Record<string, unknown>;
}
export interface NjEnv {
  opts: Record<string, unknown>;
  [key: string]: unknown;
}
export interface NjTemplate {
  compile(): void;
  blocks: Record<string, unknown>;
  rootRenderFunc(env: unknown, context: NjContext, frame: NjFrame, runtime: unknown, cb: (err: unknown, res?: string) => void): void;
}
export interface NjTemplateError extends Error {
  lineno?: number | undefined;
  colno?: number | undefined;
  cause?: unknown;
}
interface NjRuntime {
  Frame: new (parent?: unknown, isolate?: boolean) => NjFrame;
  SafeString: new (s: string) => { val: string };
  makeKeywordArgs(o: Record<string, unknown>): Record<string, unknown>;
  [k: string]: any;
}
interface NjInternals {
  runtime: NjRuntime;
  compiler: { Compiler: { prototype: Record<string, any> } };
  nodes: Record<string, any> & { Node: { extend(name: string, props: Record<string, unknown>): any } };
  lib: { TemplateError: new (msg: string, l?: number, c?: number) => NjTemplateError };
  Template: new (src: string, env: unknown, path: string, eager?: boolean) => NjTemplate;
  Environment: new (loaders: unknown, opts: Record<string, unknown>) => NjEnv & { addFilter: Fn; addGlobal: Fn; addExtension: Fn; tests: Record<string, Fn> };
  installJinjaCompat(): void;
}

export const nj = nunjucks as unknown as NjInternals;
export const runtime = nj.runtime;

/** Property on our Environment: `(context, name) => value` resolves names not in the frame. */
export const ENGINE_HOOK = '__tsdbtLookup';
/** Thrown by `return(value)`; caught by the innermost macro. Not an Error: no stack capture cost. */
class ReturnSignalImpl {
  constructor(readonly value: unknown) {}
  /** nunjucks stringifies non-Error throws it catches outside any macro. */
  toString(): string {
    return RETURN_OUTSIDE_MACRO;
  }
}
export const RETURN_OUTSIDE_MACRO = 'return() can only be used inside a macro';

type ContextCtor = new (ctx: Record<string, unknown>, blocks: Record<string, unknown>, env: unknown) => NjContext;

/**
 * State shared by every copy of this module loaded in the process (test runners and bundlers can
 * load it twice while nunjucks, and so the patches, exist once): it lives on the nunjucks runtime.
 */
interface Shared {
  installed: boolean;
  pyOutput: object;
  ReturnSignal: typeof ReturnSignalImpl;
  definingFile: string | undefined;
  macroFile: WeakMap<object, string | undefined>;
  macroName: WeakMap<object, string>;
  macroTrace: WeakMap<object, string[]>;
  Context: ContextCtor | undefined;
}
const shared: Shared = (runtime.__tsdbtShared ??= {
  installed: false,
  pyOutput: Object.freeze({ tsdbtPythonOutput: true }),
  ReturnSignal: ReturnSignalImpl,
  definingFile: undefined,
  macroFile: new WeakMap(),
  macroName: new WeakMap(),
  macroTrace: new WeakMap(),
  Context: undefined,
} satisfies Shared) as Shared;

/** Our environments set `opts.autoescape` to this marker: output uses Python `str()`. */
export const PY_OUTPUT = shared.pyOutput;
export const ReturnSignal = shared.ReturnSignal;
export type ReturnSignal = ReturnSignalImpl;
/** Every macro function → the file that defined it (undefined for model-local macros). */
export const macroFile = shared.macroFile;
/** Macro function → name, filled by the engine once the defining file has run. */
export const macroName = shared.macroName;
/** Error → macros it passed through, innermost first ("name (file)"). */
export const macroTrace = shared.macroTrace;

/** File currently being registered (its macros are created during that run). */
export function setDefiningFile(file: string | undefined): void {
  shared.definingFile = file;
}

export function newContext(ctx: Record<string, unknown>, blocks: Record<string, unknown>, env: unknown): NjContext {
  if (!shared.Context) throw new Error('internal: nunjucks patches not installed');
  return new shared.Context(ctx, blocks, env);
}

function isOurs(env: unknown): boolean {
  return typeof env === 'object' && env !== null && ENGINE_HOOK in env;
}

export function installPatches(): void {
  if (shared.installed) return;
  shared.installed = true;
  const rt = runtime;
  if (!rt.__tsdbtCompat) {
    nj.installJinjaCompat();
    rt.__tsdbtCompat = true;
  }

  // nunjucks does not export Context: capture the class from a probe render (`this` of a global).
  const probeEnv = new nj.Environment([], { autoescape: false });
  probeEnv.addGlobal('probe', function (this: { constructor: ContextCtor }) {
    shared.Context = this.constructor;
    return '';
  });
  (probeEnv as unknown as { renderString(s: string, c: object): string }).renderString('{{ probe() }}', {});

  const origLookup: Fn = rt.contextOrFrameLookup;
  rt.contextOrFrameLookup = function contextOrFrameLookup(context: NjContext, frame: NjFrame, name: string) {
    const hook = context.env[ENGINE_HOOK] as ((c: NjContext, n: string) => unknown) | undefined;
    if (hook === undefined) return origLookup.call(this, context, frame, name);
    const v = frame.lookup(name);
    return v !== undefined ? v : hook(context, name);
  };

  const origMember: Fn = rt.memberLookup;
  rt.memberLookup = function memberLookup(obj: unknown, key: unknown) {
    if (arguments.length === 4 && (typeof obj === 'string' || obj instanceof String)) {
      // Python slicing of a string gives a string ("abc"[::-1])
      return (origMember.apply(this, [[...String(obj)], ...[...(arguments as unknown as unknown[])].slice(1)]) as string[]).join('');
    }
    if (arguments.length === 2 && typeof key === 'number' && key < 0 && (Array.isArray(obj) || typeof obj === 'string')) {
      // Python negative indexes count from the end
      return obj[obj.length + key];
    }
    if (arguments.length === 2 && typeof key === 'string') {
      let m: Fn | undefined;
      if (typeof obj === 'string') m = stringMethod(obj, key, splitArgs);
      else if (obj instanceof String) m = stringMethod(String(obj), key, splitArgs);
      else if (Array.isArray(obj)) m = listMethod(obj, key);
      else if (isPlainObject(obj)) m = dictMethod(obj, key);
      if (m) return m;
      // A callable namespace (a function carrying attributes, like modules.datetime.datetime)
      // must not be replaced by nunjucks' bound wrapper, which drops the attributes.
      if (obj !== null && obj !== undefined) {
        const v = (obj as Record<string, unknown>)[key];
        if (typeof v === 'function' && hasOwnKeys(v)) return v;
      }
    }
    return origMember.apply(this, arguments as unknown as unknown[]);
  };

  const origSuppress: Fn = rt.suppressValue;
  rt.suppressValue = function suppressValue(val: unknown, autoescape: unknown) {
    return autoescape === PY_OUTPUT ? pyStr(val) : origSuppress(val, autoescape);
  };

  const origMakeMacro: Fn = rt.makeMacro;
  rt.makeMacro = function makeMacro(argNames: string[], kwargNames: string[], func: Fn) {
    const inner: Fn = origMakeMacro(argNames, kwargNames, function (this: unknown, ...args: unknown[]) {
      try {
        return func.apply(this, args);
      } catch (e) {
        if (e instanceof ReturnSignal) return e.value;
        noteMacro(e, macro);
        throw e;
      }
    });
    // positional arguments past the parameters reach the body as `varargs` (nunjucks drops them)
    const max = argNames.length + kwargNames.length;
    const macro: Fn = function (this: unknown, ...raw: unknown[]) {
      return inner.apply(this, raw.length > max ? collectVarargs(argNames, kwargNames, raw) : raw);
    };
    macroFile.set(macro, shared.definingFile);
    return macro;
  };

  // Python-semantics helpers called from compiled code; `env` tells whether the template is ours.
  rt.tsdbtTruthy = (env: unknown, v: unknown) => (isOurs(env) ? pyTruthy(v) : !!v);
  // `for x in dict` iterates keys (nunjucks iterates nothing unless it is `for k, v in dict`).
  rt.tsdbtIter = (env: unknown, v: unknown) => (isOurs(env) && isPlainObject(v) ? dictKeys(v) : v);
  rt.tsdbtAnd = (env: unknown, a: unknown, b: () => unknown) => ((isOurs(env) ? pyTruthy(a) : a) ? b() : a);
  rt.tsdbtOr = (env: unknown, a: unknown, b: () => unknown) => ((isOurs(env) ? pyTruthy(a) : a) ? a : b());
  rt.tsdbtConcat = (env: unknown, a: any, b: any) => (isOurs(env) ? pyStr(a) + pyStr(b) : a + '' + b);
  rt.tsdbtBinop = (env: unknown, op: string, a: any, b: any, nameA?: string | null, nameB?: string | null) => {
    if (isOurs(env)) {
      // Jinja's Undefined refuses arithmetic (`~` still prints it as '')
      if (a === undefined || b === undefined) {
        const name = a === undefined ? nameA : nameB;
        throw new Error(name ? `'${name}' is undefined` : `an undefined value cannot be used with \`${op}\``);
      }
      const n = pyArith(op, a, b);
      if (n !== undefined) return n;
      if (op === '+' && Array.isArray(a) && Array.isArray(b)) {
        if (a instanceof PyTuple === b instanceof PyTuple) return a instanceof PyTuple ? pyTuple([...a, ...b]) : [...a, ...b];
        throw new PyError('TypeError', `can only concatenate ${pyTypeName(a)} (not "${pyTypeName(b)}") to ${pyTypeName(a)}`);
      }
      if (op === '*' && (typeof a === 'string' || Array.isArray(a)) && (Number.isInteger(b) || typeof b === 'boolean')) {
        const n = Math.max(0, Number(b));
        return typeof a === 'string' ? a.repeat(n) : a instanceof PyTuple ? pyTuple(Array.from({ length: n }, () => a).flat(1)) : Array.from({ length: n }, () => a).flat(1);
      }
      if (op === '%' && (typeof a === 'string' || a instanceof String)) return pyPercentFormat(String(a), b);
      const dunder = op === '+' ? '__add__' : op === '-' ? '__sub__' : undefined;
      if (dunder && a !== null && typeof a === 'object' && typeof a[dunder] === 'function') {
        const r = a[dunder](b);
        if (r !== undefined) return r;
      }
      if (isPyValue(a) && isPyValue(b)) {
        // Python refuses these (`'1' + 1`); JS would coerce. `~` is the way to concatenate.
        const ta = pyTypeName(a);
        const tb = pyTypeName(b);
        if (op === '+' && ta === 'str' && tb !== 'str') throw new PyError('TypeError', `can only concatenate str (not "${tb}") to str`);
        if (op !== '+' || ta !== 'str' || tb !== 'str') throw new PyError('TypeError', `unsupported operand type(s) for ${op === '**' ? '** or pow()' : op}: '${ta}' and '${tb}'`);
      }
    }
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '//':
        return Math.floor(a / b);
      case '**':
        return Math.pow(a, b);
      default:
        return a % b;
    }
  };
  rt.tsdbtTuple = (env: unknown, items: unknown[]) => (isOurs(env) ? pyTuple(items) : items);
  rt.tsdbtSetAttr = (obj: any, key: unknown, val: unknown) => {
    if (obj === null || obj === undefined || typeof obj !== 'object') throw new Error(`cannot set attribute \`${String(key)}\` on ${pyStr(obj) || 'an undefined value'}`);
    obj[String(key)] = val;
  };

  patchCompiler();
  installSyntaxPatches(isOurs);
}

/** Values whose Python type is certain (None, str, int, float, bool, list, tuple, dict); not Undefined. */
function isPyValue(v: unknown): boolean {
  const t = typeof v;
  return v === null || t === 'string' || t === 'number' || t === 'boolean' || v instanceof String || v instanceof Number || Array.isArray(v) || isPlainObject(v);
}

function dictKeys(d: Record<string, unknown>): unknown[] {
  const keys = Object.keys(d);
  return dictKeyOrigins.has(d) ? keys.map((k) => dictKey(d, k)) : keys;
}

function hasOwnKeys(f: object): boolean {
  for (const _ in f) return true;
  return false;
}

function noteMacro(e: unknown, macro: object): void {
  if (typeof e !== 'object' || e === null) return;
  const name = macroName.get(macro);
  if (!name) return;
  const file = macroFile.get(macro);
  const trace = macroTrace.get(e) ?? [];
  trace.push(file ? `${name} (${file})` : name);
  macroTrace.set(e, trace);
}

function patchCompiler(): void {
  const C = nj.compiler.Compiler.prototype;
  const nodes = nj.nodes;
  // Wrapper nodes compiled as `runtime.<helper>(env, <target>)`.
  const helperNode = (type: string, helper: string) => {
    const N = nodes.Node.extend(type, { fields: ['target'] });
    C[`compile${type}`] = function (this: Record<string, Fn>, node: { target: unknown }, frame: unknown) {
      this['_emit']!(`runtime.${helper}(env, `);
      this['compile']!(node.target, frame);
      this['_emit']!(')');
    };
    return (n: unknown) => (n instanceof N ? n : new N((n as { lineno: number }).lineno, (n as { colno: number }).colno, n));
  };
  const wrap = helperNode('TsdbtTruthy', 'tsdbtTruthy');
  const wrapIter = helperNode('TsdbtIter', 'tsdbtIter');

  const origAssert: Fn = C['assertType'];
  C['assertType'] = function (this: unknown, node: { typename?: string }, ...rest: unknown[]) {
    if (typeof node.typename === 'string' && node.typename.startsWith('Tsdbt')) return;
    return origAssert.call(this, node, ...rest);
  };
  const origFor: Fn = C['compileFor'];
  C['compileFor'] = function (this: unknown, node: { name: unknown; arr: unknown }, ...rest: unknown[]) {
    if (!(node.name instanceof nodes['Array'])) node.arr = wrapIter(node.arr);
    return origFor.call(this, node, ...rest);
  };

  const withCond = (name: string, field: string) => {
    const orig: Fn = C[name];
    C[name] = function (this: unknown, node: Record<string, unknown>, ...rest: unknown[]) {
      node[field] = wrap(node[field]);
      return orig.call(this, node, ...rest);
    };
  };
  withCond('compileIf', 'cond');
  withCond('compileInlineIf', 'cond');
  withCond('compileNot', 'target');

  const lazyOp = (name: string, helper: string) => {
    C[name] = function (this: Record<string, Fn>, node: { left: unknown; right: unknown }, frame: unknown) {
      this['_emit']!(`runtime.${helper}(env, `);
      this['compile']!(node.left, frame);
      this['_emit']!(', function () { return ');
      this['compile']!(node.right, frame);
      this['_emit']!('; })');
    };
  };
  lazyOp('compileAnd', 'tsdbtAnd');
  lazyOp('compileOr', 'tsdbtOr');

  C['compileConcat'] = function (this: Record<string, Fn>, node: { left: unknown; right: unknown }, frame: unknown) {
    this['_emit']!('runtime.tsdbtConcat(env, ');
    this['compile']!(node.left, frame);
    this['_emit']!(', ');
    this['compile']!(node.right, frame);
    this['_emit']!(')');
  };
  for (const [name, op] of [
    ['compileAdd', '+'],
    ['compileSub', '-'],
    ['compileMod', '%'],
    ['compileMul', '*'],
    ['compileDiv', '/'],
    ['compileFloorDiv', '//'],
    ['compilePow', '**'],
  ] as const) {
    C[name] = function (this: Record<string, Fn>, node: { left: unknown; right: unknown; lineno: number; colno: number }, frame: unknown) {
      // the operator's position, for a TypeError or ZeroDivisionError (as nunjucks does for calls)
      this['_emit']!(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.tsdbtBinop(env, "${op}", `);
      this['compile']!(node.left, frame);
      this['_emit']!(', ');
      this['compile']!(node.right, frame);
      // names of operands that are plain variables, for "'x' is undefined"
      const name = (n: unknown) => (n instanceof nodes['Symbol'] ? JSON.stringify((n as { value: string }).value) : 'null');
      this['_emit']!(node.left instanceof nodes['Symbol'] || node.right instanceof nodes['Symbol'] ? `, ${name(node.left)}, ${name(node.right)}))` : '))');
    };
  }

  // `(a, b)` is a tuple in Jinja; nunjucks compiles it to JS's comma operator.
  const origGroup: Fn = C['compileGroup'];
  C['compileGroup'] = function (this: Record<string, Fn>, node: { children: unknown[] }, frame: unknown) {
    if (node.children.length !== 1 || (node as { tsdbtTuple?: boolean }).tsdbtTuple) {
      this['_emit']!('runtime.tsdbtTuple(env, ');
      this['_compileAggregate']!(node, frame, '[', ']');
      this['_emit']!(')');
      return;
    }
    return origGroup.call(this, node, frame);
  };

  // `{% set ns.attr = value %}` (Jinja namespaces); nunjucks crashes on a dotted target.
  const origSet: Fn = C['compileSet'];
  C['compileSet'] = function (this: Record<string, Fn>, node: { targets: Array<{ target: unknown; val: unknown }>; value: unknown; body: unknown }, frame: unknown) {
    const t = node.targets[0];
    if (node.targets.length === 1 && t instanceof nodes['LookupVal']) {
      this['_emit']!('runtime.tsdbtSetAttr(');
      this['_compileExpression']!(t.target, frame);
      this['_emit']!(', ');
      this['_compileExpression']!(t.val, frame);
      this['_emit']!(', ');
      if (node.value) this['_compileExpression']!(node.value, frame);
      else this['compile']!(node.body, frame);
      this['_emitLine']!(');');
      return;
    }
    return origSet.call(this, node, frame);
  };

  // Macros reset the shared `frame` variable on exit; make that a `finally` so an early exit
  // (return(), an error) leaves the caller's frame intact.
  const origMacro: Fn = C['_compileMacro'];
  C['_compileMacro'] = function (this: { codebuf: string[] }, ...args: unknown[]) {
    const start = this.codebuf.length;
    const id = origMacro.apply(this, args) as string;
    const buf = this.codebuf;
    const open = buf.indexOf('var callerFrame = frame;\n', start);
    if (open >= 0 && buf[buf.length - 1] === '});\n') {
      buf[open] = 'var callerFrame = frame;\ntry {\n';
      buf[buf.length - 1] = '} finally { frame = callerFrame; }\n});\n';
    }
    return id;
  };
}
