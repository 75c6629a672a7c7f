// What every command shares: global flags → loadProject options, a reporter, error → exit code.
import { isTsdbtError, loadProject, type Project } from '@tsdbt/core';
import { createReporter, type Output, type Reporter } from './reporter.js';

export interface GlobalFlags {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  threads?: string;
  logFormat?: 'text' | 'json';
  color?: boolean;
  strict?: boolean;
  /** false with --no-cache */
  cache?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CommandEnv {
  flags: GlobalFlags;
  reporter: Reporter;
  io: Output;
}

export function commandEnv(flags: GlobalFlags, io: Output): CommandEnv {
  const useColor = flags.color !== false && io.isTTY && !process.env.NO_COLOR;
  return { flags, reporter: createReporter(flags.logFormat === 'json' ? 'json' : 'text', useColor, io), io };
}

export function threadsOf(flags: GlobalFlags): number | undefined {
  if (flags.threads === undefined) return undefined;
  const n = Number(flags.threads);
  return n;
}

export function load(env: CommandEnv): Promise<Project> {
  const f = env.flags;
  return loadProject({ projectDir: f.projectDir, profilesDir: f.profilesDir, target: f.target, vars: f.vars, threads: threadsOf(f), strict: f.strict, cache: f.cache });
}

/** Run a command body; user errors print one screen and give exit 2, anything else is a bug (with stack). */
export async function guarded(env: CommandEnv, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (isTsdbtError(e)) {
      env.reporter.error(e.format());
      return EXIT_USAGE;
    }
    env.reporter.error(`internal error — please report it:\n${(e as Error).stack ?? String(e)}`);
    return EXIT_USAGE;
  }
}
