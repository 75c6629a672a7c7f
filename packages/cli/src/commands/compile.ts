import path from 'node:path';
import { compile, parse } from '@tsdbt/core';
import { EXIT_OK, guarded, load, type CommandEnv } from '../context.js';

export function parseCommand(env: CommandEnv): Promise<number> {
  return guarded(env, async () => {
    const t0 = performance.now();
    const project = await load(env);
    const { parsed, manifestPath } = await parse(project, { cache: env.flags.cache, onEvent: env.reporter.handle });
    const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
    const count = (type: string) => [...parsed.nodes.values()].filter((n) => n.resourceType === type).length;
    const others = (
      [['seed', 'seed'], ['snapshot', 'snapshot'], ['test', 'data test'], ['unit_test', 'unit test']] as const
    ).flatMap(([type, label]) => (count(type) ? [n(count(type), label)] : []));
    env.reporter.info(`Parsed ${[n(count('model'), 'model'), ...others, n(count('source'), 'source')].join(', ')}, ${n(parsed.macros.size, 'macro')} in ${((performance.now() - t0) / 1000).toFixed(2)}s → ${path.relative(process.cwd(), manifestPath)}`);
    return EXIT_OK;
  });
}

export function compileCommand(env: CommandEnv, flags: { select?: string[]; exclude?: string[] }): Promise<number> {
  return guarded(env, async () => {
    const t0 = performance.now();
    const project = await load(env);
    const result = await compile(project, { select: flags.select, exclude: flags.exclude, cache: env.flags.cache, onEvent: env.reporter.handle });
    const dir = path.join(project.config.targetPath, 'compiled', project.config.name);
    env.reporter.info(`Compiled ${result.models.length} model${result.models.length === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(2)}s → ${dir}`);
    return EXIT_OK;
  });
}
