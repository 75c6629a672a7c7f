// What index.html embeds, split for a fast first render: the index (every node's name, place,
// config and the edges, plus the precomputed overview layout) is parsed at start; the details
// (columns, tests, SQL) only when a node page or column lineage first needs them.
import type { DocsColumn, DocsLastRun, DocsLayer, DocsNodeTest, DocsProjectInfo } from '@tsdbt/core';

/** Resource types drawn in the lineage graph; tests live on their models' pages. */
export const DRAWN_TYPES: readonly string[] = ['source', 'seed', 'model', 'snapshot'];

export type LayoutEngine = 'dagre' | 'layered';

export interface IndexNode {
  id: string;
  name: string;
  type: string;
  pkg: string;
  /** Project-relative file. */
  file: string;
  /** Relative to the resource folder. */
  path: string;
  fqn: string[];
  folder: string;
  layer?: DocsLayer | undefined;
  description: string;
  tags: string[];
  /** Index into `SiteIndex.configs` (many nodes share one config). */
  config: number;
  materialization?: string | undefined;
  relationName?: string | undefined;
  rowCount?: number | null | undefined;
  /** Last run status from run_results.json. */
  status?: string | undefined;
  /** Attached data tests, and how many of them did not pass last time. */
  tests: number;
  failing: number;
  columns: number;
}

export interface OverviewLayout {
  engine: LayoutEngine;
  /** Indexes (into `nodes`) of the drawn nodes, with their positions (y grows downwards). */
  nodes: number[];
  x: number[];
  y: number[];
  /** Milliseconds the layout took at generation. */
  ms: number;
}

export interface SiteIndex {
  project: DocsProjectInfo;
  nodes: IndexNode[];
  configs: Array<Record<string, unknown>>;
  /** [parent index, child index]. */
  edges: Array<[number, number]>;
  overview: OverviewLayout;
}

/** How the details are embedded: plain JSON, or (past a few hundred kB) deflate-raw then base64. */
export type DetailsEncoding = 'json' | 'deflate-raw+base64';

/** Aligned with `SiteIndex.nodes`. */
export interface NodeDetails {
  columns: DocsColumn[];
  tests: DocsNodeTest[];
  lastRun?: DocsLastRun | undefined;
  rawCode?: string | undefined;
  compiledCode?: string | undefined;
  columnLineageError?: string | undefined;
}
