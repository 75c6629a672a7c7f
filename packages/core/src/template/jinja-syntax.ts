// Jinja syntax and scoping nunjucks lacks, added to its parser and compiler (installed once, from
// installPatches). Each change is either new syntax nunjucks rejects, or codegen that only our
// environments reach (`isOurs(env)` at run time):
//  - trailing commas in lists, dicts, tuples and calls; `(x,)` is a one-element tuple; `()` is empty
//  - dict keys are expressions (`{1: 'a'}`, `{name: 1}` uses the variable `name`, as in Jinja)
//  - `f(*args, **kwargs)` at call sites; `varargs` / `kwargs` inside macros that mention them
//  - `2.0` literals and `/` give Python floats (see PyFloat); `==` / `!=` compare as Python
//  - `for`: a `{% set %}` in the body stays in the loop and starts from the outer value on every
//    iteration; `loop` is a LoopContext (previtem, nextitem, cycle, changed, depth)
//  - `{% break %}` / `{% continue %}` (Jinja's loopcontrols extension, which dbt enables)
import { splitArgs } from './jinja-function.js';
import { LoopContext } from './loop-context.js';
import { isPlainObject, pyEq, pyFloat, PyFloat } from './py.js';
import nunjucks from 'nunjucks';

type Fn = (...a: any[]) => any;
type AnyNode = Record<string, any>;
interface Internals {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  parser: { Parser: { prototype: Record<string, any> } };
  nodes: Record<string, any>;
  lexer: Record<string, string>;
}
const nj = nunjucks as unknown as Internals;

const FLAG = '__tsdbtSyntax';

export function installSyntaxPatches(isOurs: (env: unknown) => boolean): void {
  const rt = nj.runtime;
  if (rt[FLAG]) return;
  rt[FLAG] = true;
  const nodes = nj.nodes;
  const lx = nj.lexer;
  const P = nj.parser.Parser.prototype;
  const C = nj.compiler.Compiler.prototype;

  const Spread = nodes['Node'].extend('TsdbtSpread', { fields: ['target'] });
  const KwSpread = nodes['Node'].extend('TsdbtKwSpread', { fields: ['target'] });
  const LoopControl = nodes['Node'].extend('TsdbtLoopControl', { fields: ['kind'] });
  const FloatLiteral = nodes['Node'].extend('TsdbtFloat', { fields: ['value'] });
  loopControlNode = LoopControl;

  // ---- parser ------------------------------------------------------------------------------

  const closers = new Set([lx['TOKEN_RIGHT_PAREN'], lx['TOKEN_RIGHT_BRACKET'], lx['TOKEN_RIGHT_CURLY']]);
  // nunjucks' Jinja compat retries a failed aggregate as a slice (`x[1:3]`): keep that as fallback.
  const sliceFallback: Fn = P['parseAggregate'];
  P['parseAggregate'] = function parseAggregate(this: AnyNode) {
    const tokens = this['tokens'] as AnyNode;
    const state = { index: tokens['index'], lineno: tokens['lineno'], colno: tokens['colno'], peeked: this['peeked'] };
    try {
      return aggregate.call(this);
    } catch (e) {
      tokens['index'] = state.index;
      tokens['lineno'] = state.lineno;
      tokens['colno'] = state.colno;
      this['peeked'] = state.peeked;
      return sliceFallback.call(this);
    }
  };
  const aggregate = function parseAggregate(this: AnyNode) {
    const tok = this['nextToken']();
    let node: AnyNode;
    switch (tok.type) {
      case lx['TOKEN_LEFT_PAREN']:
        node = new nodes['Group'](tok.lineno, tok.colno);
        break;
      case lx['TOKEN_LEFT_BRACKET']:
        node = new nodes['Array'](tok.lineno, tok.colno);
        break;
      case lx['TOKEN_LEFT_CURLY']:
        node = new nodes['Dict'](tok.lineno, tok.colno);
        break;
      default:
        return null;
    }
    for (;;) {
      if (closers.has(this['peekToken']().type)) {
        this['nextToken']();
        break;
      }
      if (node['children'].length > 0) {
        if (!this['skip'](lx['TOKEN_COMMA'])) this['fail']('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        node['tsdbtTuple'] = true; // `(x,)`
        if (closers.has(this['peekToken']().type)) {
          this['nextToken']();
          break;
        }
      }
      if (node instanceof nodes['Dict']) {
        const key = this['parseExpression']();
        if (!this['skip'](lx['TOKEN_COLON'])) this['fail']('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        const pair = new nodes['Pair'](key.lineno, key.colno, key, this['parseExpression']());
        if (!(key instanceof nodes['Literal'] && typeof key['value'] === 'string')) pair['tsdbtExprKey'] = true;
        node['addChild'](pair);
      } else {
        node['addChild'](this['parseExpression']());
      }
    }
    return node;
  };

  P['parseSignature'] = function parseSignature(this: AnyNode, tolerant?: boolean, noParens?: boolean) {
    let tok = this['peekToken']();
    if (!noParens && tok.type !== lx['TOKEN_LEFT_PAREN']) {
      if (tolerant) return null;
      this['fail']('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lx['TOKEN_LEFT_PAREN']) tok = this['nextToken']();
    const args = new nodes['NodeList'](tok.lineno, tok.colno);
    const kwargs = new nodes['KeywordArgs'](tok.lineno, tok.colno);
    const atEnd = (t: AnyNode) => (!noParens && t['type'] === lx['TOKEN_RIGHT_PAREN']) || (noParens && t['type'] === lx['TOKEN_BLOCK_END']);
    let checkComma = false;
    for (;;) {
      tok = this['peekToken']();
      if (atEnd(tok)) {
        if (!noParens) this['nextToken']();
        break;
      }
      if (checkComma) {
        if (!this['skip'](lx['TOKEN_COMMA'])) this['fail']('parseSignature: expected comma after expression', tok.lineno, tok.colno);
        tok = this['peekToken']();
        if (atEnd(tok)) {
          if (!noParens) this['nextToken']();
          break;
        }
      }
      if (tok.type === lx['TOKEN_OPERATOR'] && (tok.value === '*' || tok.value === '**')) {
        this['nextToken']();
        const target = this['parseExpression']();
        if (tok.value === '**') kwargs['addChild'](new KwSpread(tok.lineno, tok.colno, target));
        else args['addChild'](new Spread(tok.lineno, tok.colno, target));
      } else {
        const arg = this['parseExpression']();
        if (this['skipValue'](lx['TOKEN_OPERATOR'], '=')) kwargs['addChild'](new nodes['Pair'](arg.lineno, arg.colno, arg, this['parseExpression']()));
        else args['addChild'](arg);
      }
      checkComma = true;
    }
    if (kwargs['children'].length) args['addChild'](kwargs);
    return args;
  };

  // `2.0` is a float in Jinja; nunjucks parses it to the number 2.
  const origPrimary: Fn = P['parsePrimary'];
  P['parsePrimary'] = function parsePrimary(this: AnyNode, noPostfix?: boolean) {
    const tok = this['peekToken']();
    const node = origPrimary.call(this, noPostfix);
    if (tok && tok.type === lx['TOKEN_FLOAT'] && node instanceof nodes['Literal'] && Number.isInteger(node['value'])) return new FloatLiteral(node['lineno'], node['colno'], node['value']);
    return node;
  };

  // ---- compiler ----------------------------------------------------------------------------

  const emit = (c: AnyNode, s: string) => c['_emit'](s);
  const origAssert: Fn = C['assertType'];
  C['assertType'] = function (this: unknown, node: AnyNode, ...rest: unknown[]) {
    if (node instanceof FloatLiteral) return;
    return origAssert.call(this, node, ...rest);
  };
  C['compileTsdbtFloat'] = function (this: AnyNode, node: AnyNode) {
    emit(this, `runtime.tsdbtFloat(env, ${String(node['value'])})`);
  };
  rt['tsdbtFloat'] = (env: unknown, n: number) => (isOurs(env) ? pyFloat(n) : n);

  C['compileTsdbtSpread'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    emit(this, '...runtime.tsdbtSpreadList(');
    this['_compileExpression'](node['target'], frame);
    emit(this, ')');
  };
  C['compileTsdbtKwSpread'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    emit(this, '...runtime.tsdbtSpreadDict(');
    this['_compileExpression'](node['target'], frame);
    emit(this, ')');
  };
  rt['tsdbtSpreadList'] = (v: unknown) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : typeof v === 'string' ? [...v] : isPlainObject(v) ? Object.keys(v) : [...(v as Iterable<unknown>)]);
  rt['tsdbtSpreadDict'] = (v: unknown) => {
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object') throw new Error(`argument after ** must be a mapping, not ${String(v)}`);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) if (k !== '__keywords') out[k] = (v as Record<string, unknown>)[k];
    return out;
  };

  const origPair: Fn = C['compilePair'];
  C['compilePair'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    if (!node['tsdbtExprKey']) return origPair.call(this, node, frame);
    emit(this, '[');
    this['_compileExpression'](node['key'], frame);
    emit(this, ']: ');
    this['_compileExpression'](node['value'], frame);
  };

  // `==` / `!=` compare as Python (values, not identity, for lists, dicts and floats).
  const origCompare: Fn = C['compileCompare'];
  C['compileCompare'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    const ops = node['ops'] as AnyNode[];
    const op = ops[0]?.['type'];
    if (ops.length !== 1 || (op !== '==' && op !== '!=')) return origCompare.call(this, node, frame);
    emit(this, `${op === '!=' ? '!' : ''}runtime.tsdbtEq(env, `);
    this['compile'](node['expr'], frame);
    emit(this, ', ');
    this['compile'](ops[0]!['expr'], frame);
    emit(this, ')');
  };
  // eslint-disable-next-line eqeqeq
  rt['tsdbtEq'] = (env: unknown, a: unknown, b: unknown) => (isOurs(env) ? pyEq(a, b) : a == b);
  C['compileNeg'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    emit(this, 'runtime.tsdbtNeg(');
    this['compile'](node['target'], frame);
    emit(this, ')');
  };
  rt['tsdbtNeg'] = (v: unknown) => (v instanceof PyFloat ? pyFloat(-Number(v)) : -(v as number));

  // Loops: loop-scoped `set`, LoopContext, break/continue.
  const origFor: Fn = C['compileFor'];
  C['compileFor'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    const buf = this['codebuf'] as string[];
    const start = buf.length;
    this['tsdbtLoopDepth'] = ((this['tsdbtLoopDepth'] as number | undefined) ?? 0) + 1;
    const starts = (this['tsdbtLoopStarts'] ??= []) as number[];
    starts.push(-1);
    try {
      origFor.call(this, node, frame);
    } finally {
      this['tsdbtLoopDepth']--;
      starts.pop();
    }
    // writes in the body stay in the loop's frame (Jinja scoping), reads still see outer names
    const i = buf.indexOf('frame = frame.push();\n', start);
    if (i >= 0) buf[i] = 'frame = frame.push(true);\n';
  };
  C['_emitLoopBindings'] = function (this: AnyNode, node: AnyNode, arr: string, i: string, len: string) {
    let keep = node['tsdbtKeep'] as string | undefined;
    if (keep === undefined) {
      const body = node['body'] as AnyNode;
      const sets = body['findAll'](nodes['Set']) as unknown[];
      const names = node['name'] instanceof nodes['Array'] ? (node['name']['children'] as AnyNode[]).map((c) => c['value'] as string) : [node['name']['value'] as string];
      keep = node['tsdbtKeep'] = sets.length > 0 ? JSON.stringify(names) : 'null';
    }
    this['_emitLine'](`runtime.tsdbtLoop(frame, ${arr}, ${i}, ${len}, ${keep});`);
    const starts = this['tsdbtLoopStarts'] as number[];
    starts[starts.length - 1] = (this['codebuf'] as string[]).length - 1;
  };

  // A `set` in a loop body of a name the compiler binds to a JS variable outside the loop (a macro
  // argument, an outer loop's variable) gets its own variable, starting each iteration from the
  // outer value; nunjucks would assign the outer one.
  const origSet: Fn = C['compileSet'];
  C['compileSet'] = function (this: AnyNode, node: AnyNode, frame: AnyNode) {
    const starts = this['tsdbtLoopStarts'] as number[] | undefined;
    const at = starts?.[starts.length - 1];
    if (this['tsdbtLoopDepth'] && at !== undefined && at >= 0) {
      for (const t of node['targets'] as AnyNode[]) {
        const name = t['value'];
        if (!(t instanceof nodes['Symbol']) || frame['variables'][name] !== undefined) continue;
        const outer = frame['lookup'](name) as string | undefined;
        if (!outer) continue;
        const id = this['_tmpid']() as string;
        (this['codebuf'] as string[])[at] += `var ${id} = ${outer};\n`;
        frame['set'](name, id);
      }
    }
    return origSet.call(this, node, frame);
  };
  rt['tsdbtLoop'] = (frame: AnyNode, arr: unknown, i: number, len: number, keep: string[] | null) => {
    if (keep !== null) {
      // a fresh scope each iteration: the body's `set`s start again from the outer values
      const prev = frame['variables'] as Record<string, unknown>;
      const vars = Object.create(null) as Record<string, unknown>;
      for (const n of keep) vars[n] = prev[n];
      frame['variables'] = vars;
    }
    let loop = frame['tsdbtLoopCtx'] as LoopContext | undefined;
    if (loop === undefined) loop = frame['tsdbtLoopCtx'] = new LoopContext(arr, len);
    loop.step(i);
    frame['variables'].loop = loop;
  };

  // Bodies compiled as nested JS functions cannot `break` out of an enclosing loop.
  for (const name of ['_compileMacro', 'compileCapture']) {
    const orig: Fn = C[name];
    C[name] = function (this: AnyNode, ...args: unknown[]) {
      const depth = this['tsdbtLoopDepth'];
      const starts = this['tsdbtLoopStarts'];
      this['tsdbtLoopDepth'] = 0;
      this['tsdbtLoopStarts'] = [];
      try {
        return orig.apply(this, args);
      } finally {
        this['tsdbtLoopDepth'] = depth;
        this['tsdbtLoopStarts'] = starts;
      }
    };
  }
  C['compileTsdbtLoopControl'] = function (this: AnyNode, node: AnyNode) {
    if (!this['tsdbtLoopDepth']) this['fail'](`'${String(node['kind'])}' outside of a loop`, node['lineno'], node['colno']);
    this['_emitLine'](`${String(node['kind'])};`);
  };

  // Macros that mention `varargs` / `kwargs` receive the extra positional / keyword arguments.
  const origMacro: Fn = C['_compileMacro'];
  C['_compileMacro'] = function (this: AnyNode, node: AnyNode, ...rest: unknown[]) {
    const names = new Set((node['body']['findAll'](nodes['Symbol']) as AnyNode[]).map((s) => s['value'] as string));
    const wantsVarargs = names.has('varargs');
    const wantsKwargs = names.has('kwargs');
    if (!wantsVarargs && !wantsKwargs) return origMacro.call(this, node, ...rest);
    const buf = this['codebuf'] as string[];
    const start = buf.length;
    const id = origMacro.call(this, node, ...rest) as string;
    const declared: string[] = [];
    for (const a of node['args']['children'] as AnyNode[]) {
      if (a instanceof nodes['Dict']) for (const p of a['children'] as AnyNode[]) declared.push(p['key']['value'] as string);
      else declared.push(a['value'] as string);
    }
    const at = buf.indexOf('kwargs = kwargs || {};\n', start);
    if (at >= 0) buf[at] += `runtime.tsdbtMacroExtras(frame, kwargs, ${JSON.stringify(declared)}, ${wantsVarargs}, ${wantsKwargs});\n`;
    return id;
  };
  rt['tsdbtMacroExtras'] = (frame: AnyNode, kwargs: Record<string, unknown>, declared: string[], varargs: boolean, wantKw: boolean) => {
    if (varargs) frame['set']('varargs', (kwargs[VARARGS] as unknown[] | undefined) ?? []);
    if (wantKw) {
      const extra: Record<string, unknown> = {};
      for (const k of Object.keys(kwargs)) if (k !== '__keywords' && k !== 'caller' && k !== VARARGS && !declared.includes(k)) extra[k] = kwargs[k];
      frame['set']('kwargs', extra);
    }
  };
}

/** Key on a macro's keyword-argument object carrying positional arguments past its parameters. */
export const VARARGS = '\u0000varargs';

/**
 * Positional arguments beyond a macro's parameters, moved into its keyword object so the macro
 * body can read them as `varargs` (nunjucks drops them). Called from the makeMacro wrapper.
 */
export function collectVarargs(argNames: string[], kwargNames: string[], raw: unknown[]): unknown[] {
  const { args, kwargs } = splitArgs(raw);
  const max = argNames.length + kwargNames.length;
  if (args.length <= max) return raw;
  return [...args.slice(0, max), { ...kwargs, [VARARGS]: args.slice(max), __keywords: true }];
}

let loopControlNode: (new (lineno: number, colno: number, kind: string) => unknown) | undefined;

interface Parser {
  nextToken(): { value: string; lineno: number; colno: number };
  advanceAfterBlockEnd(name?: string): void;
}

/** `{% break %}` / `{% continue %}` (Jinja's loopcontrols extension). */
export const loopControlExtension = {
  tags: ['break', 'continue'],
  parse(parser: Parser) {
    const tok = parser.nextToken();
    parser.advanceAfterBlockEnd(tok.value);
    if (!loopControlNode) throw new Error('internal: nunjucks patches not installed');
    return new loopControlNode(tok.lineno, tok.colno, tok.value);
  },
};
