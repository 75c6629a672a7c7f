import { build, run, seed, snapshot, test } from '@tsdbt/core';
import { EXIT_FAILURE, EXIT_OK, guarded, load, type CommandEnv } from '../context.js';

export interface RunFlags {
  select?: string[];
  exclude?: string[];
  failFast?: boolean;
  fullRefresh?: boolean;
  storeFailures?: boolean;
}

const COMMANDS = { run, build, seed, snapshot, test };

/** run, build, seed, snapshot and test share everything but the node kinds they execute. */
export function runCommand(env: CommandEnv, flags: RunFlags, command: keyof typeof COMMANDS = 'run'): Promise<number> {
  return guarded(env, async () => {
    const project = await load(env);
    const controller = new AbortController();
    const onSigint = () => {
      env.reporter.info('Interrupted: cancelling running statements (their transactions roll back) and scheduling nothing more');
      process.removeListener('SIGINT', onSigint);
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const result = await COMMANDS[command](project, { select: flags.select, exclude: flags.exclude, failFast: flags.failFast, fullRefresh: flags.fullRefresh, storeFailures: flags.storeFailures, signal: controller.signal, cache: env.flags.cache, onEvent: env.reporter.handle });
      return result.success ? EXIT_OK : EXIT_FAILURE;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  });
}
