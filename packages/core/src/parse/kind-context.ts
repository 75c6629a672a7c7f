// What the per-kind parsers (seeds, snapshots, tests) get from parseProject.
import type { Diagnostics } from '../project/diagnostics.js';
import type { Project } from '../project/load-project.js';
import type { TemplateEngine } from '../template/engine.js';
import type { StaticExtraction } from '../template/static-extract.js';
import type { RawConfig } from './config.js';
import type { RefCall, SourceCall } from './nodes.js';
import type { NodePatch } from './properties.js';

export interface ParseKindContext {
  project: Project;
  engine: TemplateEngine;
  diagnostics: Diagnostics;
  /** Every properties patch (kind models/seeds/snapshots). */
  patches: readonly NodePatch[];
  /** Extractions by checksum: add the ones you compute (they are cached across runs). */
  extractions: Map<string, StaticExtraction>;
  extractionCache?: Map<string, StaticExtraction> | undefined;
  /** Macros that call ref/source/config (a template calling one must be rendered at parse time). */
  refMacros: ReadonlySet<string>;
  /** Macros whose output is volatile (never cache what calls them). */
  volatileMacros: ReadonlySet<string>;
  /** Parse-phase template context that records ref/source/config calls. */
  recordingContext(record: { refs: RefCall[]; sources: SourceCall[]; configs: RawConfig[] }, file: string): Record<string, unknown>;
}
