// seeds/**/*.csv → SeedNode. The CSV itself is not read here (it may be large): its columns and
// types are the warehouse's business when it is loaded (execute/run-seed.ts).
import { TsdbtError, didYouMean } from '../errors.js';
import { yamlPosition } from '../project/yaml-file.js';
import { finalizeConfig, folderConfigFor, mergeConfig, validateFolderTree, type RawConfig } from './config.js';
import type { ParseKindContext } from './kind-context.js';
import type { SeedNode } from './nodes.js';
import { locateEntry, type NodePatch } from './properties.js';

export function parseSeeds(ctx: ParseKindContext): SeedNode[] {
  const { project, diagnostics: d } = ctx;
  const projectName = project.config.name;
  validateFolderTree(project.config.folderConfig.seeds, d, (p) => ({ file: project.projectFile, ...yamlPosition(project.projectYaml, ['seeds', ...p]) }));

  const patches = new Map<string, NodePatch>();
  for (const p of ctx.patches) {
    if (p.kind !== 'seeds') continue;
    const prev = patches.get(p.name);
    if (prev) throw new TsdbtError('yaml', `seed \`${p.name}\` is described twice: in ${prev.file} and ${p.file}`, { location: { file: p.file, ...locateEntry(project.files.properties, p) }, hint: 'keep one properties entry per seed' });
    patches.set(p.name, p);
  }

  const seeds: SeedNode[] = [];
  const byName = new Map<string, SeedNode>();
  for (const file of project.files.seeds) {
    const parts = file.pathInFolder.split('/');
    const name = parts.pop()!.replace(/\.csv$/, '');
    const fqn = [projectName, ...parts, name];
    const patch = patches.get(name);
    let raw: RawConfig = folderConfigFor(project.config.folderConfig.seeds, fqn);
    if (patch) raw = mergeConfig(raw, patch.config);
    // dbt's seed defaults; a seed is always materialized as a seed.
    const config = finalizeConfig({ delimiter: ',', column_types: {}, ...raw, materialized: 'seed' }, { materialized: 'seed' });
    const node: SeedNode = {
      uniqueId: `seed.${projectName}.${name}`,
      resourceType: 'seed',
      name,
      packageName: projectName,
      originalFilePath: file.relPath,
      path: file.pathInFolder,
      fqn,
      description: patch?.description ?? '',
      columns: patch?.columns ?? {},
      config,
      tags: config.tags,
      patchPath: patch?.file,
      checksum: file.checksum,
      absPath: file.absPath,
    };
    const dup = byName.get(name);
    if (dup && dup.config.enabled && config.enabled) {
      throw new TsdbtError('project', `two seeds are named \`${name}\`: ${dup.originalFilePath} and ${node.originalFilePath}`, {
        location: { file: node.originalFilePath },
        hint: 'seed names must be unique across the project (the file name without .csv); rename one file',
      });
    }
    if (!dup || config.enabled) byName.set(name, node);
    seeds.push(node);
  }
  for (const p of patches.values()) {
    if (!byName.has(p.name)) {
      const hint = didYouMean(p.name, byName.keys());
      d.warn(`properties describe seed \`${p.name}\`, but there is no ${project.config.seedPaths[0] ?? 'seeds'}/**/${p.name}.csv`, { file: p.file, ...locateEntry(project.files.properties, p) }, hint);
    }
  }
  return seeds;
}
