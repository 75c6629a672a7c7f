// Progress as an event stream: the CLI, a JSON log and library users each render it their own way.
import type { Diagnostic } from '../project/diagnostics.js';
import type { SourceFreshnessResult } from './source-freshness.js';

/** dbt's statuses: models, seeds, snapshots succeed or error; tests pass, warn or fail. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'warn' | 'fail';

export interface NodeResult {
  uniqueId: string;
  name: string;
  resourceType: string;
  status: NodeStatus;
  /** One line for humans; for errors the warehouse message. */
  message: string;
  materialization: string;
  relationName?: string | undefined;
  /** Rows written, where the warehouse reports it. */
  rowsAffected?: number | undefined;
  /** Tests: number of failing rows. */
  failures?: number | undefined;
  executionTime: number;
  startedAt: string;
  completedAt: string;
  compiledPath?: string | undefined;
  compiledSql?: string | undefined;
  originalFilePath: string;
  threadId: string;
}

export type RunEvent =
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'run_started'; command: string; total: number; threads: number; target: string; adapter: string; project: { models: number; sources: number; macros: number } }
  | { type: 'node_started'; uniqueId: string; name: string; materialization: string; relationName?: string | undefined; index: number; total: number }
  | { type: 'node_finished'; result: NodeResult; index: number; total: number }
  | { type: 'run_finished'; results: NodeResult[]; elapsedSeconds: number; success: boolean }
  | { type: 'log'; level: 'info' | 'debug' | 'warn'; message: string }
  // source freshness
  | { type: 'freshness_started'; total: number; threads: number; target: string; adapter: string; sources: number }
  | { type: 'freshness_table_started'; uniqueId: string; sourceName: string; tableName: string; index: number; total: number }
  | { type: 'freshness_checked'; result: SourceFreshnessResult; index: number; total: number }
  | { type: 'freshness_finished'; results: SourceFreshnessResult[]; elapsedSeconds: number; ok: boolean; path?: string | undefined };

export type EventHandler = (event: RunEvent) => void;
