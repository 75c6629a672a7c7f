// Parsed resources: plain data, the input to graph building, selection and compilation.
import type { RelationRef } from '../adapter/types.js';
import type { SourceFreshness } from './source-freshness.js';

export type ResourceType = 'model' | 'source' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'analysis';

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
  /** `constraints:` as written (applied to models with an enforced contract; see execute/contract.ts). */
  constraints?: Array<Record<string, unknown>> | undefined;
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

/** A node whose SQL is a template: models, snapshots and tests. */
export interface SqlNodeBase extends NodeBase {
  rawCode: string;
  /** sha256 of the file contents. */
  checksum: string;
  refs: RefCall[];
  sources: SourceCall[];
  /** Macro names the template calls directly (found statically). */
  macros: string[];
  /** True when ref/source/config could not all be found statically and parse rendered the template. */
  renderedAtParse: boolean;
  /** Rendering may give different SQL for the same inputs (now(), log(), run_query … directly or via macros): never cached. */
  volatile: boolean;
}

export interface ModelNode extends SqlNodeBase {
  resourceType: 'model';
  /** Model-level `constraints:` from its properties YAML, as written (see execute/contract.ts). */
  constraints?: Array<Record<string, unknown>> | undefined;
}

/** `{% snapshot name %}…{% endsnapshot %}`: rawCode is the select inside the block. */
export interface SnapshotNode extends SqlNodeBase {
  resourceType: 'snapshot';
}

/** A CSV file loaded by `tsdbt seed`. */
export interface SeedNode extends NodeBase {
  resourceType: 'seed';
  /** size+mtime of the CSV (its contents are never read at parse time). */
  checksum: string;
  absPath: string;
}

export interface TestMetadata {
  /** Generic test name: `unique`, `not_null`, `accepted_values`, `relationships`, or a custom `{% test %}`. */
  name: string;
  namespace?: string | undefined;
  /** Arguments of the test macro besides `model` (column_name, values, to, field …). */
  kwargs: Record<string, unknown>;
}

/** A data test: generic (from YAML) or singular (tests/**\/*.sql). The rendered SQL selects failing rows. */
export interface TestNode extends SqlNodeBase {
  resourceType: 'test';
  testType: 'generic' | 'singular';
  testMetadata?: TestMetadata | undefined;
  columnName?: string | undefined;
  /** The model, seed, snapshot or source a generic test is defined on. */
  attachedNode?: string | undefined;
}

/** dbt 1.8 unit test: fixed inputs for a model's refs/sources and the rows it must return. */
export interface UnitTestNode extends NodeBase {
  resourceType: 'unit_test';
  /** uniqueId of the model under test. */
  model: string;
  /** `input` as written (`ref('orders')`, `source('raw', 'orders')`, `this`); `fixture`: a file under <test-path>/fixtures/. */
  given: Array<{ input: string; rows?: unknown; format?: string | undefined; fixture?: string | undefined }>;
  expect: { rows?: unknown; format?: string | undefined; fixture?: string | undefined };
  overrides?: Record<string, unknown> | undefined;
}

export interface SourceNode extends NodeBase {
  resourceType: 'source';
  sourceName: string;
  sourceDescription: string;
  /** Table name in the warehouse (`identifier:` or the table name). */
  identifier: string;
  /** Column or SQL expression whose max is the time the newest row was loaded (`source freshness`). */
  loadedAtField?: string | undefined;
  /** Thresholds merged from project, source and table; null: `freshness: null`; undefined: none set. */
  freshness?: SourceFreshness | null | undefined;
}

export type GraphNode = ModelNode | SourceNode | SeedNode | SnapshotNode | TestNode | UnitTestNode;

/** Nodes whose SQL is a template. */
export type SqlNode = ModelNode | SnapshotNode | TestNode;

/** Nodes that `ref()` can name. */
export type RefableNode = ModelNode | SeedNode | SnapshotNode;

export function isSqlNode(n: GraphNode): n is SqlNode {
  return n.resourceType === 'model' || n.resourceType === 'snapshot' || n.resourceType === 'test';
}

export function isRefable(n: GraphNode): n is RefableNode {
  return n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot';
}

export interface MacroDef {
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  /** The whole file that defines the macro (macros are registered per file). */
  fileKey: string;
}

/** Exposures, semantic models, metrics and saved queries: parsed and listed, never executed (parse/definitions.ts). */
export type DefinitionKind = 'exposure' | 'semantic_model' | 'metric' | 'saved_query';

export interface DefinitionNode {
  /** `exposure.<project>.<name>`, `semantic_model.…`, `metric.…`, `saved_query.…`. */
  uniqueId: string;
  resourceType: DefinitionKind;
  name: string;
  packageName: string;
  originalFilePath: string;
  fqn: string[];
  description: string;
  tags: string[];
  meta: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Unique ids this resource depends on (models, seeds, snapshots, sources, semantic models, metrics). */
  dependsOn: string[];
  /** The YAML entry as written. */
  raw: Record<string, unknown>;
}
