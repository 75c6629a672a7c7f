// run / build / seed / snapshot / test: parse, select, then execute the chosen kinds in DAG order.
import type { NodeResult } from '../execute/events.js';
import { executeNodes } from '../execute/execute-nodes.js';
import type { ResourceType } from '../parse/nodes.js';
import type { Project } from '../project/load-project.js';
import { loadCompiledCache, saveCompiledCache } from './compile-cache.js';
import { parseWithEvents, selectInOrder, type CommonOptions, type SelectOptions } from './prepare.js';

export interface RunOptions extends SelectOptions, CommonOptions {
  threads?: number | undefined;
  failFast?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Rebuild incremental models and seeds from scratch (models with `full_refresh: false` excepted). */
  fullRefresh?: boolean | undefined;
  /** Keep failing test rows in an audit schema. */
  storeFailures?: boolean | undefined;
}

export interface RunResult {
  success: boolean;
  results: NodeResult[];
  elapsedSeconds: number;
  invocationId: string;
  runResultsPath: string;
}

async function execute(project: Project, options: RunOptions, command: string, kinds: readonly ResourceType[]): Promise<RunResult> {
  const parsed = await parseWithEvents(project, options);
  const order = selectInOrder(parsed, options, kinds, { withTests: kinds.includes('test') }).filter((id) => {
    const n = parsed.nodes.get(id)!;
    return !(n.resourceType === 'model' && n.config.materialized === 'ephemeral');
  });
  const previous = options.cache !== false ? loadCompiledCache(project) : undefined;
  const result = await executeNodes(project, parsed, order, {
    command,
    threads: options.threads ?? project.threads,
    failFast: options.failFast,
    signal: options.signal,
    fullRefresh: options.fullRefresh,
    storeFailures: options.storeFailures,
    adapters: options.adapters,
    onEvent: options.onEvent,
    cachedBodies: previous?.entries,
    trustCache: previous?.sameProject && parsed.fromSnapshot,
    args: { select: options.select ?? null, exclude: options.exclude ?? null, full_refresh: options.fullRefresh ?? false },
    // dbt runs on-run-start / on-run-end for run, build, seed, snapshot and test.
    projectHooks: true,
  });
  // Bodies rendered under --full-refresh/--store-failures flags are not what a plain run would render.
  if (options.cache !== false && !options.fullRefresh && !options.storeFailures) saveCompiledCache(project, result.compiler, previous);
  const { compiler: _compiler, ...rest } = result;
  return rest;
}

/** Build the selected models. */
export function run(project: Project, options: RunOptions = {}): Promise<RunResult> {
  return execute(project, options, 'run', ['model']);
}

/** Seeds, models, snapshots and tests together in DAG order; a model's tests run right after it. */
export function build(project: Project, options: RunOptions = {}): Promise<RunResult> {
  return execute(project, options, 'build', ['seed', 'model', 'snapshot', 'test', 'unit_test']);
}

export function seed(project: Project, options: RunOptions = {}): Promise<RunResult> {
  return execute(project, options, 'seed', ['seed']);
}

export function snapshot(project: Project, options: RunOptions = {}): Promise<RunResult> {
  return execute(project, options, 'snapshot', ['snapshot']);
}

export function test(project: Project, options: RunOptions = {}): Promise<RunResult> {
  return execute(project, options, 'test', ['test', 'unit_test']);
}
