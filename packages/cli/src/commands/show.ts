import { show } from '@tsdbt/core';
import { EXIT_OK, guarded, load, type CommandEnv } from '../context.js';
import { formatTable } from '../table.js';

export function showCommand(env: CommandEnv, flags: { select?: string; inline?: string; limit?: string }): Promise<number> {
  return guarded(env, async () => {
    const project = await load(env);
    const limit = flags.limit === undefined ? 5 : Number(flags.limit);
    const result = await show(project, { select: flags.select, inline: flags.inline, limit, onEvent: env.reporter.handle });
    if (env.reporter.json) {
      env.io.out(JSON.stringify({ event: 'show', columns: result.columns, rows: result.rows }));
    } else {
      env.io.out(formatTable(result.columns.map((c) => c.name), result.rows));
      env.io.out(env.reporter.color.dim(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${limit >= 0 && result.rows.length === limit ? ` (limit ${limit})` : ''}`));
    }
    return EXIT_OK;
  });
}
