// run(project, options): parse, select, compile, then build each model in DAG order.
import { buildManifest, writeManifest } from '../artifacts/manifest.js';
import { newInvocationId } from '../artifacts/metadata.js';
import { buildRunResults, writeRunResults } from '../artifacts/run-results.js';
import { Compiler, writeCompiledFiles, type CompiledModel } from '../compile/compile-project.js';
import { TsdbtError } from '../errors.js';
import type { NodeResult } from '../execute/events.js';
import { materialize, RelationCache } from '../execute/materialize.js';
import { redact } from '../execute/redact.js';
import { schedule } from '../execute/scheduler.js';
import { openSession } from '../execute/session.js';
import type { ModelNode } from '../parse/nodes.js';
import type { Project } from '../project/load-project.js';
import { loadCompiledCache, saveCompiledCache } from './compile-cache.js';
import { parseWithEvents, selectInOrder, type CommonOptions, type SelectOptions } from './prepare.js';

export interface RunOptions extends SelectOptions, CommonOptions {
  threads?: number | undefined;
  failFast?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export interface RunResult {
  success: boolean;
  results: NodeResult[];
  elapsedSeconds: number;
  invocationId: string;
  runResultsPath: string;
}

export async function run(project: Project, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const invocationId = newInvocationId();
  const parsed = await parseWithEvents(project, options);
  const order = selectInOrder(parsed, options, ['model']).filter((id) => (parsed.nodes.get(id) as ModelNode).config.materialized !== 'ephemeral');
  const threads = options.threads ?? project.threads;
  const session = await openSession(project, options.adapters, threads);
  const { dialect } = session;
  const results: NodeResult[] = [];
  const previous = options.cache !== false ? loadCompiledCache(project) : undefined;
  const compiler = new Compiler(parsed, dialect, undefined, previous?.entries, previous?.sameProject && parsed.fromSnapshot);
  const compiled = new Map<string, CompiledModel>();
  const total = order.length;
  let index = 0;
  const emit = options.onEvent ?? (() => undefined);
  const models = [...parsed.nodes.values()].filter((n) => n.resourceType === 'model').length;
  emit({ type: 'run_started', command: 'run', total, threads, target: project.target.name, adapter: session.adapter.type, project: { models, sources: parsed.nodes.size - models, macros: parsed.macros.size } });

  // Ctrl-C: stop scheduling and interrupt running statements; their transactions roll back.
  const onAbort = () => void session.pool.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Schemas first, one at a time (concurrent CREATE SCHEMA can conflict), and what already exists in them.
    const cache = new RelationCache();
    const schemas = new Map<string, string | undefined>();
    for (const id of order) {
      const rel = parsed.nodes.get(id)!.relation!;
      schemas.set(`${rel.database ?? ''}.${rel.schema}`, rel.database);
    }
    await session.pool.withConnection(async (conn) => {
      for (const [key, database] of schemas) {
        const schema = key.slice(key.indexOf('.') + 1);
        await conn.execute(dialect.createSchema(schema, database));
        for (const r of await session.introspector.listRelations(conn, schema, database)) cache.set(r.schema, r.identifier, r.kind);
      }
    });

    const nodeOf = (id: string) => parsed.nodes.get(id) as ModelNode;
    const base = (node: ModelNode, slot: number): Omit<NodeResult, 'status' | 'message' | 'executionTime' | 'startedAt' | 'completedAt'> => ({
      uniqueId: node.uniqueId,
      name: node.name,
      resourceType: 'model',
      materialization: node.config.materialized,
      relationName: node.relation ? dialect.relationName(node.relation) : undefined,
      originalFilePath: node.originalFilePath,
      threadId: `Thread-${slot}`,
    });
    const push = (r: NodeResult) => {
      results.push(r);
      emit({ type: 'node_finished', result: r, index: results.length, total });
    };

    await schedule(parsed.graph, new Set(order), order, { threads, failFast: options.failFast, signal: options.signal }, {
      run: async (id, slot) => {
        const node = nodeOf(id);
        const b = base(node, slot);
        emit({ type: 'node_started', uniqueId: id, name: node.name, materialization: node.config.materialized, relationName: b.relationName, index: ++index, total });
        const startedAt = new Date();
        const t0 = performance.now();
        const done = (status: NodeResult['status'], message: string, extra: Partial<NodeResult> = {}) => {
          push({ ...b, status, message: redact(project, message), executionTime: (performance.now() - t0) / 1000, startedAt: startedAt.toISOString(), completedAt: new Date().toISOString(), ...extra });
          return status === 'success' ? ('success' as const) : ('error' as const);
        };
        let model: CompiledModel;
        try {
          model = compiler.compile(node);
          compiled.set(id, model);
        } catch (e) {
          return done('error', e instanceof TsdbtError ? e.format() : (e as Error).message);
        }
        const extra = { compiledPath: model.compiledPath, compiledSql: model.compiledSql };
        try {
          const { rows } = await session.pool.withConnection((conn) => materialize(conn, dialect, model, cache));
          const what = node.config.materialized === 'table' ? `SELECT ${rows ?? '?'}` : 'CREATE VIEW';
          return done('success', what, { ...extra, rowsAffected: rows });
        } catch (e) {
          return done('error', (e as Error).message, extra);
        }
      },
      skip: (id, reason) => {
        const node = nodeOf(id);
        const cause = reason.upstream ? parsed.nodes.get(reason.upstream)?.name : undefined;
        const now = new Date().toISOString();
        push({ ...base(node, 0), status: 'skipped', message: cause ? `skipped: upstream \`${cause}\` did not build` : 'skipped: run stopped', executionTime: 0, startedAt: now, completedAt: now });
      },
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }

  writeCompiledFiles(project.projectDir, compiled.values());
  if (options.cache !== false) saveCompiledCache(project, compiler, previous);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const relationName = (n: { relation?: import('../adapter/types.js').RelationRef | undefined }) => (n.relation ? dialect.relationName(n.relation) : undefined);
  writeManifest(parsed, () => buildManifest(parsed, relationName, session.adapter.type, invocationId, compiled));
  const runResultsPath = writeRunResults(project, buildRunResults(project, 'run', results, elapsedSeconds, session.adapter.type, invocationId, { select: options.select ?? null, exclude: options.exclude ?? null, threads }));
  const success = results.every((r) => r.status === 'success');
  emit({ type: 'run_finished', results, elapsedSeconds, success });
  return { success, results, elapsedSeconds, invocationId, runResultsPath };
}
