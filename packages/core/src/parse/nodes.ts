// Parsed resources: plain data, the input to graph building, selection and compilation.
import type { RelationRef } from '../adapter/types.js';

export type ResourceType = 'model' | 'source' | 'seed' | 'snapshot' | 'test' | 'analysis';

/** Position in a source file, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Resolved node config: defaults < folder config < YAML properties < in-file config(). */
export interface NodeConfig {
  enabled: boolean;
  materialized: string;
  schema?: string | undefined;
  database?: string | undefined;
  alias?: string | undefined;
  tags: string[];
  meta: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ColumnInfo {
  name: string;
  description: string;
  data_type?: string | undefined;
  meta: Record<string, unknown>;
  tags: string[];
}

export interface RefCall {
  package?: string | undefined;
  name: string;
  version?: string | number | undefined;
  /** Where the call appears in the file, when known statically. */
  position?: SourcePosition | undefined;
}

export interface SourceCall {
  source: string;
  table: string;
  position?: SourcePosition | undefined;
}

interface NodeBase {
  /** `model.<project>.<name>`, `source.<project>.<source>.<table>` … */
  uniqueId: string;
  resourceType: ResourceType;
  name: string;
  packageName: string;
  /** Path relative to the project root, with `/` separators: `models/staging/stg_orders.sql`. */
  originalFilePath: string;
  /** Path relative to its resource folder: `staging/stg_orders.sql`. */
  path: string;
  /** Fully qualified name: `[project, ...folders, name]` (sources: `[project, ...folders, source, table]`). */
  fqn: string[];
  description: string;
  columns: Record<string, ColumnInfo>;
  config: NodeConfig;
  /** Same as `config.tags`, kept at the top level as in dbt's manifest. */
  tags: string[];
  /** YAML file that described this node, when there is one. */
  patchPath?: string | undefined;
  /** Where the node resolves to in the warehouse. Filled in by `resolveRelations`. */
  relation?: RelationRef | undefined;
}

export interface ModelNode extends NodeBase {
  resourceType: 'model';
  rawCode: string;
  /** sha256 of the file contents. */
  checksum: string;
  refs: RefCall[];
  sources: SourceCall[];
  /** Macro names the model calls directly (found statically). */
  macros: string[];
  /** True when ref/source/config could not all be found statically and parse rendered the template. */
  renderedAtParse: boolean;
  /** Rendering may give different SQL for the same inputs (now(), log(), run_query … directly or via macros): never cached. */
  volatile: boolean;
}

export interface SourceNode extends NodeBase {
  resourceType: 'source';
  sourceName: string;
  sourceDescription: string;
  /** Table name in the warehouse (`identifier:` or the table name). */
  identifier: string;
  loadedAtField?: string | undefined;
  freshness?: unknown;
}

export type GraphNode = ModelNode | SourceNode;

export interface MacroDef {
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  /** The whole file that defines the macro (macros are registered per file). */
  fileKey: string;
}
