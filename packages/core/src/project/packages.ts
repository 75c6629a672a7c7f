// packages.yml / dependencies.yml: tsdbt downloads nothing. dbt_utils resolves to the bundled
// library; any other package is an error naming it, at its line, with what to do instead.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TsdbtError } from '../errors.js';
import { parseYamlFile, yamlPosition } from './yaml-file.js';

export interface PackageSpec {
  /** What the entry names: `dbt-labs/dbt_utils`, a git URL, a local path … */
  source: string;
  /** The package tsdbt provides for it. */
  resolvedTo: 'dbt_utils';
}

/** Hub names and git repositories that are dbt_utils. */
const DBT_UTILS = [/^(dbt-labs|fishtown-analytics)\/dbt_utils$/i, /github\.com[/:](dbt-labs|fishtown-analytics)\/dbt-utils(\.git)?\/?$/i];

function describe(entry: Record<string, unknown>): string {
  for (const key of ['package', 'git', 'local', 'tarball', 'private', 'name']) {
    if (typeof entry[key] === 'string') return `${key}: ${entry[key] as string}`;
  }
  return JSON.stringify(entry);
}

/**
 * Read packages.yml and dependencies.yml (when present): each entry must be one tsdbt bundles.
 * Returns what they resolve to; throws on the first entry it cannot resolve offline.
 */
export function readPackageSpecs(projectDir: string): PackageSpec[] {
  const out: PackageSpec[] = [];
  for (const file of ['packages.yml', 'dependencies.yml']) {
    const full = path.join(projectDir, file);
    if (!existsSync(full)) continue;
    const yaml = parseYamlFile(file, readFileSync(full, 'utf8'));
    const root = yaml.value as Record<string, unknown> | null;
    if (root === null) continue;
    const at = (p: Array<string | number>) => ({ file, ...yamlPosition(yaml, p) });
    if (typeof root !== 'object' || Array.isArray(root)) throw new TsdbtError('yaml', `${file} must be a mapping with \`packages:\``, { location: { file } });
    const projects = root['projects'];
    if (Array.isArray(projects) && projects.length > 0) {
      const name = (projects[0] as Record<string, unknown>)?.['name'];
      throw new TsdbtError('project', `${file}: cross-project dependency \`${String(name)}\` is not supported by tsdbt`, {
        location: at(['projects', 0]),
        hint: 'remove the `projects:` entry (tsdbt builds one project at a time)',
      });
    }
    const packages = root['packages'];
    if (packages === undefined || packages === null) continue;
    if (!Array.isArray(packages)) throw new TsdbtError('yaml', `${file}: \`packages:\` must be a list`, { location: at(['packages']) });
    packages.forEach((raw, i) => {
      const entry = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const source = String(entry['package'] ?? entry['git'] ?? '');
      if (DBT_UTILS.some((re) => re.test(source))) {
        out.push({ source, resolvedTo: 'dbt_utils' });
        return;
      }
      throw new TsdbtError('project', `${file}: package \`${describe(entry)}\` cannot be resolved: tsdbt downloads no packages and bundles only dbt_utils`, {
        location: at(['packages', i]),
        hint: "remove the entry, or vendor the package's macros into a folder listed in `macro-paths` (e.g. macros/<package>/) and call them without the package prefix",
      });
    });
  }
  return out;
}
