// Run selected nodes of any kind in DAG order: models, seeds, snapshots, tests. A failure (or an
// error-severity test failure) skips everything downstream.
import { buildManifest, writeManifest } from '../artifacts/manifest.js';
import { newInvocationId } from '../artifacts/metadata.js';
import type { Invocation } from '../template/context-vars.js';
import { buildRunResults, writeRunResults } from '../artifacts/run-results.js';
import { Compiler, writeCompiledFiles, type CompiledModel } from '../compile/compile-project.js';
import type { TemplateContext } from '../compile/base-context.js';
import { jinjaFunction } from '../template/engine.js';
import type { Adapter, Connection } from '../adapter/types.js';
import type { BodyCacheEntry } from '../compile/compile-project.js';
import type { GraphNode, SqlNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import type { Project } from '../project/load-project.js';
import type { EventHandler, NodeResult } from './events.js';
import { RelationCache } from './materialize.js';
import type { NodeHandler, NodeOutcome, RunFlags } from './node-handler.js';
import { redact } from './redact.js';
import { shouldFullRefresh } from '../plan/materializations/incremental.js';
import { runModel } from './run-model.js';
import { runSeed } from './run-seed.js';
import { runSnapshot } from './run-snapshot.js';
import { runTest, runUnitTest } from './run-test.js';
import { schedule } from './scheduler.js';
import { buildGraph } from '../graph/test-edges.js';
import { openSession } from './session.js';
import { hookSpecs, runProjectHooks } from './hooks.js';

const HANDLERS: Partial<Record<GraphNode['resourceType'], NodeHandler>> = {
  model: runModel,
  seed: runSeed,
  snapshot: runSnapshot,
  test: runTest,
  unit_test: runUnitTest,
};

export interface ExecuteOptions {
  command: string;
  threads: number;
  failFast?: boolean | undefined;
  signal?: AbortSignal | undefined;
  fullRefresh?: boolean | undefined;
  storeFailures?: boolean | undefined;
  adapters?: readonly Adapter[] | undefined;
  onEvent?: EventHandler | undefined;
  /** Rendered bodies from earlier runs (see api/compile-cache.ts). */
  cachedBodies?: ReadonlyMap<string, BodyCacheEntry> | undefined;
  trustCache?: boolean | undefined;
  /** Extra fields for run_results.json `args`. */
  args?: Record<string, unknown> | undefined;
  /** Run the project's on-run-start / on-run-end hooks around the nodes (run, build, seed, snapshot, test). */
  projectHooks?: boolean | undefined;
}

export interface ExecuteResult {
  success: boolean;
  results: NodeResult[];
  elapsedSeconds: number;
  invocationId: string;
  runResultsPath: string;
  compiler: Compiler;
}

/** Statuses that stop downstream nodes. */
const FAILED = new Set(['error', 'fail']);

export async function executeNodes(project: Project, parsed: ParsedProject, order: readonly string[], options: ExecuteOptions): Promise<ExecuteResult> {
  const started = performance.now();
  const invocationId = newInvocationId();
  const invocation: Invocation = { id: invocationId, startedAt: new Date(), selected: order };
  const { threads } = options;
  const session = await openSession(project, options.adapters, threads);
  const { dialect } = session;
  const relations = new RelationCache();
  const flags: RunFlags = { fullRefresh: options.fullRefresh ?? false, storeFailures: options.storeFailures ?? false, command: options.command };
  // Run-time template context: only incremental models see a different is_incremental() than at compile time.
  const runContext = (node: SqlNode): TemplateContext | undefined => {
    if (node.resourceType !== 'model' || node.config.materialized !== 'incremental') return undefined;
    const exists = relations.get(node.relation!) === 'table';
    const full = shouldFullRefresh(node.config, flags.fullRefresh);
    return { is_incremental: jinjaFunction(() => exists && !full), should_full_refresh: jinjaFunction(() => full) };
  };
  const compiler = new Compiler(parsed, dialect, runContext, options.cachedBodies, options.trustCache && !flags.fullRefresh && !flags.storeFailures, flags, invocation);
  const compiled = new Map<string, CompiledModel>();
  const results: NodeResult[] = [];
  const total = order.length;
  let index = 0;
  const emit = options.onEvent ?? (() => undefined);
  const count = (t: string) => [...parsed.nodes.values()].filter((n) => n.resourceType === t).length;
  emit({
    type: 'run_started',
    command: options.command,
    total,
    threads,
    target: project.target.name,
    adapter: session.adapter.type,
    project: { models: count('model'), sources: count('source'), macros: parsed.macros.size },
  });

  // Ctrl-C: stop scheduling and interrupt running statements; their transactions roll back.
  const onAbort = () => void session.pool.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // What already exists, per schema: listed once up front.
    const listed = new Set<string>();
    await session.pool.withConnection(async (conn) => {
      for (const id of order) {
        const rel = parsed.nodes.get(id)!.relation;
        if (!rel) continue;
        const key = `${rel.database ?? ''}.${rel.schema}`;
        if (listed.has(key)) continue;
        listed.add(key);
        for (const r of await session.introspector.listRelations(conn, rel.schema, rel.database)) relations.set(r.schema, r.identifier, r.kind);
      }
    });
    // Schemas are created one at a time (concurrent CREATE SCHEMA can conflict in DuckDB), each once
    // per run. A failure fails the nodes waiting for that schema only; the next node to need it retries.
    const schemas = new Map<string, Promise<void>>();
    let schemaLock: Promise<unknown> = Promise.resolve();
    const ensureSchema = (conn: Connection) => (schema: string, database?: string) => {
      const key = `${database ?? ''}.${schema}`;
      let made = schemas.get(key);
      if (!made) {
        const creating = schemaLock.then(() => createSchema(conn, schema, database));
        schemaLock = creating.catch(() => undefined);
        creating.catch(() => schemas.get(key) === creating && schemas.delete(key));
        schemas.set(key, (made = creating));
      }
      return made;
    };
    // `IF NOT EXISTS` is not atomic across sessions: when another run creates the schema at the same
    // moment, Postgres fails one with a unique violation (23505) though the schema then exists. Retried
    // once; a real failure (e.g. permission denied) fails again and is reported.
    const createSchema = async (conn: Connection, schema: string, database?: string) => {
      const sql = dialect.createSchema(schema, database);
      await conn.execute(sql).catch(() => conn.execute(sql));
    };

    const nodeOf = (id: string) => parsed.nodes.get(id)!;
    const base = (node: GraphNode, slot: number) => ({
      uniqueId: node.uniqueId,
      name: node.name,
      resourceType: node.resourceType,
      materialization: node.resourceType === 'model' ? node.config.materialized : node.resourceType,
      relationName: node.relation && node.resourceType !== 'test' && node.resourceType !== 'unit_test' ? dialect.relationName(node.relation) : undefined,
      originalFilePath: node.originalFilePath,
      threadId: `Thread-${slot}`,
    });
    const push = (r: NodeResult) => {
      results.push(r);
      emit({ type: 'node_finished', result: r, index: results.length, total });
    };

    // on-run-start / on-run-end (execute/hooks.ts): reported as `operation` results, not as node events.
    const built = order.map((id) => nodeOf(id).relation && nodeOf(id)).filter((n): n is GraphNode => !!n && n.resourceType !== 'test' && n.resourceType !== 'unit_test');
    const hookSchemas = [...new Set(built.map((n) => n.relation!.schema))];
    const hookResult = (r: NodeResult) => {
      results.push(r);
      emit({ type: 'log', level: r.status === 'error' ? 'warn' : 'info', message: `${r.name}: ${r.status === 'success' ? 'OK' : r.message}` });
    };
    let skipAll = false;
    if (options.projectHooks) {
      const start = await session.pool.withConnection(async (conn) => {
        // As dbt: the schemas of the selected nodes exist before on-run-start runs.
        if (hookSpecs(project.config.raw['on-run-start']).length) for (const n of built) await ensureSchema(conn)(n.relation!.schema, n.relation!.database);
        return runProjectHooks('on-run-start', project, compiler, conn, session.introspector, { schemas: hookSchemas }, hookResult);
      });
      skipAll = !start.ok && project.config.flags?.['skip_nodes_if_on_run_start_fails'] === true;
    }
    // build: tests gate what follows them (see graph/test-edges.ts).
    const graph = options.command === 'build' ? buildGraph(parsed.graph) : parsed.graph;
    const selected = new Set(skipAll ? [] : order);
    if (skipAll) for (const id of order) push({ ...base(nodeOf(id), 0), status: 'skipped', message: 'skipped: an on-run-start hook failed (skip_nodes_if_on_run_start_fails)', executionTime: 0, startedAt: new Date().toISOString(), completedAt: new Date().toISOString() });
    else await schedule(graph, selected, order, { threads, failFast: options.failFast, signal: options.signal }, {
      run: async (id, slot) => {
        const node = nodeOf(id);
        const b = base(node, slot);
        emit({ type: 'node_started', uniqueId: id, name: node.name, materialization: b.materialization, relationName: b.relationName, index: ++index, total });
        const startedAt = new Date();
        const t0 = performance.now();
        const handler = HANDLERS[node.resourceType];
        let outcome: NodeOutcome;
        if (!handler) outcome = { status: 'error', message: `cannot run a ${node.resourceType}` };
        else {
          try {
            outcome = await session.pool.withConnection((conn) =>
              handler(node, { project, parsed, dialect, introspector: session.introspector, conn, compiler, relations, flags, selected, ensureSchema: ensureSchema(conn) }),
            );
          } catch (e) {
            outcome = { status: 'error', message: (e as Error).message };
          }
        }
        if (outcome.compiled) compiled.set(id, outcome.compiled);
        push({
          ...b,
          status: outcome.status,
          message: redact(project, outcome.message),
          rowsAffected: outcome.rowsAffected,
          failures: outcome.failures,
          executionTime: (performance.now() - t0) / 1000,
          startedAt: startedAt.toISOString(),
          completedAt: new Date().toISOString(),
          compiledPath: outcome.compiled?.compiledPath,
          compiledSql: outcome.compiled?.compiledSql,
        });
        // on_error: continue — report the failure but let downstream nodes run.
        return FAILED.has(outcome.status) && node.config.on_error !== 'continue' ? 'error' : 'success';
      },
      skip: (id, reason) => {
        const node = nodeOf(id);
        const cause = reason.upstream ? parsed.nodes.get(reason.upstream)?.name : undefined;
        const now = new Date().toISOString();
        push({ ...base(node, 0), status: 'skipped', message: cause ? `skipped: upstream \`${cause}\` did not succeed` : 'skipped: run stopped', executionTime: 0, startedAt: now, completedAt: now });
      },
    });
    if (options.projectHooks) {
      const nodeResults = results.filter((r) => r.resourceType !== 'operation');
      await session.pool.withConnection((conn) => runProjectHooks('on-run-end', project, compiler, conn, session.introspector, { schemas: hookSchemas, results: nodeResults }, hookResult));
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }

  writeCompiledFiles(project.projectDir, compiled.values());
  const elapsedSeconds = (performance.now() - started) / 1000;
  const relationName = (n: GraphNode) => (n.relation ? dialect.relationName(n.relation) : undefined);
  writeManifest(parsed, () => buildManifest(parsed, relationName, session.adapter.type, invocationId, compiled));
  const runResultsPath = writeRunResults(project, buildRunResults(project, options.command, results, elapsedSeconds, session.adapter.type, invocationId, { threads, ...options.args }));
  const success = results.every((r) => !FAILED.has(r.status) && r.status !== 'skipped');
  emit({ type: 'run_finished', results, elapsedSeconds, success });
  return { success, results, elapsedSeconds, invocationId, runResultsPath, compiler };
}
