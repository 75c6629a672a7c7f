// compileProject → CompiledModel per node: rendered SQL with refs resolved and ephemeral models inlined as CTEs.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from '../adapter/types.js';
import { TSDBT_VERSION } from '../artifacts/metadata.js';
import { TsdbtError } from '../errors.js';
import { isRefable, isSqlNode, type GraphNode, type ModelNode, type RefableNode, type SeedNode, type SqlNode } from '../parse/nodes.js';
import { refFromArgs } from '../parse/model.js';
import { nodeForTemplates } from '../parse/relations.js';
import { macroFiles, type ParsedProject } from '../parse/parse-project.js';
import { jinjaFunction } from '../template/engine.js';
import { extractStatic, renderSimple, type StaticExtraction } from '../template/static-extract.js';
import { baseContext, type TemplateContext } from './base-context.js';
import type { Invocation } from '../template/context-vars.js';
import { injectCtes } from './ephemeral.js';
import { RelationValue, ephemeralCteName } from './relation.js';
import { Introspection, isPendingWarehouseCall } from './async-render.js';
import { renderWithWarehouse, type WarehouseAccess } from '../template/introspection.js';

export interface CompiledModel {
  uniqueId: string;
  node: SqlNode;
  /** The model's own SQL after rendering (ephemeral refs point at CTE names). */
  bodySql: string;
  /** What runs in the warehouse: bodySql with ephemeral CTEs injected. */
  compiledSql: string;
  /** Ephemeral models inlined into this one, in dependency order. */
  ephemerals: string[];
  /** target/compiled/<project>/<original path>, relative to the project dir. */
  compiledPath: string;
  /** Every body in compiledSql came from the cache of an earlier run. */
  reused: boolean;
}

export interface CompileOptions {
  dialect: Dialect;
  /** Bodies from earlier compiles (reused per model when its inputs are unchanged). */
  cachedBodies?: ReadonlyMap<string, BodyCacheEntry> | undefined;
  /** `cachedBodies` come from this very project state (same fingerprint). */
  trustCache?: boolean | undefined;
  /** Only these nodes (and the ephemerals they need); default: every enabled model. */
  nodeIds?: Iterable<string> | undefined;
  /** Write target/compiled/… files (default true). */
  writeFiles?: boolean | undefined;
  /**
   * A model whose render asks the warehouse (run_query …) is left out of `models` and listed in
   * `pending` instead of failing (api/compile.ts then compiles those with a connection).
   */
  deferWarehouse?: boolean | undefined;
  /** Extra context for every render (is_incremental etc. at run time). */
  /** Run-time context for a node (undefined when the compile-time context applies: then it can be cached). */
  extraContext?: ((node: SqlNode) => TemplateContext | undefined) | undefined;
  /** invocation_id, run_started_at and selected_resources templates see (default: a fresh one). */
  invocation?: Invocation | undefined;
}

export interface CompiledProject {
  parsed: ParsedProject;
  models: Map<string, CompiledModel>;
  compiler: Compiler;
  /** With `deferWarehouse`: nodes whose render needs the warehouse, in DAG order. */
  pending: SqlNode[];
}

/** A rendered body and what it was rendered from (see bodyKey), kept across runs. */
export interface BodyCacheEntry {
  key: string;
  sql: string;
  /** Env vars the render read: name → sha1 of the value ('' when unset). Values are not stored. */
  env: Record<string, string>;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const envHash = (v: string | undefined) => (v === undefined ? '' : sha1(v));

export class Compiler {
  private readonly bodies = new Map<string, string>();
  /** Cache entries for every body rendered or reused in this compile. */
  readonly entries = new Map<string, BodyCacheEntry>();
  private envReads: Record<string, string> = {};
  private readonly globalKey: string;
  private readonly base: TemplateContext;
  private currentFile = '';
  /** A project macro named like a context function (ref, source …) disables the substitution fast path. */
  private readonly overridden: boolean;
  /** run_query, statement, adapter.get_relation, graph … (see compile/async-render.ts). */
  private readonly introspection: Introspection;

  constructor(
    private readonly parsed: ParsedProject,
    private readonly dialect: Dialect,
    private readonly extraContext?: (node: SqlNode) => TemplateContext | undefined,
    /** Bodies from earlier runs, reused when their key still matches. */
    private readonly previous?: ReadonlyMap<string, BodyCacheEntry>,
    /** The project is byte-for-byte what `previous` was rendered from: skip computing keys. */
    private readonly trustPrevious = false,
    /** run/build flags templates see as `flags.FULL_REFRESH` … (part of the cache key). */
    runFlags?: { fullRefresh: boolean; storeFailures: boolean; command: string },
    /** invocation_id, run_started_at, selected_resources (default: a fresh one, nothing selected). */
    invocation?: Invocation,
  ) {
    this.introspection = new Introspection(parsed, dialect, (parsed.project.target.config.database as string | undefined) ?? undefined);
    // In the base, which every render copies first (a cheap whole-object copy): see async-render.ts.
    this.base = { ...baseContext(parsed.project, 'compile', () => this.currentFile, (name, value) => (this.envReads[name] = envHash(value)), runFlags, invocation), ...this.introspection.names };
    this.overridden = ['ref', 'source', 'config', 'var', 'env_var'].some((n) => parsed.engine.hasMacro(n));
    const p = parsed.project;
    this.globalKey = sha1(
      JSON.stringify([TSDBT_VERSION, p.config.raw, p.target, p.vars, p.threads, macroFiles(p).map((f) => f.checksum), dialect.name]),
    );
  }

  /**
   * What a model's rendered SQL depends on: its file, its config and relation, the relations its
   * refs and sources resolve to, and everything global (macros, vars, target, project config).
   */
  private refables: Map<string, RefableNode> | undefined;

  /** The model, seed or snapshot `ref(name)` points at. */
  refTarget(name: string): RefableNode | undefined {
    if (!this.refables) {
      this.refables = new Map();
      for (const n of this.parsed.nodes.values()) if (isRefable(n)) this.refables.set(n.name, n);
    }
    return this.refables.get(name);
  }

  private bodyKey(node: SqlNode): string {
    const deps: string[] = [];
    for (const r of node.refs) {
      const n = this.refTarget(r.name);
      deps.push(n ? String(this.relationOf(n)) : `?${r.name}`);
    }
    for (const s of node.sources) {
      const n = this.parsed.nodes.get(`source.${node.packageName}.${s.source}.${s.table}`);
      deps.push(n ? String(this.relationOf(n)) : `?${s.source}.${s.table}`);
    }
    return sha1(`${this.globalKey}\n${node.checksum}\n${JSON.stringify(node.config)}\n${node.description}\n${String(this.relationOf(node))}\n${deps.join('\n')}`);
  }

  relationOf(node: GraphNode): RelationValue {
    if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') {
      const name = ephemeralCteName(node.name);
      return new RelationValue({ schema: '', identifier: name }, name, 'cte');
    }
    if (!node.relation) throw new Error(`internal: ${node.uniqueId} has no relation`);
    return RelationValue.of(this.dialect, node.relation, node.resourceType === 'model' && node.config.materialized === 'view' ? 'view' : 'table');
  }

  private context(node: SqlNode, extra: TemplateContext | undefined): TemplateContext {
    const { parsed } = this;
    this.introspection.begin(node);
    const file = node.originalFilePath;
    const byName = (name: string) => {
      const target = this.refTarget(name);
      if (!target) throw new TsdbtError('ref', `model \`${node.name}\` refers to \`${name}\`, which does not exist`, { location: { file } });
      return target;
    };
    const config = Object.assign(
      jinjaFunction(() => ''),
      {
        get: jinjaFunction(([key, fallback]) => node.config[String(key)] ?? fallback ?? null),
        require: jinjaFunction(([key]) => {
          const v = node.config[String(key)];
          if (v === undefined) throw new TsdbtError('template', `config \`${String(key)}\` is required by this model`, { location: { file } });
          return v;
        }),
      },
    );
    return {
      ...this.base,
      ref: jinjaFunction((args, kwargs) => this.relationOf(byName(refFromArgs(args, kwargs).name))),
      source: jinjaFunction(([s, t]) => {
        const src = parsed.nodes.get(`source.${node.packageName}.${String(s)}.${String(t)}`);
        if (!src) throw new TsdbtError('ref', `source('${String(s)}', '${String(t)}') is not defined`, { location: { file } });
        return this.relationOf(src);
      }),
      config,
      this: this.relationOf(node),
      model: nodeForTemplates(node),
      is_incremental: jinjaFunction(() => false),
      ...extra,
    };
  }

  /** The model's rendered SQL, without injected CTEs (memoised, and reused from earlier runs when its key matches). */
  body(node: SqlNode): string {
    const done = this.bodies.get(node.uniqueId);
    if (done !== undefined) return done;
    const extra = this.extraContext?.(node);
    const cacheable = extra === undefined && !this.isVolatile(node);
    const prev = cacheable ? this.previous?.get(node.uniqueId) : undefined;
    const key = cacheable ? (this.trustPrevious && prev ? prev.key : this.bodyKey(node)) : '';
    if (prev && prev.key === key && Object.entries(prev.env).every(([name, h]) => envHash(this.parsed.project.env[name]) === h)) {
      this.bodies.set(node.uniqueId, prev.sql);
      this.entries.set(node.uniqueId, prev);
      return prev.sql;
    }
    this.currentFile = node.originalFilePath;
    this.envReads = {};
    const ctx = this.context(node, extra);
    const ex = this.extraction(node);
    const sql = ex.simple && !this.overridden ? renderSimple(ex, ctx, node.originalFilePath) : this.parsed.engine.render(node.originalFilePath, node.rawCode, ctx);
    this.bodies.set(node.uniqueId, sql);
    // Output that depends on what the warehouse answered is never cached.
    const asked = this.introspection.usedWarehouse(node);
    this.introspection.done(node);
    if (cacheable && !asked) this.entries.set(node.uniqueId, { key, sql, env: this.envReads });
    return sql;
  }

  /**
   * Render extra template text (a hook) in `node`'s run-time context (`this`, ref, source, config …),
   * or in the project context when there is no node (on-run-start / on-run-end). Never cached.
   */
  renderExtra(node: SqlNode | SeedNode | undefined, text: string, label: string, extra?: TemplateContext): string {
    this.currentFile = node?.originalFilePath ?? label;
    // A seed has no SQL of its own, but its hooks see the same context (`this`, ref, config …).
    const ctx = node ? this.context(node as SqlNode, { ...(node.resourceType === 'seed' ? undefined : this.extraContext?.(node)), ...extra }) : { ...this.base, ...extra };
    // Its warehouse calls are answered per hook, across the replays of renderExtraWithWarehouse.
    this.introspection.beginDetached(`${node?.uniqueId ?? ''}\u0000${label}`);
    return this.parsed.engine.render(label, text, ctx);
  }

  /** run_query, statement, adapter … as templates see them (the same objects for every render). */
  warehouseNames(): Record<string, unknown> {
    return this.introspection.names;
  }

  /** renderExtra for a hook that may ask the warehouse (run_query, adapter.get_relation …), answered over `warehouse`. */
  async renderExtraWithWarehouse(node: SqlNode | SeedNode | undefined, text: string, label: string, warehouse: WarehouseAccess, extra?: TemplateContext): Promise<string> {
    try {
      return await renderWithWarehouse(() => this.renderExtra(node, text, label, extra), warehouse);
    } finally {
      this.introspection.forget(`${node?.uniqueId ?? ''}\u0000${label}`);
    }
  }

  /** Output that may differ between renders of the same text (now(), log(), run_query …) is never cached. */
  private isVolatile(node: SqlNode): boolean {
    return node.volatile;
  }

  /** Static extraction of a model (a parse restored from a snapshot has none: scan on demand). */
  private extraction(node: SqlNode): StaticExtraction {
    let ex = this.parsed.extractions.get(node.checksum);
    if (!ex) this.parsed.extractions.set(node.checksum, (ex = extractStatic(node.rawCode)));
    return ex;
  }

  /** How many bodies were rendered (not reused) so far. */
  get renderedCount(): number {
    let n = 0;
    for (const [id, e] of this.entries) if (this.previous?.get(id) !== e) n++;
    return n;
  }

  /** Ephemeral ancestors reachable through ephemeral models only, in dependency order. */
  ephemeralsOf(node: SqlNode): ModelNode[] {
    const out: ModelNode[] = [];
    const seen = new Set<string>();
    const { graph } = this.parsed;
    const parentsOf = (id: string, n: SqlNode) =>
      graph.hasNode(id) ? graph.inNeighbors(id) : n.refs.map((r) => this.refTarget(r.name)?.uniqueId ?? '').filter((p) => graph.hasNode(p));
    const visit = (id: string) => {
      for (const parent of parentsOf(id, node)) {
        const p = this.parsed.graph.getNodeAttributes(parent).node;
        if (p.resourceType !== 'model' || p.config.materialized !== 'ephemeral' || seen.has(parent)) continue;
        seen.add(parent);
        visit(parent);
        out.push(p);
      }
    };
    visit(node.uniqueId);
    return out;
  }

  compile(node: SqlNode): CompiledModel {
    const bodySql = this.body(node);
    const ephemerals = this.ephemeralsOf(node);
    const fromCache = (n: SqlNode) => this.previous?.get(n.uniqueId) !== undefined && this.previous.get(n.uniqueId) === this.entries.get(n.uniqueId);
    const compiledSql = ephemerals.length ? injectCtes(bodySql, ephemerals.map((e) => ({ name: ephemeralCteName(e.name), sql: this.body(e) }))) : bodySql;
    return {
      uniqueId: node.uniqueId,
      node,
      bodySql,
      compiledSql,
      ephemerals: ephemerals.map((e) => e.uniqueId),
      compiledPath: compiledPathOf(this.parsed.project.config.targetPath, node),
      reused: fromCache(node) && ephemerals.every(fromCache),
    };
  }
}

/**
 * Models and singular tests keep their file path; generic tests go under their YAML file as dbt
 * puts them (`models/schema.yml/not_null_orders_id.sql`, the short name when hashed); other nodes
 * sharing a file (snapshots) get `<dir>/<name>.sql`.
 */
export function compiledPathOf(targetPath: string, node: SqlNode): string {
  if (node.resourceType === 'test' && node.testType === 'generic') return path.posix.join(targetPath, 'compiled', node.packageName, node.originalFilePath, node.path);
  const own = node.resourceType === 'model' || (node.resourceType === 'test' && node.testType === 'singular');
  const rel = own ? node.originalFilePath : path.posix.join(path.posix.dirname(node.originalFilePath), `${node.name}.sql`);
  return path.posix.join(targetPath, 'compiled', node.packageName, rel);
}

export function compileProject(parsed: ParsedProject, options: CompileOptions): CompiledProject {
  const compiler = new Compiler(parsed, options.dialect, options.extraContext, options.cachedBodies, options.trustCache, undefined, options.invocation);
  const ids = options.nodeIds ? [...options.nodeIds] : [...parsed.nodes.keys()];
  const models = new Map<string, CompiledModel>();
  const pending: SqlNode[] = [];
  for (const id of ids) {
    const node = parsed.nodes.get(id);
    if (!node || !isSqlNode(node)) continue;
    try {
      models.set(id, compiler.compile(node));
    } catch (e) {
      if (!options.deferWarehouse || !isPendingWarehouseCall(e)) throw e;
      pending.push(node);
    }
  }
  if (options.writeFiles !== false) writeCompiledFiles(parsed.project.projectDir, models.values());
  return { parsed, models, compiler, pending };
}

/**
 * Write compiled SQL files, leaving unchanged ones alone (writes dominate on slow disks). A model
 * whose SQL came from the cache and whose file has the right size is taken as unchanged.
 */
export function writeCompiledFiles(projectDir: string, models: Iterable<CompiledModel>): void {
  const made = new Set<string>();
  for (const m of models) {
    const file = path.join(projectDir, m.compiledPath);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    if (size !== undefined && size === Buffer.byteLength(m.compiledSql)) {
      if (m.reused || readFileSync(file, 'utf8') === m.compiledSql) continue;
    }
    writeFileSync(file, m.compiledSql);
  }
}
