// Shared first steps of every command: parse, report diagnostics, select.
import type { Adapter } from '../adapter/types.js';
import type { EventHandler } from '../execute/events.js';
import { selectNodes, unmatchedSelectors, type SelectionOptions } from '../graph/select.js';
import { parseProject, type ParsedProject } from '../parse/parse-project.js';
import { definitionsOf } from '../parse/definitions.js';
import type { ResourceType } from '../parse/nodes.js';
import type { Project } from '../project/load-project.js';
import { loadParseCache, saveParseCache } from './parse-cache.js';
import { envHashes, loadSnapshot, saveSnapshot, trackingEnvReads } from './parse-snapshot.js';

export interface SelectOptions {
  select?: string | readonly string[] | undefined;
  exclude?: string | readonly string[] | undefined;
  resourceTypes?: readonly ResourceType[] | undefined;
}

export interface CommonOptions {
  /** Adapters to use instead of importing `@tsdbt/<type>`. */
  adapters?: readonly Adapter[] | undefined;
  onEvent?: EventHandler | undefined;
  /** Reuse the parse cache in target/ (default true). */
  cache?: boolean | undefined;
}

export async function parseWithEvents(project: Project, options: CommonOptions): Promise<ParsedProject> {
  const seen = project.diagnostics.items.length;
  const useCache = options.cache !== false;
  const onLog = (message: string, info: boolean) => options.onEvent?.({ type: 'log', level: info ? 'info' : 'debug', message });
  const emitDiagnostics = () => {
    // Only this parse's findings (a Project reused across calls keeps earlier ones).
    for (const diagnostic of project.diagnostics.items.slice(seen)) options.onEvent?.({ type: 'diagnostic', diagnostic });
  };
  if (useCache) {
    const snap = loadSnapshot(project, onLog);
    if (snap) {
      for (const d of snap.diagnostics) project.diagnostics.warn(d.message, d.location, d.hint);
      emitDiagnostics();
      return snap.parsed;
    }
  }
  const cache = useCache ? loadParseCache(project) : undefined;
  const { value: parsed, reads } = await trackingEnvReads(project, () =>
    parseProject(project, { extractionCache: cache?.extractions, yamlCache: cache?.yaml, onLog }),
  );
  parsed.envKey = envHashes(reads).key;
  if (useCache) {
    // The per-file cache is rewritten only when the set of files changed.
    const sameKeys = (a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>) => a.size === b.size && [...b.keys()].every((k) => a.has(k));
    if (!(cache && sameKeys(cache.extractions, parsed.extractions) && sameKeys(cache.yaml, parsed.yamlValues))) saveParseCache(project, parsed);
    saveSnapshot(project, parsed, reads, project.diagnostics.items.slice(seen));
  }
  emitDiagnostics();
  return parsed;
}

/**
 * Selected ids in topological order. Warns (as a diagnostic event) about selectors matching nothing.
 * `withTests`: also the tests attached to a selected node (dbt's eager indirect selection).
 */
export function selectInOrder(parsed: ParsedProject, options: SelectOptions & CommonOptions, defaultTypes?: readonly ResourceType[], extra: { withTests?: boolean } = {}): string[] {
  const types = options.resourceTypes ?? defaultTypes;
  // Exposures, metrics … take part in selection (`+exposure:x`, `tag:`); only DAG nodes are returned.
  const definitions = definitionsOf(parsed);
  const sel: SelectionOptions = { select: options.select, exclude: options.exclude, resourceTypes: types, definitions };
  const chosen = selectNodes(parsed.graph, sel);
  if (extra.withTests && options.select !== undefined) {
    const excluded = options.exclude === undefined ? new Set<string>() : selectNodes(parsed.graph, { select: options.exclude, definitions });
    const direct = selectNodes(parsed.graph, { select: options.select, exclude: options.exclude, definitions });
    for (const id of direct) {
      for (const child of parsed.graph.outNeighbors(id)) {
        const kind = parsed.nodes.get(child)?.resourceType;
        if ((kind === 'test' || kind === 'unit_test') && !excluded.has(child) && (!types || types.includes(kind))) chosen.add(child);
      }
    }
  }
  for (const term of unmatchedSelectors(parsed.graph, sel)) {
    options.onEvent?.({ type: 'diagnostic', diagnostic: { level: 'warn', message: `selector \`${term}\` matched nothing` } });
  }
  return parsed.order.filter((id) => chosen.has(id));
}
