// @tsdbt/docs-site: the self-contained docs page (`tsdbt docs generate` writes it to target/index.html).
export { renderSite, scriptJson } from './render-site.js';
export { buildPayload } from './build-payload.js';
export type { IndexNode, NodeDetails, OverviewLayout, SiteIndex, LayoutEngine } from './payload.js';
export { layoutDag, layeredLayout, dagreLayout, DAGRE_MAX_NODES } from './layout/layout-dag.js';
export type { LayoutNode, Positions } from './layout/layout-dag.js';
