import { list, TsdbtError, type ResourceType } from '@tsdbt/core';
import { EXIT_OK, guarded, load, type CommandEnv } from '../context.js';

export interface LsFlags {
  select?: string[];
  exclude?: string[];
  resourceType?: string[];
  output?: string;
}

const TYPES: readonly string[] = ['model', 'source', 'seed', 'snapshot', 'test', 'unit_test', 'analysis', 'exposure', 'semantic_model', 'metric', 'saved_query'];

export function lsCommand(env: CommandEnv, flags: LsFlags): Promise<number> {
  return guarded(env, async () => {
    const output = flags.output ?? 'selector';
    if (!['selector', 'name', 'path', 'json'].includes(output)) throw new TsdbtError('usage', `--output must be one of selector, name, path, json (got \`${output}\`)`);
    const resourceTypes = flags.resourceType?.map((t) => {
      if (!TYPES.includes(t)) throw new TsdbtError('usage', `unknown --resource-type \`${t}\``, { hint: `use one of ${TYPES.join(', ')}` });
      return t as ResourceType;
    });
    const project = await load(env);
    const nodes = await list(project, { select: flags.select, exclude: flags.exclude, resourceTypes, cache: env.flags.cache, onEvent: env.reporter.handle });
    for (const n of nodes) {
      if (output === 'json') env.io.out(JSON.stringify({ unique_id: n.uniqueId, name: n.name, resource_type: n.resourceType, original_file_path: n.path, fqn: n.fqn, tags: n.tags, config: n.config, depends_on: { nodes: n.dependsOn } }));
      else env.io.out(output === 'name' ? n.name : output === 'path' ? n.path : n.selector);
    }
    return EXIT_OK;
  });
}
