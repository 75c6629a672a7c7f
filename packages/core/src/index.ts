// @tsdbt/core public API.
export type * from './adapter/types.js';
export type * from './parse/nodes.js';
export { isSqlNode, isRefable } from './parse/nodes.js';
export { TsdbtError, isTsdbtError, closestNames, didYouMean } from './errors.js';
export type { ErrorKind, ErrorLocation } from './errors.js';

// Stages
export { loadProject, parseCliVars, PROJECT_FILE_NAMES } from './project/load-project.js';
export type { LoadProjectOptions, Project, ProjectConfig } from './project/load-project.js';
export { DBT_COMPATIBLE_VERSION } from './project/project-compat.js';
export type { ResolvedTarget } from './project/profiles.js';
export type { Diagnostic } from './project/diagnostics.js';
export { parseProject } from './parse/parse-project.js';
export type { ParsedProject, ParseOptions } from './parse/parse-project.js';
export { compileProject, Compiler } from './compile/compile-project.js';
export type { CompiledModel, CompiledProject, CompileOptions } from './compile/compile-project.js';
export { RelationValue } from './compile/relation.js';
export { selectNodes, parseSelection, unmatchedSelectors } from './graph/select.js';
export type { SelectionOptions, SelectionExpr } from './graph/select.js';
export type { NodeGraph } from './graph/node-graph.js';
export { resolveAdapter } from './adapter/resolve-adapter.js';
export type { RunEvent, NodeResult, NodeStatus, EventHandler } from './execute/events.js';
export type { NodeHandler, NodeOutcome, NodeRunContext, RunFlags } from './execute/node-handler.js';
export { TemplateEngine, jinjaFunction } from './template/engine.js';

// Commands
export { run, build, seed, snapshot, test } from './api/run.js';
export type { RunOptions, RunResult } from './api/run.js';
export { parse, compile, list } from './api/compile.js';
export type { ParseResult, CompileResult, ListedNode, ListOptions } from './api/compile.js';
export type { DefinitionKind, DefinitionNode } from './parse/definitions.js';
export { show } from './api/show.js';
export { sourceFreshness } from './api/freshness.js';
export type { FreshnessOptions, FreshnessRunResult, FreshnessCriteria, FreshnessStatus, SourceFreshnessResult, FreshnessPeriod, FreshnessTime, SourceFreshness } from './api/freshness.js';
export type { ShowOptions, ShowResult } from './api/show.js';
export { debug } from './api/debug.js';
export type { DebugReport, DebugCheck } from './api/debug.js';
export { init } from './api/init.js';
export type { InitOptions, InitResult } from './api/init.js';
export { clean } from './api/clean.js';
export { docsGenerate, lineage, serveDocs } from './api/docs.js';
export type { DocsGenerateOptions, DocsGenerateResult, LineageOptions, ServeOptions, DocsServer } from './api/docs.js';
export type * from './docs/site-data.js';
export type { LineageFormat } from './docs/text-lineage.js';
export type { SelectOptions, CommonOptions } from './api/prepare.js';
export { TSDBT_VERSION } from './artifacts/metadata.js';
export { SqlDialect, MERGE_DEST, MERGE_SOURCE, relationKeyword } from './adapter/sql-dialect.js';
export { stripTrailingSemicolons } from './adapter/sql-text.js';
export { fitsSeedKind, fitsSeedKindBytes, isSeedNull, sampleSeedKinds, SEED_SAMPLE_MISMATCH } from './execute/seed-kinds.js';
