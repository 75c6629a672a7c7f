// Jinja syntax and scoping nunjucks lacks, added to its parser and compiler (installed once, from
// installPatches). Each change is either new syntax nunjucks rejects, or codegen that only our
// environments reach (`isOurs(env)` at run time):
//  - trailing commas in lists, dicts, tuples and calls; `(x,)` is a one-element tuple; `()` is empty
//  - dict keys are expressions (`{1: 'a'}`, `{name: 1}` uses the variable `name`, as in Jinja)
//  - `f(*args, **kwargs)` at call sites; `varargs` / `kwargs` inside macros that mention them
//  - `2.0` literals and `/` give Python floats (see PyFloat); `==` / `!=` compare as Python;
//    comparisons chain (`a < b < c`)
//  - `for`: a `{% set %}` in the body stays in the loop and starts from the outer value on every
//    iteration; `loop` is a LoopContext (previtem, nextitem, cycle, changed, depth)
//  - `{% break %}` / `{% continue %}` (Jinja's loopcontrols extension, which dbt enables)
//  - exponent literals (`1e20`, `2.5e-3`); `(a, b)` evaluates to a PyTuple; non-string dict keys
//    are remembered for printing (`{1: 'a'}`)
//  - `{% set a, b = 1, 2 %}` unpacks; `{% set x | upper %}…{% endset %}` filters a block set;
//    `{% filter a | b %}` chains; `{% raw %}` takes whitespace control; `{%+` / `+%}` are accepted
//  - `{% with a = 1 %}…{% endwith %}` opens a scope
//  - `x is in y` and tests with one argument and no parentheses (`x is divisibleby 3`)
//  - a macro called with an argument it does not declare is an error, unless it uses
//    `varargs` / `kwargs` (Jinja's TypeError messages)
import { splitArgs } from './jinja-function.js';
import { LoopContext } from './loop-context.js';
import { isPlainObject, pyDict, pyEq, PyError, pyFloat, PyFloat } from './py.js';
import nunjucks from 'nunjucks';

type Fn = (...a: any[]) => any;
type AnyNode = Record<string, any>;
interface Internals {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  parser: { Parser: { prototype: Record<string, any> } };
  nodes: Record<string, any>;
  lexer: Record<string, any>;
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
  // Jinja's test forms: `x is in y`, and one argument without parentheses (`x is divisibleby 3`,
  // `x is sameas none`); the argument is a primary with postfix, as in Jinja's parse_test.
  const testArgStart = new Set(['TOKEN_STRING', 'TOKEN_INT', 'TOKEN_FLOAT', 'TOKEN_SYMBOL', 'TOKEN_LEFT_BRACKET', 'TOKEN_LEFT_CURLY', 'TOKEN_NONE', 'TOKEN_BOOLEAN'].map((t) => lx[t]));
  const notTestArg = new Set(['and', 'or', 'else', 'if', 'is']);
  P['parseIs'] = function parseIs(this: AnyNode) {
    let node = this['parseCompare']();
    if (!this['skipSymbol']('is')) return node;
    const not = this['skipSymbol']('not');
    let right: AnyNode;
    const name = this['peekToken']();
    if (name?.type === lx['TOKEN_SYMBOL']) {
      this['nextToken']();
      const test = new nodes['Symbol'](name.lineno, name.colno, name.value);
      const next = this['peekToken']();
      if (next?.type === lx['TOKEN_LEFT_PAREN']) right = new nodes['FunCall'](name.lineno, name.colno, test, this['parseSignature']());
      else if (next && testArgStart.has(next.type) && !(next.type === lx['TOKEN_SYMBOL'] && notTestArg.has(next.value))) {
        right = new nodes['FunCall'](name.lineno, name.colno, test, new nodes['NodeList'](next.lineno, next.colno, [this['parsePrimary']()]));
      } else right = test;
    } else right = this['parseCompare'](); // `is none` / `is true`: literals name the test
    node = new nodes['Is'](node.lineno, node.colno, node, right);
    return not ? new nodes['Not'](node.lineno, node.colno, node) : node;
  };
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

  // Exponent literals. nunjucks' tokenizer reads `1e20` as a name and `2.5e-3` as `2.5`, `e`, `-`, `3`.
  const T = Object.getPrototypeOf(lx['lex']('')) as Record<string, any>;
  const origNextToken: Fn = T['nextToken'];
  const INT = lx['TOKEN_INT'];
  const FLOAT = lx['TOKEN_FLOAT'];
  const SYMBOL = lx['TOKEN_SYMBOL'];
  const BLOCK_START = lx['TOKEN_BLOCK_START'];
  const OPERATOR = lx['TOKEN_OPERATOR'];
  T['nextToken'] = function nextToken(this: AnyNode) {
    const tok = origNextToken.call(this) as AnyNode | null;
    if (tok === null) return tok;
    const t = tok['type'];
    // `{%+ … %}` / `{% … +%}` turn off lstrip_blocks / trim_blocks for one tag; both are off in dbt
    if (t === BLOCK_START) {
      if ((this['str'] as string).charAt(this['index']) === '+') this['forward']();
      return tok;
    }
    if (t === OPERATOR && tok['value'] === '+' && (this['str'] as string).startsWith((this['tags'] as Record<string, string>)['BLOCK_END']!, this['index'])) return origNextToken.call(this);
    if (t === SYMBOL) {
      const v = tok['value'] as string;
      const c = v.charCodeAt(0);
      if (c < 48 || c > 57) return tok;
      if (/^\d+[eE]\d+$/.test(v)) tok['type'] = FLOAT;
      else if (/^\d+[eE]$/.test(v)) {
        const m = /^[+-]\d+/.exec((this['str'] as string).slice(this['index'], this['index'] + 40));
        if (m === null) return tok;
        for (let i = 0; i < m[0].length; i++) this['forward']();
        tok['value'] = v + m[0];
        tok['type'] = FLOAT;
      }
    } else if (t === FLOAT || t === INT) {
      const str = this['str'] as string;
      const ch = str.charAt(this['index']);
      if (ch !== 'e' && ch !== 'E') return tok;
      const m = /^[eE][+-]?\d+/.exec(str.slice(this['index'], this['index'] + 40));
      if (m === null) return tok;
      for (let i = 0; i < m[0].length; i++) this['forward']();
      tok['value'] += m[0];
      tok['type'] = FLOAT;
    }
    return tok;
  };

  // `{% raw %}…{% endraw %}` with whitespace control on either tag (`{%- raw -%}`, `{%- endraw %}`);
  // as in Jinja the first `endraw` ends it (no nesting), and a missing one is an error.
  P['parseRaw'] = function parseRaw(this: AnyNode, tagName?: string) {
    const close = `end${tagName ?? 'raw'}`;
    const tags = this['tokens']['tags'] as Record<string, string>;
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`([\\s\\S]*?)${esc(tags['BLOCK_START']!)}([-+]?)\\s*${close}\\s*([-+]?)${esc(tags['BLOCK_END']!)}`);
    const begun = this['advanceAfterBlockEnd']() as AnyNode;
    const lstrip = this['dropLeadingWhitespace'] as boolean;
    this['dropLeadingWhitespace'] = false;
    const m = this['tokens']['_extractRegex'](re) as RegExpMatchArray | null;
    if (m === null) this['fail'](`missing end of raw directive: expected {% ${close} %}`, begun['lineno'], begun['colno']);
    let str = m![1]!;
    if (m![2] === '-') str = str.replace(/\s+$/, '');
    if (m![3] === '-') this['dropLeadingWhitespace'] = true;
    if (lstrip) str = str.replace(/^\s+/, '');
    return new nodes['Output'](begun['lineno'], begun['colno'], [new nodes['TemplateData'](begun['lineno'], begun['colno'], str)]);
  };

  // `{% set a, b = 1, 2 %}` (a tuple on the right, unpacked) and `{% set x | f %}…{% endset %}`.
  P['parseSet'] = function parseSet(this: AnyNode) {
    const tag = this['peekToken']();
    if (!this['skipSymbol']('set')) this['fail']('parseSet: expected set', tag.lineno, tag.colno);
    const node = new nodes['Set'](tag.lineno, tag.colno, []);
    for (;;) {
      const target = this['parsePrimary']();
      if (!target) break;
      node['targets'].push(target);
      if (!this['skip'](lx['TOKEN_COMMA'])) break;
    }
    if (this['skipValue'](lx['TOKEN_OPERATOR'], '=')) {
      let value = this['parseExpression']();
      if (this['peekToken']().type === lx['TOKEN_COMMA']) {
        const tuple = new nodes['Group'](value.lineno, value.colno, [value]);
        tuple['tsdbtTuple'] = true;
        while (this['skip'](lx['TOKEN_COMMA'])) {
          if (this['peekToken']().type === lx['TOKEN_BLOCK_END']) break;
          tuple['addChild'](this['parseExpression']());
        }
        value = tuple;
      }
      node['value'] = value;
      if (node['targets'].length > 1) node['tsdbtUnpack'] = true;
      this['advanceAfterBlockEnd'](tag.value);
      return node;
    }
    const capture = new nodes['Capture'](tag.lineno, tag.colno, null);
    const filtered = this['peekToken']().type === lx['TOKEN_PIPE'] ? this['parseFilter'](capture) : null;
    if (!this['skip'](lx['TOKEN_BLOCK_END'])) this['fail']('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
    capture['body'] = this['parseUntilBlocks']('endset');
    this['advanceAfterBlockEnd']();
    if (filtered) node['value'] = filtered;
    else {
      node['body'] = capture;
      node['value'] = null;
    }
    return node;
  };

  // `{% filter f | g(x) %}…{% endfilter %}`: a chain of filters (nunjucks takes one).
  P['parseFilterStatement'] = function parseFilterStatement(this: AnyNode) {
    const tag = this['peekToken']();
    if (!this['skipSymbol']('filter')) this['fail']('parseFilterStatement: expected filter', tag.lineno, tag.colno);
    const name = this['parseFilterName']();
    const capture = new nodes['Capture'](name.lineno, name.colno, null);
    const first = new nodes['Filter'](name.lineno, name.colno, name, new nodes['NodeList'](name.lineno, name.colno, [capture, ...(this['parseFilterArgs'](name) as AnyNode[])]));
    const node = this['parseFilter'](first);
    this['advanceAfterBlockEnd'](tag.value);
    capture['body'] = this['parseUntilBlocks']('endfilter');
    this['advanceAfterBlockEnd']();
    return new nodes['Output'](name.lineno, name.colno, [node]);
  };

  // `{% with a = 1, b = x %}…{% endwith %}`: the values are evaluated outside, the names and any
  // `set` inside stay inside.
  const With = nodes['Node'].extend('TsdbtWith', { fields: ['targets', 'values', 'body'] });
  const origStatement: Fn = P['parseStatement'];
  P['parseStatement'] = function parseStatement(this: AnyNode) {
    const tok = this['peekToken']();
    if (tok.type !== SYMBOL || tok.value !== 'with' || (this['breakOnBlocks'] && (this['breakOnBlocks'] as string[]).includes('with'))) return origStatement.call(this);
    this['nextToken']();
    const targets: AnyNode[] = [];
    const values: AnyNode[] = [];
    while (this['peekToken']().type !== lx['TOKEN_BLOCK_END']) {
      if (targets.length > 0 && !this['skip'](lx['TOKEN_COMMA'])) this['fail']('with: expected comma', tok.lineno, tok.colno);
      if (this['peekToken']().type === lx['TOKEN_BLOCK_END']) break;
      const target = this['parsePrimary']();
      if (!(target instanceof nodes['Symbol'])) this['fail']('with: expected a name', tok.lineno, tok.colno);
      if (!this['skipValue'](lx['TOKEN_OPERATOR'], '=')) this['fail']('with: expected `=` after the name', tok.lineno, tok.colno);
      targets.push(target);
      values.push(this['parseExpression']());
    }
    this['advanceAfterBlockEnd'](tok.value);
    const body = this['parseUntilBlocks']('endwith');
    this['advanceAfterBlockEnd']();
    return new With(tok.lineno, tok.colno, targets, values, body);
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

  C['compileTsdbtWith'] = function (this: AnyNode, node: AnyNode, frame: AnyNode) {
    const ids = (node['values'] as AnyNode[]).map((v) => {
      const id = this['_tmpid']() as string;
      emit(this, `var ${id} = `);
      this['_compileExpression'](v, frame);
      this['_emitLine'](';');
      return id;
    });
    const saved = this['_tmpid']() as string;
    this['_emitLine'](`var ${saved} = frame;`);
    this['_emitLine']('frame = frame.push(true);');
    this['_emitLine']('try {');
    const inner = frame['push']();
    (node['targets'] as AnyNode[]).forEach((t, i) => {
      this['_emitLine'](`frame.set(${JSON.stringify(t['value'])}, ${ids[i]!});`);
      inner['set'](t['value'], ids[i]);
    });
    this['compile'](node['body'], inner);
    this['_emitLine'](`} finally { frame = ${saved}; }`);
  };

  // Dicts with expression keys are built at run time so non-string keys can be remembered.
  const origDict: Fn = C['compileDict'];
  C['compileDict'] = function (this: AnyNode, node: AnyNode, frame: unknown) {
    const pairs = node['children'] as AnyNode[];
    if (!pairs.some((p) => p['tsdbtExprKey'])) return origDict.call(this, node, frame);
    emit(this, 'runtime.tsdbtDict([');
    pairs.forEach((p, i) => {
      if (i > 0) emit(this, ', ');
      if (p['tsdbtExprKey']) this['_compileExpression'](p['key'], frame);
      else this['compile'](p['key'], frame);
      emit(this, ', ');
      this['_compileExpression'](p['value'], frame);
    });
    emit(this, '])');
  };
  rt['tsdbtDict'] = pyDict;

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
    if (ops.length > 1) {
      // Python chains comparisons: `a < b < c` is `a < b and b < c`, each operand evaluated once
      const cmp = (l: string, o: string, r: string) => (o === '==' || o === '===' ? `runtime.tsdbtEq(env, ${l}, ${r})` : o === '!=' || o === '!==' ? `!runtime.tsdbtEq(env, ${l}, ${r})` : `(${l} ${o} ${r})`);
      emit(this, '(function () { var c0 = ');
      this['compile'](node['expr'], frame);
      emit(this, ';');
      ops.forEach((o, i) => {
        emit(this, ` var c${i + 1} = `);
        this['compile'](o['expr'], frame);
        emit(this, `; if (!${cmp(`c${i}`, o['type'] as string, `c${i + 1}`)}) return false;`);
      });
      emit(this, ' return true; })()');
      return;
    }
    if (op !== '==' && op !== '!=') return origCompare.call(this, node, frame);
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
    if (node['tsdbtUnpack']) return compileUnpack.call(this, node, frame);
    return origSet.call(this, node, frame);
  };
  // `{% set a, b = value %}`: like nunjucks' multi-target set, but each name gets its element.
  const compileUnpack = function (this: AnyNode, node: AnyNode, frame: AnyNode) {
    const targets = node['targets'] as AnyNode[];
    const tmp = this['_tmpid']() as string;
    emit(this, `var ${tmp} = runtime.tsdbtUnpack(env, `);
    this['_compileExpression'](node['value'], frame);
    this['_emitLine'](`, ${targets.length});`);
    targets.forEach((t, i) => {
      if (!(t instanceof nodes['Symbol'])) this['fail']('set: can only unpack into names', t['lineno'], t['colno']);
      const name = t['value'] as string;
      let id = frame['lookup'](name) as string | null | undefined;
      if (id === null || id === undefined) {
        id = this['_tmpid']() as string;
        this['_emitLine'](`var ${id};`);
      }
      const n = JSON.stringify(name);
      this['_emitLine'](`${id} = ${tmp}[${i}];`);
      this['_emitLine'](`frame.set(${n}, ${id}, true);`);
      this['_emitLine'](`if (frame.topLevel) { context.setVariable(${n}, ${id});${name.startsWith('_') ? '' : ` context.addExport(${n}, ${id});`} }`);
    });
  };
  rt['tsdbtUnpack'] = (env: unknown, v: unknown, n: number) => {
    if (!isOurs(env)) return Array.from({ length: n }, () => v);
    const items = Array.isArray(v) ? v : typeof v === 'string' ? [...v] : isPlainObject(v) ? Object.keys(v) : v !== null && typeof v === 'object' && Symbol.iterator in v ? [...(v as Iterable<unknown>)] : undefined;
    if (items === undefined) throw new PyError('TypeError', `cannot unpack non-iterable ${v === null || v === undefined ? 'NoneType' : typeof v} object`);
    if (items.length > n) throw new PyError('ValueError', `too many values to unpack (expected ${n})`);
    if (items.length < n) throw new PyError('ValueError', `not enough values to unpack (expected ${n}, got ${items.length})`);
    return items;
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

  // Macros that mention `varargs` / `kwargs` receive the extra positional / keyword arguments;
  // others reject them as Jinja does (TypeError "macro 'm' takes no keyword argument 'x'").
  const origMacro: Fn = C['_compileMacro'];
  C['_compileMacro'] = function (this: AnyNode, node: AnyNode, ...rest: unknown[]) {
    const names = new Set((node['body']['findAll'](nodes['Symbol']) as AnyNode[]).map((s) => s['value'] as string));
    const wantsVarargs = names.has('varargs');
    const wantsKwargs = names.has('kwargs');
    const buf = this['codebuf'] as string[];
    const start = buf.length;
    const id = origMacro.call(this, node, ...rest) as string;
    const declared: string[] = [];
    for (const a of node['args']['children'] as AnyNode[]) {
      if (a instanceof nodes['Dict']) for (const p of a['children'] as AnyNode[]) declared.push(p['key']['value'] as string);
      else declared.push(a['value'] as string);
    }
    const at = buf.indexOf('kwargs = kwargs || {};\n', start);
    const name = node['name'] instanceof nodes['Symbol'] ? (node['name']['value'] as string) : 'caller';
    const def = buf.indexOf(`var ${id} = runtime.makeMacro(\n`, start);
    if (at >= 0 && def >= 0) {
      // the declared names are built once per macro definition, not per call
      const decl = this['_tmpid']() as string;
      buf[def] = `var ${decl} = ${JSON.stringify(declared)};\n${buf[def]!}`;
      buf[at] += `runtime.tsdbtMacroExtras(env, frame, kwargs, ${decl}, ${wantsVarargs}, ${wantsKwargs}, ${JSON.stringify(name)});\n`;
    }
    return id;
  };
  rt['tsdbtMacroExtras'] = (env: unknown, frame: AnyNode, kwargs: Record<string, unknown>, declared: string[], varargs: boolean, wantKw: boolean, name: string) => {
    const ours = isOurs(env);
    if (varargs) frame['set']('varargs', (kwargs[VARARGS] as unknown[] | undefined) ?? []);
    else if (ours && kwargs[VARARGS] !== undefined) throw new PyError('TypeError', `macro '${name}' takes not more than ${declared.length} argument(s)`);
    let extra: Record<string, unknown> | undefined;
    for (const k in kwargs) {
      if (k === '__keywords' || k === 'caller' || k === VARARGS || declared.includes(k)) continue;
      if (!wantKw) {
        if (ours) throw new PyError('TypeError', `macro '${name}' takes no keyword argument '${k}'`);
        continue;
      }
      (extra ??= {})[k] = kwargs[k];
    }
    if (wantKw) frame['set']('kwargs', extra ?? {});
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
