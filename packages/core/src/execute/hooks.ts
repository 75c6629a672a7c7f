// Hooks as dbt runs them. Model `pre_hook` / `post_hook`: rendered in the model's run-time context
// (`{{ this }}` is its relation) and run before / after the model's statements, inside its transaction
// unless declared `transaction: false` (then before BEGIN / after COMMIT). Project `on-run-start` /
// `on-run-end`: rendered in the project context (`on-run-end` also sees `results` and `schemas`),
// each one an `operation` result in run_results.json named `<project>-on-run-start-<i>` as in dbt.
import type { Connection } from '../adapter/types.js';
import type { Compiler } from '../compile/compile-project.js';
import type { TemplateContext } from '../compile/base-context.js';
import { TsdbtError } from '../errors.js';
import type { SqlNode } from '../parse/nodes.js';
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

export interface ModelHooks {
  /** `pre_hook` with `transaction: false`: before BEGIN. */
  beforeBegin: string[];
  /** `pre_hook`: first statements inside the transaction. */
  pre: string[];
  /** `post_hook`: last statements inside the transaction. */
  post: string[];
  /** `post_hook` with `transaction: false`: after COMMIT. */
  afterCommit: string[];
}

export const NO_HOOKS: ModelHooks = { beforeBegin: [], pre: [], post: [], afterCommit: [] };

/** Render a node's hooks (empty renders are dropped, as dbt skips empty hooks). */
export function renderModelHooks(node: SqlNode, compiler: Compiler): ModelHooks {
  const pre = hookSpecs(node.config.pre_hook);
  const post = hookSpecs(node.config.post_hook);
  if (pre.length === 0 && post.length === 0) return NO_HOOKS;
  const render = (specs: HookSpec[], kind: string, inside: boolean) =>
    specs
      .filter((h) => h.transaction === inside)
      .map((h, i) => compiler.renderExtra(node, h.sql, `${node.originalFilePath} (${kind} ${i + 1})`).trim())
      .filter((sql) => sql !== '');
  return { beforeBegin: render(pre, 'pre_hook', false), pre: render(pre, 'pre_hook', true), post: render(post, 'post_hook', true), afterCommit: render(post, 'post_hook', false) };
}

export async function runHookStatements(conn: Connection, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await conn.execute(sql);
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
  context: { schemas: string[]; results?: readonly NodeResult[] | undefined },
  onResult?: (r: NodeResult) => void,
): Promise<ProjectHookRun> {
  const specs = hookSpecs(project.config.raw[kind]);
  const out: NodeResult[] = [];
  const projectName = project.config.name;
  const extra: TemplateContext = {
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
        sql = compiler.renderExtra(undefined, spec.sql, `${project.projectFile} (${kind} ${i})`, extra).trim();
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
