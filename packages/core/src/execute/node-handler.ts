// One function per resource kind runs a node against the warehouse; execute-nodes.ts dispatches.
import type { Connection, Dialect, Introspector } from '../adapter/types.js';
import type { CompiledModel, Compiler } from '../compile/compile-project.js';
import type { GraphNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import type { Project } from '../project/load-project.js';
import type { NodeStatus } from './events.js';
import type { RelationCache } from './materialize.js';

export interface RunFlags {
  /** --full-refresh: rebuild incremental models and seeds from scratch. */
  fullRefresh: boolean;
  /** --store-failures for tests. */
  storeFailures: boolean;
  /** The command: run, build, seed, snapshot, test. */
  command: string;
}

export interface NodeRunContext {
  project: Project;
  parsed: ParsedProject;
  dialect: Dialect;
  introspector: Introspector;
  conn: Connection;
  compiler: Compiler;
  /** Relations known to exist (kept up to date by handlers that create or drop relations). */
  relations: RelationCache;
  flags: RunFlags;
  /** Every node this command executes. */
  selected: ReadonlySet<string>;
  /** Create a schema once per run (safe to call repeatedly). */
  ensureSchema(schema: string, database?: string): Promise<void>;
}

export interface NodeOutcome {
  status: NodeStatus;
  message: string;
  rowsAffected?: number | undefined;
  failures?: number | undefined;
  compiled?: CompiledModel | undefined;
}

export type NodeHandler = (node: GraphNode, ctx: NodeRunContext) => Promise<NodeOutcome>;
