// The JSON contract between @tsdbt/core (`docsGenerate`) and @tsdbt/docs-site
// (`renderSite`). Plain JSON only: no Dates, Maps, undefined-vs-null subtleties
// beyond what is documented per field. Written to target/docs-data.json.

/** Everything the docs site needs, embedded as one JSON blob in index.html. */
export interface DocsSiteData {
  project: DocsProjectInfo;
  /** Models, seeds, snapshots, sources, data tests and unit tests, in DAG order (parents first). */
  nodes: DocsNode[];
  /** [parent uniqueId, child uniqueId]; both ends are always present in `nodes`. */
  edges: Array<[string, string]>;
}

export interface DocsProjectInfo {
  name: string;
  /** ISO-8601 timestamp of generation. */
  generatedAt: string;
  /** Target name from the profile, e.g. 'dev'. */
  target: string;
  /** Adapter type, e.g. 'duckdb', 'postgres'. */
  adapter: string;
  tsdbtVersion: string;
}

export type DocsLayer = 'bronze' | 'silver' | 'gold';

export interface DocsNode {
  /** e.g. 'model.shop.orders', 'source.shop.raw.customers', 'test.shop.not_null_orders_id.ab12cd'. */
  uniqueId: string;
  /** The node's name; for sources `<source>.<table>` (e.g. 'raw.orders'), as `tsdbt ls` shows them. */
  name: string;
  /** 'model' | 'seed' | 'snapshot' | 'source' | 'test' | 'unit_test'. */
  resourceType: string;
  packageName: string;
  /** Path relative to the resource's root dir (models/, seeds/…). */
  path: string;
  /** Path relative to the project root. */
  originalFilePath: string;
  fqn: string[];
  /** fqn without the project (first) and the name (last) parts, joined by '/'; '' at the root. e.g. 'gold', 'staging/finance'. */
  folder: string;
  /** From a fqn folder named bronze/silver/gold, or a tag of that name, when present. */
  layer?: DocsLayer;
  description: string;
  tags: string[];
  config: Record<string, unknown>;
  /** Models/snapshots/seeds: 'table' | 'view' | 'incremental' | 'ephemeral' | 'seed' | 'snapshot' … */
  materialization?: string;
  /** Fully qualified, adapter-quoted relation, e.g. "main"."orders". Absent for ephemeral/tests. */
  relationName?: string;
  /** From the catalog; null when the relation does not exist in the warehouse or counting failed. */
  rowCount?: number | null;
  columns: DocsColumn[];
  rawCode?: string;
  compiledCode?: string;
  /** Data tests attached to this node (empty for tests themselves). */
  tests: DocsNodeTest[];
  /** From target/run_results.json when present. */
  lastRun?: DocsLastRun | undefined;
  /** Set when column-level lineage could not be computed, e.g. "could not parse the compiled SQL: …". */
  columnLineageError?: string;
}

export interface DocsNodeTest {
  uniqueId: string;
  name: string;
  /** The column the test is attached to, if any. */
  column?: string;
  /** Last status from run_results.json: 'pass' | 'fail' | 'warn' | 'error' | 'skipped'. */
  status?: string;
  failures?: number | null;
}

export interface DocsLastRun {
  /** 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' … */
  status: string;
  /** Seconds. */
  executionTime: number;
  message: string;
  /** ISO-8601. */
  completedAt?: string;
}

export interface DocsColumn {
  name: string;
  description: string;
  /** Warehouse data type from the catalog, else the declared data_type. */
  type?: string;
  /** Column-level lineage: the upstream columns this column is derived from. */
  upstream?: Array<{ node: string; column: string }>;
}
