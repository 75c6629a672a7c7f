// dbt_project.yml keys kept for compatibility with dbt: `require-dbt-version`, `flags:` and the
// legacy path keys. Pure checks on the rendered project file; loadProject calls them.
import { TsdbtError, didYouMean, type ErrorLocation } from '../errors.js';
import type { Diagnostics } from './diagnostics.js';

/**
 * The dbt version whose project files, Jinja context and artifacts tsdbt follows. `require-dbt-version`
 * constraints are checked against it.
 */
export const DBT_COMPATIBLE_VERSION = '1.9.0';

/** Old project keys dbt still reads but warns about (its ConfigSourcePathDeprecation / ConfigDataPathDeprecation). */
export const DEPRECATED_PROJECT_KEYS: Readonly<Record<string, string>> = { 'source-paths': 'model-paths', 'data-paths': 'seed-paths' };

/**
 * Keys of `flags:` in dbt_project.yml that dbt ≥ 1.8 accepts: behaviour-change flags and the
 * runtime flags that moved there from profiles.yml `config:`. tsdbt reads only
 * `skip_nodes_if_on_run_start_fails`; the others are accepted and ignored.
 */
export const KNOWN_PROJECT_FLAGS = [
  // behaviour changes
  'require_explicit_package_overrides_for_builtin_materializations',
  'require_resource_names_without_spaces',
  'source_freshness_run_project_hooks',
  'skip_nodes_if_on_run_start_fails',
  'state_modified_compare_more_unrendered_values',
  'state_modified_compare_vars',
  'require_yaml_configuration_for_mf_time_spines',
  'require_batched_execution_for_custom_microbatch_strategy',
  'require_nested_cumulative_type_params',
  'validate_macro_args',
  'require_generic_test_arguments_property',
  'require_unique_project_resource_names',
  'require_all_warnings_handled_by_warn_error',
  'restrict_direct_pg_catalog_access',
  // runtime flags
  'cache_selected_only',
  'debug',
  'fail_fast',
  'indirect_selection',
  'introspect',
  'log_format',
  'log_format_file',
  'log_level',
  'log_level_file',
  'partial_parse',
  'populate_cache',
  'printer_width',
  'send_anonymous_usage_stats',
  'static_parser',
  'use_colors',
  'use_colors_file',
  'use_experimental_parser',
  'version_check',
  'warn_error',
  'warn_error_options',
  'write_json',
  'quiet',
  'no_print',
] as const;

/** `1.9.0`, `>=1.5.0`, `<2.0.0`, `=1.8.2`: dbt's VersionSpecifier (a full major.minor.patch is required). */
const SPECIFIER = /^\s*(>=|<=|>|<|=)?\s*v?(\d+)\.(\d+)\.(\d+)(?:-?([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/;

type Version = { major: number; minor: number; patch: number; prerelease: string | undefined };

function parseVersion(text: string): Version {
  const m = SPECIFIER.exec(text)!;
  return { major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), prerelease: m[5] };
}

/** Compare like semver: a prerelease sorts before its release. */
function compare(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] - b[k];
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** Whether `version` satisfies every constraint (dbt: each list entry, and each comma-separated part). */
export function satisfiesDbtVersion(version: string, constraints: readonly string[]): boolean {
  const v = parseVersion(version);
  return constraints.every((c) => {
    const m = SPECIFIER.exec(c)!;
    const cmp = compare(v, parseVersion(c));
    switch (m[1] ?? '=') {
      case '>=':
        return cmp >= 0;
      case '>':
        return cmp > 0;
      case '<=':
        return cmp <= 0;
      case '<':
        return cmp < 0;
      default:
        return cmp === 0;
    }
  });
}

/**
 * `require-dbt-version: ">=1.5.0"` or `[">=1.5.0", "<2.0.0"]`: an error, as in dbt, when the
 * constraints exclude DBT_COMPATIBLE_VERSION (dbt's `--no-version-check` is `check: false`).
 */
export function checkRequiredDbtVersion(value: unknown, projectName: string, location: ErrorLocation, check = true): void {
  if (value === undefined || value === null) return;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.some((v) => typeof v !== 'string')) {
    throw new TsdbtError('project', '`require-dbt-version` must be a version constraint or a list of them', { location, hint: 'e.g. `require-dbt-version: [">=1.5.0", "<2.0.0"]`' });
  }
  const constraints = (list as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const bad = constraints.find((c) => !SPECIFIER.test(c));
  if (bad !== undefined) {
    throw new TsdbtError('project', `\`require-dbt-version\` has an invalid version \`${bad}\``, { location, hint: 'write a full version with an optional comparison: ">=1.5.0", "<2.0.0", "1.9.0"' });
  }
  if (!check || satisfiesDbtVersion(DBT_COMPATIBLE_VERSION, constraints)) return;
  throw new TsdbtError('project', `project \`${projectName}\` requires dbt ${constraints.join(', ')}; tsdbt is compatible with dbt ${DBT_COMPATIBLE_VERSION}`, {
    location,
    hint: `tsdbt follows dbt ${DBT_COMPATIBLE_VERSION}: widen \`require-dbt-version\` if the project works with it, or skip the check (dbt's --no-version-check)`,
  });
}

/** `flags:` must be a mapping; unknown flags are warnings (a typo would otherwise go unnoticed). */
export function readProjectFlags(value: unknown, diagnostics: Diagnostics, locate: (key: string) => ErrorLocation): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TsdbtError('project', '`flags:` must be a mapping of flag names to values', { location: locate(''), hint: 'e.g. `flags: {skip_nodes_if_on_run_start_fails: true}`' });
  const known = new Set<string>(KNOWN_PROJECT_FLAGS);
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const hint = didYouMean(key, known);
    diagnostics.warn(`unknown flag \`${key}\` in \`flags:\`${hint ? ` — ${hint}` : ''}; it is ignored`, locate(key));
  }
  return value as Record<string, unknown>;
}

/** Warn about `source-paths` / `data-paths` as dbt does (they are still read). */
export function warnDeprecatedKeys(raw: Record<string, unknown>, diagnostics: Diagnostics, locate: (key: string) => ErrorLocation): void {
  for (const [old, now] of Object.entries(DEPRECATED_PROJECT_KEYS)) {
    if (!(old in raw)) continue;
    const both = now in raw ? ` (\`${now}\` is also set and wins)` : '';
    diagnostics.warn(`\`${old}\` is deprecated: it has been renamed to \`${now}\`${both}`, locate(old), `rename \`${old}:\` to \`${now}:\` in the project file`);
  }
}
