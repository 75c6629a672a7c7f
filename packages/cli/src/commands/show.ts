import { show, TsdbtError } from '@tsdbt/core';
import { EXIT_OK, guarded, load, type CommandEnv } from '../context.js';
import { formatTable } from '../table.js';

export function showCommand(env: CommandEnv, flags: { select?: string; inline?: string; limit?: string }): Promise<number> {
  return guarded(env, async () => {
    const limit = flags.limit === undefined ? 5 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < -1) throw new TsdbtError('usage', `--limit must be a whole number (-1 for all rows), got \`${flags.limit}\``);
    const project = await load(env);
    const result = await show(project, { select: flags.select, inline: flags.inline, limit, cache: env.flags.cache, onEvent: env.reporter.handle });
    if (env.reporter.json) {
      env.io.out(JSON.stringify({ event: 'show', columns: result.columns, rows: result.rows }));
    } else {
      env.io.out(formatTable(result.columns.map((c) => c.name), result.rows));
      env.io.out(env.reporter.color.dim(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${limit >= 0 && result.rows.length === limit ? ` (limit ${limit})` : ''}`));
    }
    return EXIT_OK;
  });
}
