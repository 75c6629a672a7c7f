// dbt's built-in template names (return, exceptions, log, modules, zip, tojson …), the filters and
// tests nunjucks lacks, and the `{% do %}`, `{% test %}` and `{% snapshot %}` tags.
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { TsdbtError } from '../errors.js';
import { ReturnSignal } from './jinja-compat.js';
import { jinjaFunction, splitArgs } from './jinja-function.js';
import { makeModules } from './py-modules.js';
import { jinjaFilters, jinjaTests } from './jinja-filters.js';
import { isPlainObject, pyEq, pyJsonDumps, pyPercentFormat, PyFloat, pyStr, pyTruthy, pyTuple } from './py.js';

type Fn = (...a: any[]) => any;
export type LogFn = (msg: string, info: boolean) => void;

const toList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === null || v === undefined ? [] : typeof v === 'string' ? [...v] : isPlainObject(v) ? Object.keys(v) : [...(v as Iterable<unknown>)]);

/** Names every template and macro sees (lowest precedence: the render context and macros win). */
export function makeGlobals(log: LogFn): Record<string, unknown> {
  const g: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  g['return'] = (value: unknown) => {
    throw new ReturnSignal(value === undefined ? null : value);
  };
  g['exceptions'] = {
    raise_compiler_error: (msg: unknown) => {
      throw new TsdbtError('template', pyStr(msg));
    },
    raise_not_implemented: (msg: unknown) => {
      throw new TsdbtError('template', `not implemented: ${pyStr(msg)}`);
    },
    warn: (msg: unknown) => {
      log(`Warning: ${pyStr(msg)}`, true);
      return '';
    },
  };
  g['log'] = jinjaFunction(([msg, info], kwargs) => {
    log(pyStr(msg), pyTruthy(info ?? kwargs['info'] ?? false));
    return '';
  });
  g['print'] = (msg: unknown) => {
    log(pyStr(msg), true);
    return '';
  };
  g['modules'] = makeModules();
  g['zip'] = (...lists: unknown[]) => {
    const ls = lists.map(toList);
    const n = ls.length === 0 ? 0 : Math.min(...ls.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => pyTuple(ls.map((l) => l[i])));
  };
  g['tojson'] = jinjaFunction(([value, dflt], kwargs) => {
    try {
      return pyJsonDumps(value, { sortKeys: pyTruthy(kwargs['sort_keys']) });
    } catch {
      return dflt ?? kwargs['default'] ?? null;
    }
  });
  g['fromjson'] = jinjaFunction(([s, dflt], kwargs) => {
    try {
      return JSON.parse(pyStr(s)) as unknown;
    } catch {
      return dflt ?? kwargs['default'] ?? null;
    }
  });
  g['toyaml'] = (value: unknown) => stringifyYaml(value);
  g['fromyaml'] = jinjaFunction(([s, dflt]) => {
    try {
      return parseYaml(pyStr(s)) as unknown;
    } catch {
      return dflt ?? null;
    }
  });
  g['set'] = (v: unknown) => [...new Set(toList(v))];
  g['set_strict'] = g['set'];
  g['dict'] = jinjaFunction(([m], kwargs) => ({ ...(isPlainObject(m) ? m : Array.isArray(m) ? Object.fromEntries(m as Array<[string, unknown]>) : {}), ...kwargs }));
  g['namespace'] = jinjaFunction(([m], kwargs) => ({ ...(isPlainObject(m) ? m : {}), ...kwargs }));
  g['local_md5'] = (s: unknown) => createHash('md5').update(pyStr(s)).digest('hex');
  return g;
}

/** Python `getattr`-ish access for `attribute='a.b'` arguments. */
function attr(item: unknown, path: string): unknown {
  let v: any = item;
  for (const p of path.split('.')) v = v === null || v === undefined ? undefined : v[/^\d+$/.test(p) && Array.isArray(v) ? Number(p) : p];
  return v;
}

export function makeFilters(): Record<string, Fn> {
  return {
    tojson(value: unknown, ...raw: unknown[]) {
      const { args, kwargs } = splitArgs(raw);
      const indent = (args[0] ?? kwargs['indent']) as number | undefined;
      // Jinja's tojson: sorted keys, HTML-safe escapes.
      return pyJsonDumps(value, { sortKeys: true, indent })
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/'/g, '\\u0027');
    },
    map(this: { env: { getFilter(n: string): Fn } }, seq: unknown, ...raw: unknown[]) {
      const { args, kwargs } = splitArgs(raw);
      const items = toList(seq);
      // `attribute=0` (an integer) is an item lookup, as in dbt_utils' `result['data'] | map(attribute=0)`.
      if (typeof kwargs['attribute'] === 'string' || typeof kwargs['attribute'] === 'number') {
        const a = String(kwargs['attribute']);
        return items.map((i) => attr(i, a) ?? kwargs['default']);
      }
      const [name, ...rest] = args;
      const f = this.env.getFilter(String(name));
      return items.map((i) => f.call(this, i, ...rest));
    },
    selectattr(this: { env: { getTest(n: string): Fn } }, seq: unknown, a: unknown, test?: unknown, ...rest: unknown[]) {
      const t = test === undefined ? undefined : this.env.getTest(String(test));
      return toList(seq).filter((i) => (t ? t.call(this, attr(i, String(a)), ...rest) === true : pyTruthy(attr(i, String(a)))));
    },
    rejectattr(this: { env: { getTest(n: string): Fn } }, seq: unknown, a: unknown, test?: unknown, ...rest: unknown[]) {
      const t = test === undefined ? undefined : this.env.getTest(String(test));
      return toList(seq).filter((i) => !(t ? t.call(this, attr(i, String(a)), ...rest) === true : pyTruthy(attr(i, String(a)))));
    },
    unique(seq: unknown, ...raw: unknown[]) {
      const { args, kwargs } = splitArgs(raw);
      const cs = pyTruthy(args[0] ?? kwargs['case_sensitive'] ?? false);
      const a = (args[1] ?? kwargs['attribute']) as string | undefined;
      const seen = new Set<unknown>();
      return toList(seq).filter((i) => {
        let k = a ? attr(i, a) : i;
        if (!cs && typeof k === 'string') k = k.toLowerCase();
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    },
    items: (d: unknown) => (isPlainObject(d) ? Object.entries(d) : []),
    count: (v: unknown) => (v === null || v === undefined ? 0 : isPlainObject(v) ? Object.keys(v).length : ((v as { length?: number }).length ?? 0)),
    join(seq: unknown, d: unknown = '', a?: unknown) {
      const items = toList(seq);
      return (typeof a === 'string' ? items.map((i) => attr(i, a)) : items).map(pyStr).join(pyStr(d));
    },
    string: (v: unknown) => pyStr(v),
    format: (fmt: unknown, ...args: unknown[]) => pyPercentFormat(pyStr(fmt), args),
    max: (seq: unknown) => toList(seq).reduce((m: any, x: any) => (m === undefined || x > m ? x : m), undefined),
    min: (seq: unknown) => toList(seq).reduce((m: any, x: any) => (m === undefined || x < m ? x : m), undefined),
    // dbt's native-type filters: in SQL (text) rendering dbt maps all four to str() (its
    // TextMarker); only its native rendering of YAML values converts (project/yaml-render.ts).
    as_bool: (v: unknown) => pyStr(v),
    as_number: (v: unknown) => pyStr(v),
    as_native: (v: unknown) => pyStr(v),
    as_text: (v: unknown) => pyStr(v),
    ...jinjaFilters(),
  };
}

export function makeTests(): Record<string, Fn> {
  const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  return {
    // JS functions return undefined for "nothing": treat it as None too (Jinja: Undefined is not none).
    none: (v: unknown) => v === null || v === undefined,
    null: (v: unknown) => v === null || v === undefined,
    None: (v: unknown) => v === null || v === undefined,
    boolean: (v: unknown) => typeof v === 'boolean',
    true: (v: unknown) => v === true,
    false: (v: unknown) => v === false,
    integer: isInt,
    float: (v: unknown) => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)),
    ...jinjaTests(),
    in: (v: unknown, c: unknown) => (Array.isArray(c) ? c.some((x) => pyEq(x, v)) : typeof c === 'string' ? c.includes(String(v)) : isPlainObject(c) ? Object.prototype.hasOwnProperty.call(c, String(v)) : false),
  };
}

interface Parser {
  nextToken(): { value: string; lineno: number; colno: number };
  parseExpression(): unknown;
  parsePrimary(noPostfix?: boolean): { value: string; lineno: number; colno: number };
  parseSignature(): unknown;
  parseUntilBlocks(...names: string[]): unknown;
  advanceAfterBlockEnd(name?: string): void;
}
type Nodes = Record<string, new (...a: any[]) => any>;

/** `{% do expr %}`: evaluate for side effects (list.append, dict.update). */
export const doExtension = {
  tags: ['do'],
  parse(this: unknown, parser: Parser, nodes: Nodes) {
    const tok = parser.nextToken();
    const args = new nodes['NodeList']!(tok.lineno, tok.colno);
    args.addChild(parser.parseExpression());
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes['CallExtension']!(this, 'run', args);
  },
  run(): string {
    return '';
  },
};

/** `{% test name(model, column_name) %}…{% endtest %}` defines macro `test_name` (dbt generic tests). */
export const testBlockExtension = {
  tags: ['test'],
  parse(parser: Parser, nodes: Nodes) {
    const tok = parser.nextToken();
    const name = parser.parsePrimary(true);
    const sym = new nodes['Symbol']!(name.lineno, name.colno, `test_${name.value}`);
    const args = parser.parseSignature();
    const node = new nodes['Macro']!(tok.lineno, tok.colno, sym, args);
    parser.advanceAfterBlockEnd(tok.value);
    node.body = parser.parseUntilBlocks('endtest');
    parser.advanceAfterBlockEnd();
    return node;
  },
};

/** `{% materialization name, adapter='x' %}…{% endmaterialization %}` defines macro `materialization_name_x`. */
export const materializationExtension = {
  tags: ['materialization'],
  parse(parser: Parser & { parseSignature(tolerant: boolean, noParens: boolean): { children: any[] } }, nodes: Nodes) {
    const tok = parser.nextToken();
    const sig = parser.parseSignature(true, true);
    const [name, ...rest] = sig.children;
    let adapter = 'default';
    for (const node of rest) {
      for (const pair of node.children ?? []) if (pair.key?.value === 'adapter') adapter = String(pair.value?.value);
    }
    const sym = new nodes['Symbol']!(tok.lineno, tok.colno, `materialization_${String(name?.value)}_${adapter}`);
    const node = new nodes['Macro']!(tok.lineno, tok.colno, sym, new nodes['NodeList']!(tok.lineno, tok.colno));
    parser.advanceAfterBlockEnd(tok.value);
    node.body = parser.parseUntilBlocks('endmaterialization');
    parser.advanceAfterBlockEnd();
    return node;
  },
};

/** `{% snapshot name %}…{% endsnapshot %}` renders its body. */
export const snapshotExtension = {
  tags: ['snapshot'],
  parse(parser: Parser) {
    const tok = parser.nextToken();
    parser.parsePrimary(true);
    parser.advanceAfterBlockEnd(tok.value);
    const body = parser.parseUntilBlocks('endsnapshot');
    parser.advanceAfterBlockEnd();
    return body;
  },
};
