import path from 'node:path';
import { sourceFreshness } from '@tsdbt/core';
import { EXIT_FAILURE, EXIT_OK, guarded, load, threadsOf, type CommandEnv } from '../context.js';

export interface FreshnessFlags {
  select?: string[];
  exclude?: string[];
  /** Path of sources.json, relative to the current folder. */
  output?: string;
}

/** `tsdbt source freshness`: exit 1 when a table is stale past error_after or could not be checked. */
export function sourceFreshnessCommand(env: CommandEnv, flags: FreshnessFlags): Promise<number> {
  return guarded(env, async () => {
    const project = await load(env);
    const controller = new AbortController();
    const onSigint = () => {
      env.reporter.info('Interrupted: cancelling the running freshness queries');
      process.removeListener('SIGINT', onSigint);
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const result = await sourceFreshness(project, {
        select: flags.select,
        exclude: flags.exclude,
        threads: threadsOf(env.flags),
        outputPath: flags.output === undefined ? undefined : path.resolve(flags.output),
        signal: controller.signal,
        cache: env.flags.cache,
        onEvent: env.reporter.handle,
      });
      return result.ok ? EXIT_OK : EXIT_FAILURE;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  });
}
