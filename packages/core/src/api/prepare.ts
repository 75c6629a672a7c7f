// Shared first steps of every command: parse, report diagnostics, select.
import { topologicalSort } from 'graphology-dag';
import type { Adapter } from '../adapter/types.js';
import type { EventHandler } from '../execute/events.js';
import { selectNodes, unmatchedSelectors, type SelectionOptions } from '../graph/select.js';
import { parseProject, type ParsedProject } from '../parse/parse-project.js';
import type { ResourceType } from '../parse/nodes.js';
import type { Project } from '../project/load-project.js';
import { loadParseCache, saveParseCache } from './parse-cache.js';

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
  const cache = useCache ? loadParseCache(project) : undefined;
  const parsed = await parseProject(project, {
    extractionCache: cache?.extractions,
    yamlCache: cache?.yaml,
    onLog: (message, info) => options.onEvent?.({ type: 'log', level: info ? 'info' : 'debug', message }),
  });
  // Rewrite only when the set of files changed (the cache holds exactly the current files).
  const sameKeys = (a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>) => a.size === b.size && [...b.keys()].every((k) => a.has(k));
  const same = cache !== undefined && sameKeys(cache.extractions, parsed.extractions) && sameKeys(cache.yaml, parsed.yamlValues);
  if (useCache && !same) saveParseCache(project, parsed);
  // Only this parse's findings (a Project reused across calls keeps earlier ones).
  for (const diagnostic of project.diagnostics.items.slice(seen)) options.onEvent?.({ type: 'diagnostic', diagnostic });
  return parsed;
}

/** Selected ids in topological order. Warns (as a diagnostic event) about selectors matching nothing. */
export function selectInOrder(parsed: ParsedProject, options: SelectOptions & CommonOptions, defaultTypes?: readonly ResourceType[]): string[] {
  const sel: SelectionOptions = { select: options.select, exclude: options.exclude, resourceTypes: options.resourceTypes ?? defaultTypes };
  const chosen = selectNodes(parsed.graph, sel);
  for (const term of unmatchedSelectors(parsed.graph, sel)) {
    options.onEvent?.({ type: 'diagnostic', diagnostic: { level: 'warn', message: `selector \`${term}\` matched nothing` } });
  }
  return topologicalSort(parsed.graph).filter((id) => chosen.has(id));
}
