// target/sources.json (`source freshness`), shaped like dbt's sources.json v3.
import path from 'node:path';
import type { FreshnessTime } from '../parse/source-freshness.js';
import type { SourceFreshnessResult } from '../execute/source-freshness.js';
import type { Project } from '../project/load-project.js';
import { metadata, writeJson } from './metadata.js';

export const SOURCES_VERSION = 1;

const time = (t: FreshnessTime | undefined) => ({ count: t?.count ?? null, period: t?.period ?? null });

export function buildSourcesArtifact(project: Project, results: readonly SourceFreshnessResult[], elapsedSeconds: number, adapterType: string, invocationId: string, redact: (text: string) => string): Record<string, unknown> {
  return {
    metadata: metadata('sources', SOURCES_VERSION, 'v3', project.config.name, adapterType, invocationId),
    results: results.map((r) =>
      r.status === 'runtime error'
        ? { unique_id: r.uniqueId, error: r.message ?? 'runtime error', status: r.status }
        : {
            unique_id: r.uniqueId,
            max_loaded_at: r.maxLoadedAt ?? null,
            snapshotted_at: r.snapshottedAt ?? null,
            max_loaded_at_time_ago_in_s: r.ageSeconds ?? null,
            status: r.status,
            criteria: { warn_after: time(r.criteria.warnAfter), error_after: time(r.criteria.errorAfter), filter: r.criteria.filter === undefined ? null : redact(r.criteria.filter) },
            adapter_response: { _message: 'SELECT 1', code: 'SELECT', rows_affected: 1 },
            timing: [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
            thread_id: r.threadId,
            execution_time: r.executionTime,
          },
    ),
    elapsed_time: elapsedSeconds,
  };
}

/** Writes to `file` (default target/sources.json); returns the path written. */
export function writeSourcesArtifact(project: Project, value: Record<string, unknown>, file?: string): string {
  const out = file ? path.resolve(project.projectDir, file) : path.join(project.projectDir, project.config.targetPath, 'sources.json');
  writeJson(out, value, true);
  return out;
}
