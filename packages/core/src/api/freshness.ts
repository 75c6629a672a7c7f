// source freshness: for each selected source table with a threshold and a loaded_at_field, how long
// ago its newest row was loaded, checked against warn_after/error_after; writes target/sources.json.
import { newInvocationId } from '../artifacts/metadata.js';
import { buildSourcesArtifact, writeSourcesArtifact } from '../artifacts/sources.js';
import { redact } from '../execute/redact.js';
import { openSession } from '../execute/session.js';
import { checkSourceFreshness, type SourceFreshnessResult } from '../execute/source-freshness.js';
import type { SourceNode } from '../parse/nodes.js';
import { hasFreshness } from '../parse/source-freshness.js';
import type { Project } from '../project/load-project.js';
import { parseWithEvents, selectInOrder, type CommonOptions, type SelectOptions } from './prepare.js';

export type { FreshnessCriteria, FreshnessStatus, SourceFreshnessResult } from '../execute/source-freshness.js';
export type { FreshnessPeriod, FreshnessTime, SourceFreshness } from '../parse/source-freshness.js';

export interface FreshnessOptions extends SelectOptions, CommonOptions {
  /** Queries run at once (default: the target's threads). */
  threads?: number | undefined;
  /** Write sources.json (default true). */
  writeArtifacts?: boolean | undefined;
  /** Where to write sources.json, relative to the project dir (default target/sources.json). */
  outputPath?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface FreshnessRunResult {
  /** In selection order (source, then table, as the DAG lists them). */
  results: SourceFreshnessResult[];
  elapsedSeconds: number;
  /** No `error` and no `runtime error` (warnings are fine), as dbt's exit code. */
  ok: boolean;
  invocationId: string;
  /** The sources.json written, if any. */
  sourcesPath?: string | undefined;
}

/** Check the freshness of the selected source tables (default: every source). */
export async function sourceFreshness(project: Project, options: FreshnessOptions = {}): Promise<FreshnessRunResult> {
  const started = performance.now();
  const invocationId = newInvocationId();
  const parsed = await parseWithEvents(project, options);
  // Like dbt: tables without a threshold or without loaded_at_field are not selected at all.
  const selected = selectInOrder(parsed, options, ['source']).map((id) => parsed.nodes.get(id) as SourceNode);
  const nodes = selected.filter((n) => n.resourceType === 'source' && hasFreshness(n));
  const threads = Math.max(1, Math.min(options.threads ?? project.threads, nodes.length || 1));
  const emit = options.onEvent ?? (() => undefined);
  const unchecked = selected.filter((n) => !nodes.includes(n));
  if (unchecked.length > 0) {
    const names = unchecked.map((n) => `${n.sourceName}.${n.name}`);
    emit({
      type: 'log',
      level: nodes.length === 0 ? 'info' : 'debug',
      message: `no freshness check (no warn_after/error_after, or no loaded_at_field) for ${names.slice(0, 8).join(', ')}${names.length > 8 ? ` and ${names.length - 8} more` : ''}`,
    });
  }
  const session = await openSession(project, options.adapters, threads);
  const results: SourceFreshnessResult[] = [];
  const total = nodes.length;
  emit({ type: 'freshness_started', total, threads, target: project.target.name, adapter: session.adapter.type, sources: [...parsed.nodes.values()].filter((n) => n.resourceType === 'source').length });
  const onAbort = () => void session.pool.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let next = 0;
    let begun = 0;
    const byId = new Map<string, SourceFreshnessResult>();
    const worker = async (slot: number) => {
      while (next < nodes.length && !options.signal?.aborted) {
        const node = nodes[next++]!;
        emit({ type: 'freshness_table_started', uniqueId: node.uniqueId, sourceName: node.sourceName, tableName: node.name, index: ++begun, total });
        const result = await session.pool.withConnection((conn) => checkSourceFreshness(node, conn, session.dialect, { threadId: `Thread-${slot}` }, (t) => redact(project, t)));
        byId.set(node.uniqueId, result);
        results.push(result);
        emit({ type: 'freshness_checked', result, index: results.length, total });
      }
    };
    await Promise.all(Array.from({ length: threads }, (_, i) => worker(i + 1)));
    // The artifact and the returned list follow the selection order, not completion order.
    results.splice(0, results.length, ...nodes.flatMap((n) => byId.get(n.uniqueId) ?? []));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const ok = results.every((r) => r.status === 'pass' || r.status === 'warn') && !options.signal?.aborted;
  let sourcesPath: string | undefined;
  if (options.writeArtifacts !== false) {
    sourcesPath = writeSourcesArtifact(project, buildSourcesArtifact(project, results, elapsedSeconds, session.adapter.type, invocationId, (t) => redact(project, t)), options.outputPath);
  }
  emit({ type: 'freshness_finished', results, elapsedSeconds, ok, path: sourcesPath });
  return { results, elapsedSeconds, ok, invocationId, sourcesPath };
}
