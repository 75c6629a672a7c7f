// target/run_results.json, shaped like dbt's.
import path from 'node:path';
import type { NodeResult } from '../execute/events.js';
import type { Project } from '../project/load-project.js';
import { metadata, writeJson } from './metadata.js';

export const RUN_RESULTS_VERSION = 1;

export function buildRunResults(project: Project, command: string, results: readonly NodeResult[], elapsedSeconds: number, adapterType: string, invocationId: string, args: Record<string, unknown>): Record<string, unknown> {
  return {
    metadata: metadata('run-results', RUN_RESULTS_VERSION, 'v6', project.config.name, adapterType, invocationId),
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      timing: r.status === 'skipped' ? [] : [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
      thread_id: r.threadId,
      execution_time: r.executionTime,
      adapter_response: r.rowsAffected === undefined ? {} : { rows_affected: r.rowsAffected },
      message: r.message,
      failures: r.failures ?? null,
      compiled: r.compiledSql !== undefined,
      compiled_code: r.compiledSql ?? null,
      compiled_path: r.compiledPath ?? null,
      relation_name: r.relationName ?? null,
    })),
    elapsed_time: elapsedSeconds,
    args: { which: command, ...args },
  };
}

export function writeRunResults(project: Project, value: Record<string, unknown>): string {
  const file = path.join(project.projectDir, project.config.targetPath, 'run_results.json');
  writeJson(file, value);
  return file;
}
