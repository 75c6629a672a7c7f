// One model file → ModelNode: name, fqn, refs/sources/config found statically, rendering only when needed.
import { graphCallsOverridden } from '../template/context-vars.js';
import { TsdbtError } from '../errors.js';
import type { ProjectFile } from '../project/files.js';
import type { TemplateEngine } from '../template/engine.js';
import { jinjaFunction } from '../template/engine.js';
import { extractStatic, type StaticExtraction } from '../template/static-extract.js';
import { mergeConfig, type RawConfig } from './config.js';
import type { ModelNode, RefCall, SourceCall } from './nodes.js';

/** What scanning one template finds: its refs, sources and config, statically or by a parse-time render. */
export interface TemplateScan {
  refs: RefCall[];
  sources: SourceCall[];
  /** config() calls merged in order. */
  inFileConfig: RawConfig;
  macros: string[];
  renderedAtParse: boolean;
  extraction: StaticExtraction;
}

export interface ModelFileScan extends TemplateScan {
  name: string;
  fqn: string[];
}

export function modelNameOf(file: ProjectFile): string {
  const base = file.pathInFolder.split('/').pop() ?? file.pathInFolder;
  return base.replace(/\.sql$/, '');
}

export function fqnOf(projectName: string, file: ProjectFile, name: string): string[] {
  const dirs = file.pathInFolder.split('/').slice(0, -1);
  return [projectName, ...dirs, name];
}

/** Interpret ref() arguments the way dbt does: ref('m'), ref('pkg', 'm'), ref('m', v=2). */
export function refFromArgs(args: unknown[], kwargs: Record<string, unknown>): RefCall {
  const version = (kwargs.v ?? kwargs.version) as string | number | undefined;
  if (args.length >= 2) return { package: String(args[0]), name: String(args[1]), version };
  return { name: String(args[0]), version };
}

/**
 * Scan a model: static extraction first; when it is not complete, render once with a parse context
 * that records ref/source/config calls (as dbt does at parse time, with execute = false).
 */
export function scanModel(
  file: ProjectFile,
  projectName: string,
  engine: TemplateEngine,
  parseContext: (record: { refs: RefCall[]; sources: SourceCall[]; configs: RawConfig[] }) => Record<string, unknown>,
  cached?: StaticExtraction,
  refMacros?: ReadonlySet<string>,
): ModelFileScan {
  const name = modelNameOf(file);
  const fqn = fqnOf(projectName, file, name);
  const ex = cached ?? extractStatic(file.contents);
  if (ex.complete && !ex.calls.some((c) => refMacros?.has(c)) && !graphCallsOverridden(engine)) {
    let inFileConfig: RawConfig = {};
    for (const c of ex.configs) inFileConfig = mergeConfig(inFileConfig, c as RawConfig);
    return { name, fqn, refs: ex.refs, sources: ex.sources, inFileConfig, macros: ex.calls, renderedAtParse: false, extraction: ex };
  }
  const record = { refs: [] as RefCall[], sources: [] as SourceCall[], configs: [] as RawConfig[] };
  engine.render(file.relPath, file.contents, parseContext(record));
  let inFileConfig: RawConfig = {};
  for (const c of record.configs) inFileConfig = mergeConfig(inFileConfig, c);
  // Static positions are better than none: reuse them where the names agree.
  const pos = new Map(ex.refs.map((r) => [r.name, r.position]));
  const refs = record.refs.map((r) => ({ ...r, position: r.position ?? pos.get(r.name) }));
  return { name, fqn, refs, sources: record.sources, inFileConfig, macros: ex.calls, renderedAtParse: true, extraction: ex };
}

/** Parse-phase template functions that record calls instead of resolving them. */
export function recordingFunctions(record: { refs: RefCall[]; sources: SourceCall[]; configs: RawConfig[] }, file: string): Record<string, unknown> {
  return {
    ref: jinjaFunction((args, kwargs) => {
      if (args.length === 0) throw new TsdbtError('template', 'ref() needs a model name', { location: { file } });
      const r = refFromArgs(args, kwargs);
      record.refs.push(r);
      return `__ref__${r.name}`;
    }),
    source: jinjaFunction((args) => {
      if (args.length < 2) throw new TsdbtError('template', 'source() needs a source name and a table name', { location: { file }, hint: "e.g. source('raw', 'orders')" });
      record.sources.push({ source: String(args[0]), table: String(args[1]) });
      return `__source__${String(args[0])}__${String(args[1])}`;
    }),
    config: Object.assign(
      jinjaFunction((args, kwargs) => {
        const c: RawConfig = { ...kwargs };
        if (args[0] && typeof args[0] === 'object') Object.assign(c, args[0]);
        record.configs.push(c);
        return '';
      }),
      {
        // At parse time only the config() calls seen so far are known (dbt behaves the same).
        get: jinjaFunction(([key, fallback]) => {
          for (let i = record.configs.length - 1; i >= 0; i--) if (String(key) in record.configs[i]!) return record.configs[i]![String(key)];
          return fallback ?? null;
        }),
        require: jinjaFunction(([key]) => {
          for (let i = record.configs.length - 1; i >= 0; i--) if (String(key) in record.configs[i]!) return record.configs[i]![String(key)];
          return null;
        }),
      },
    ),
    is_incremental: jinjaFunction(() => false),
  };
}

export type { ModelNode };
