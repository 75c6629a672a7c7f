// Macro packages tsdbt ships instead of downloading: dbt's cross-database macros (package `dbt`,
// also callable unprefixed) and dbt_utils (only as `dbt_utils.<name>`), plus the dispatch
// settings from the project file.
import { TsdbtError } from '../errors.js';
import type { MacroDef } from '../parse/nodes.js';
import type { Project } from '../project/load-project.js';
import { yamlPosition } from '../project/yaml-file.js';
import type { DispatchSettings } from './dispatch.js';
import type { TemplateEngine } from './engine.js';
import { DBT_CROSS_DB_MACRO_FILES } from './macros/dbt-cross-db.js';
import { DBT_UTILS_MACRO_FILES } from './macros/dbt-utils.js';

/** Packages a `packages.yml` may name that tsdbt provides itself. */
export const BUNDLED_PACKAGES = ['dbt_utils'] as const;

export function registerBundledMacros(engine: TemplateEngine, macros: Map<string, MacroDef>): void {
  for (const [file, source] of Object.entries(DBT_CROSS_DB_MACRO_FILES)) {
    const names = bundledMacroNames(source);
    engine.addLazyMacroFile(file, source, names, { package: 'dbt' });
    for (const name of names) macros.set(name, { uniqueId: `macro.dbt.${name}`, name, packageName: 'dbt', originalFilePath: file, fileKey: file });
  }
  for (const [file, source] of Object.entries(DBT_UTILS_MACRO_FILES)) {
    const names = bundledMacroNames(source);
    engine.addLazyMacroFile(file, source, names, { package: 'dbt_utils', global: false });
    for (const name of names) macros.set(`dbt_utils.${name}`, { uniqueId: `macro.dbt_utils.${name}`, name, packageName: 'dbt_utils', originalFilePath: file, fileKey: file });
  }
}

/**
 * The names a bundled macro file defines, read from its text (these files are ours: one
 * `{% macro name(` or `{% test name(` per definition, never nested), so they register without
 * being compiled; a unit test checks this against compiling them.
 */
export function bundledMacroNames(source: string): string[] {
  return [...source.matchAll(/\{%-?\s*(macro|test)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => (m[1] === 'test' ? `test_${m[2]}` : m[2]!));
}

/** Adapter type and the `dispatch:` entries of the project file (checked, with their line). */
export function dispatchSettings(project: Project): DispatchSettings {
  const searchOrder: Record<string, string[]> = {};
  const entries: unknown[] = project.config.dispatch ?? [];
  entries.forEach((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const ns = e['macro_namespace'];
    const order = e['search_order'];
    if (typeof ns !== 'string' || !Array.isArray(order) || !order.every((p) => typeof p === 'string')) {
      throw new TsdbtError('project', '`dispatch:` entries need `macro_namespace` (a package name) and `search_order` (a list of package names)', {
        location: { file: project.projectFile, ...yamlPosition(project.projectYaml, ['dispatch', i]) },
        hint: "e.g. `- macro_namespace: dbt_utils\n    search_order: ['my_project', 'dbt_utils']`",
      });
    }
    searchOrder[ns] = order as string[];
  });
  return { adapterType: String(project.target.config.type ?? 'default'), rootPackage: project.config.name, searchOrder };
}
