import { show, TsdbtError } from '@tsdbt/core';
import { EXIT_OK, guarded, load, type CommandEnv } from '../context.js';
import { createReporter } from '../reporter.js';
import { formatCsv, formatShowJson, formatTable, withDecimalScale } from '../table.js';

export const SHOW_OUTPUTS = ['table', 'csv', 'json'] as const;

export function showCommand(env: CommandEnv, flags: { select?: string; inline?: string; limit?: string; output?: string }): Promise<number> {
  const output = flags.output ?? 'table';
  // csv and json are for files and pipes: stdout gets the data only, everything else goes to stderr.
  const data = output !== 'table';
  const io = env.io;
  const reporter = data ? createReporter(env.flags.logFormat === 'json' ? 'json' : 'text', false, { out: io.err, err: io.err, isTTY: false }) : env.reporter;
  return guarded({ ...env, reporter }, async () => {
    if (!(SHOW_OUTPUTS as readonly string[]).includes(output)) throw new TsdbtError('usage', `--output must be table, csv or json, got \`${output}\``);
    const limit = flags.limit === undefined ? 5 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < -1) throw new TsdbtError('usage', `--limit must be a whole number (-1 for all rows), got \`${flags.limit}\``);
    const project = await load(env);
    const result = await show(project, { select: flags.select, inline: flags.inline, limit, cache: env.flags.cache, onEvent: reporter.handle });
    const columns = result.columns.map((c) => c.name);
    const more = `more rows not shown: --limit N for more, --limit -1 for all`;
    if (output === 'csv') io.out(formatCsv(columns, withDecimalScale(result.columns, result.rows)));
    else if (output === 'json') io.out(formatShowJson(result.name, result.rows));
    else if (env.reporter.json) {
      io.out(JSON.stringify({ event: 'show', columns: result.columns, rows: result.rows, truncated: result.truncated }));
    } else {
      io.out(formatTable(columns, withDecimalScale(result.columns, result.rows)));
      io.out(env.reporter.color.dim(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ` (limit ${limit}; ${more})` : ''}`));
    }
    if (data && result.truncated) reporter.info(`showing the first ${limit} row${limit === 1 ? '' : 's'}; ${more}`);
    return EXIT_OK;
  });
}
