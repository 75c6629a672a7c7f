// debug, init, clean.
import path from 'node:path';
import { clean, debug, init } from '@tsdbt/core';
import { EXIT_FAILURE, EXIT_OK, guarded, load, type CommandEnv } from '../context.js';

export function debugCommand(env: CommandEnv): Promise<number> {
  return guarded(env, async () => {
    const project = await load(env);
    const report = await debug(project, { onEvent: env.reporter.handle });
    const c = env.reporter.color;
    if (env.reporter.json) env.io.out(JSON.stringify({ event: 'debug', ...report }));
    else {
      env.io.out(`project dir: ${report.projectDir}`);
      env.io.out(`target:`);
      for (const [k, v] of Object.entries(report.target)) env.io.out(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      for (const ch of report.checks) env.io.out(`${ch.ok ? c.green('OK   ') : c.red('FAIL ')} ${ch.name}: ${ch.detail}`);
      env.io.out(report.ok ? c.green('All checks passed') : c.red('Some checks failed'));
    }
    return report.ok ? EXIT_OK : EXIT_FAILURE;
  });
}

export function initCommand(env: CommandEnv, dir: string, flags: { name?: string }): Promise<number> {
  return guarded(env, async () => {
    const result = init(dir, { name: flags.name });
    const rel = path.relative(process.cwd(), result.projectDir) || '.';
    env.reporter.info(`Created project \`${result.name}\` in ${rel}:`);
    for (const f of result.files) env.reporter.info(`  ${f}`);
    env.reporter.info(`\nNext: npx tsdbt run --project-dir ${rel}`);
    return EXIT_OK;
  });
}

export function cleanCommand(env: CommandEnv): Promise<number> {
  return guarded(env, async () => {
    const project = await load(env);
    for (const p of clean(project)) env.reporter.info(`removed ${p}`);
    return EXIT_OK;
  });
}
