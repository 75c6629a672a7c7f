// Hooks as dbt runs them. Model, seed and snapshot `pre_hook` / `post_hook`: rendered when they run, in
// the node's run-time context (`{{ this }}` is its relation), before / after the node's statements
// (a seed's load, a snapshot's merge), inside its transaction unless declared `transaction: false`
// (then before BEGIN / after COMMIT). Hooks may ask the warehouse (run_query …) on their connection. Project `on-run-start` /
// `on-run-end`: rendered in the project context (`on-run-end` also sees `results` and `schemas`),
// each one an `operation` result in run_results.json named `<project>-on-run-start-<i>` as in dbt.
import type { Connection, Introspector } from '../adapter/types.js';
import type { Compiler } from '../compile/compile-project.js';
import type { TemplateContext } from '../compile/base-context.js';
import { TsdbtError } from '../errors.js';
import type { SeedNode, SqlNode } from '../parse/nodes.js';
import type { WarehouseAccess } from '../template/introspection.js';
import { warehouseAccess } from '../compile/async-render.js';
import type { Project } from '../project/load-project.js';
import type { NodeResult } from './events.js';

export interface HookSpec {
  /** The hook's template text, rendered when it runs. */
  sql: string;
  /** Inside the node's transaction (dbt's default) or outside it. */
  transaction: boolean;
}

/** A hook config value: a string, `{sql, transaction}`, or a list of those (nested lists flattened). */
export function hookSpecs(value: unknown): HookSpec[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(hookSpecs);
  if (typeof value === 'string') {
    // before_begin("…") / after_commit("…") give JSON, as dbt's make_hook_config does.
    if (value.trimStart().startsWith('{"')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === 'object' && typeof (parsed as { sql?: unknown }).sql === 'string') return hookSpecs(parsed);
      } catch {
        // SQL that happens to start with {": kept as SQL
      }
    }
    return [{ sql: value, transaction: true }];
  }
  // A macro's output passed on as a value (nunjucks SafeString).
  if (value && typeof value === 'object' && typeof (value as { val?: unknown }).val === 'string') return hookSpecs((value as { val: string }).val);
  if (typeof value === 'object' && typeof (value as { sql?: unknown }).sql === 'string') {
    const v = value as { sql: string; transaction?: unknown };
    return [{ sql: v.sql, transaction: v.transaction !== false && v.transaction !== 'false' }];
  }
  throw new TsdbtError('config', `a hook must be SQL text or {sql: …, transaction: …}, got ${JSON.stringify(value)}`);
}

/**
 * A hook, rendered when it runs (as dbt does: a post-hook's `run_query` sees what the node just
 * built) on the connection it runs on; resolves to its SQL.
 */
export type Hook = () => Promise<string>;

export interface ModelHooks {
  /** `pre_hook` with `transaction: false`: before BEGIN. */
  beforeBegin: Hook[];
  /** `pre_hook`: first statements inside the transaction. */
  pre: Hook[];
  /** `post_hook`: last statements inside the transaction. */
  post: Hook[];
  /** `post_hook` with `transaction: false`: after COMMIT. */
  afterCommit: Hook[];
}

export const NO_HOOKS: ModelHooks = { beforeBegin: [], pre: [], post: [], afterCommit: [] };

/**
 * A model's, seed's or snapshot's hooks, rendered in its context when they run; their warehouse
 * calls (run_query, adapter.get_relation …) go over `warehouse`, the connection they run on.
 */
export function nodeHooks(node: SqlNode | SeedNode, compiler: Compiler, warehouse: WarehouseAccess): ModelHooks {
  const pre = hookSpecs(node.config.pre_hook);
  const post = hookSpecs(node.config.post_hook);
  if (pre.length === 0 && post.length === 0) return NO_HOOKS;
  const hooks = (specs: HookSpec[], kind: string, inside: boolean): Hook[] =>
    specs.flatMap((h, i) => (h.transaction === inside ? [() => compiler.renderExtraWithWarehouse(node, h.sql, `${node.originalFilePath} (${node.name} ${kind} ${i + 1})`, warehouse)] : []));
  return { beforeBegin: hooks(pre, 'pre_hook', false), pre: hooks(pre, 'pre_hook', true), post: hooks(post, 'post_hook', true), afterCommit: hooks(post, 'post_hook', false) };
}

/** Render and run hooks in order (one that renders to nothing is skipped, as in dbt). */
export async function runHookStatements(conn: Connection, hooks: readonly Hook[]): Promise<void> {
  for (const hook of hooks) {
    const sql = (await hook()).trim();
    if (sql !== '') await conn.execute(sql);
  }
}

/** `body` in one transaction (when the warehouse has transactional DDL): a throw rolls it all back. */
export async function inTransaction<T>(conn: Connection, transactional: boolean, body: () => Promise<T>): Promise<T> {
  if (transactional) await conn.begin();
  try {
    const out = await body();
    if (transactional) await conn.commit();
    return out;
  } catch (e) {
    if (transactional) await conn.rollback().catch(() => undefined);
    throw e;
  }
}

/** dbt's order around a node's statements: pre-hooks outside, BEGIN, pre-hooks, `body`, post-hooks, COMMIT, post-hooks outside. */
export async function withHooks<T>(conn: Connection, hooks: ModelHooks, transactional: boolean, body: () => Promise<T>): Promise<T> {
  await runHookStatements(conn, hooks.beforeBegin);
  const out = await inTransaction(conn, transactional, async () => {
    await runHookStatements(conn, hooks.pre);
    const r = await body();
    await runHookStatements(conn, hooks.post);
    return r;
  });
  await runHookStatements(conn, hooks.afterCommit);
  return out;
}

export type ProjectHookKind = 'on-run-start' | 'on-run-end';

/** `results` for on-run-end templates: dbt's RunResult fields a hook commonly reads. */
function resultsForTemplates(results: readonly NodeResult[]): unknown[] {
  return results.map((r) => ({
    status: r.status,
    message: r.message,
    execution_time: r.executionTime,
    failures: r.failures ?? null,
    thread_id: r.threadId,
    adapter_response: r.rowsAffected === undefined ? {} : { rows_affected: r.rowsAffected },
    node: { unique_id: r.uniqueId, name: r.name, resource_type: r.resourceType, relation_name: r.relationName ?? null, original_file_path: r.originalFilePath, config: { materialized: r.materialization } },
  }));
}

export interface ProjectHookRun {
  results: NodeResult[];
  /** Whether every hook succeeded. */
  ok: boolean;
}

/**
 * Run `on-run-start` or `on-run-end` hooks one by one (each committed on its own). The first failure
 * stops the rest of that kind, which are reported as skipped; `results` feeds on-run-end templates.
 */
export async function runProjectHooks(
  kind: ProjectHookKind,
  project: Project,
  compiler: Compiler,
  conn: Connection,
  introspector: Introspector,
  context: { schemas: string[]; results?: readonly NodeResult[] | undefined },
  onResult?: (r: NodeResult) => void,
): Promise<ProjectHookRun> {
  const specs = hookSpecs(project.config.raw[kind]);
  const out: NodeResult[] = [];
  const projectName = project.config.name;
  const extra: TemplateContext = {
    // As in dbt, an operation has no relation: `this` is None.
    this: null,
    schemas: context.schemas,
    database_schemas: context.schemas.map((s) => [project.target.config.database ?? null, s]),
    ...(kind === 'on-run-end' ? { results: resultsForTemplates(context.results ?? []) } : {}),
  };
  let failed = false;
  for (const [i, spec] of specs.entries()) {
    const name = `${projectName}-${kind}-${i}`;
    const started = new Date();
    const t0 = performance.now();
    let status: NodeResult['status'] = 'success';
    let message = 'OK';
    let sql: string | undefined;
    if (failed) {
      status = 'skipped';
      message = `skipped: an earlier ${kind} hook failed`;
    } else {
      try {
        sql = (await compiler.renderExtraWithWarehouse(undefined, spec.sql, `${project.projectFile} (${kind} ${i})`, warehouseAccess(conn, introspector), extra)).trim();
        if (sql !== '') await conn.execute(sql);
      } catch (e) {
        failed = true;
        status = 'error';
        message = `${kind} hook ${i} failed: ${e instanceof TsdbtError ? e.format() : (e as Error).message}`;
      }
    }
    const r: NodeResult = {
      uniqueId: `operation.${projectName}.${name}`,
      name,
      resourceType: 'operation',
      status,
      message,
      materialization: 'hook',
      executionTime: (performance.now() - t0) / 1000,
      startedAt: started.toISOString(),
      completedAt: new Date().toISOString(),
      compiledSql: sql,
      originalFilePath: project.projectFile,
      threadId: 'main',
    };
    out.push(r);
    onResult?.(r);
  }
  return { results: out, ok: !failed };
}
