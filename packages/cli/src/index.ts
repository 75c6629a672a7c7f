// tsdbt CLI: argument parsing and exit codes over @tsdbt/core. No business logic here.
import { Command, CommanderError, Option } from 'commander';
import { TSDBT_VERSION } from '@tsdbt/core';
import { commandEnv, EXIT_USAGE, type GlobalFlags } from './context.js';
import { compileCommand, parseCommand } from './commands/compile.js';
import { docsGenerateCommand, docsLineageCommand, docsServeCommand } from './commands/docs.js';
import { sourceFreshnessCommand } from './commands/freshness.js';
import { lsCommand } from './commands/ls.js';
import { cleanCommand, debugCommand, initCommand } from './commands/misc.js';
import { runCommand } from './commands/run.js';
import { showCommand } from './commands/show.js';
import type { Output } from './reporter.js';

const collect = (value: string, prev: string[] = []) => [...prev, value];

function selectionOptions(cmd: Command): Command {
  return cmd
    .option('-s, --select <selector...>', 'nodes to include (space = union, comma = intersection)')
    .option('--exclude <selector...>', 'nodes to leave out');
}

export async function main(argv: readonly string[], io: Output = { out: (l) => console.log(l), err: (l) => console.error(l), isTTY: Boolean(process.stdout.isTTY) }): Promise<number> {
  let exit = 0;
  const program = new Command('tsdbt')
    .description('Declarative SQL modeling: dbt semantics, TypeScript speed.')
    .version(TSDBT_VERSION, '-v, --version')
    .option('--project-dir <dir>', 'project folder (default: current folder)')
    .option('--profiles-dir <dir>', 'folder holding profiles.yml')
    .option('-t, --target <name>', 'target in the profile')
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{"start": "2024-01-01"}\'')
    .option('--threads <n>', 'models built at once (default 4)')
    .addOption(new Option('--log-format <format>', 'text or json (one event per line)').choices(['text', 'json']).default('text'))
    .option('--no-color', 'plain output')
    .option('--strict', 'unknown config keys are errors')
    .option('--no-cache', 'ignore and do not write the parse/compile caches in target/.tsdbt')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const env = (cmd: Command) => commandEnv(cmd.optsWithGlobals() as GlobalFlags, io);

  const executing = [
    ['run', 'build models in dependency order'],
    ['build', 'seeds, models, snapshots and tests in dependency order; tests gate what follows'],
    ['seed', 'load CSV seeds'],
    ['snapshot', 'record SCD Type 2 history'],
    ['test', 'run data tests and unit tests'],
  ] as const;
  for (const [name, description] of executing) {
    const cmd = selectionOptions(program.command(name).description(description)).option('-x, --fail-fast', 'stop scheduling at the first failure');
    if (name !== 'test' && name !== 'snapshot') cmd.option('--full-refresh', 'rebuild incremental models and seeds from scratch');
    if (name === 'test' || name === 'build') cmd.option('--store-failures', 'keep failing test rows in an audit schema');
    cmd.action(async (flags, c: Command) => void (exit = await runCommand(env(c), flags, name)));
  }
  program.command('parse').description('read the project and write target/manifest.json').action(async (_f, cmd: Command) => void (exit = await parseCommand(env(cmd))));
  selectionOptions(program.command('compile').description('render SQL to target/compiled/')).action(async (flags, cmd: Command) => void (exit = await compileCommand(env(cmd), flags)));
  selectionOptions(program.command('ls').alias('list').description('list nodes'))
    .option('--resource-type <type>', 'model, source … (repeatable)', collect)
    .option('-o, --output <format>', 'selector, name, path or json', 'selector')
    .action(async (flags, cmd: Command) => void (exit = await lsCommand(env(cmd), flags)));
  program
    .command('show')
    .description('preview rows of a model or of inline SQL')
    .option('-s, --select <model>', 'one model')
    .option('--inline <sql>', 'SQL (with Jinja) to run')
    .option('--limit <n>', 'rows to show (-1 for all)', '5')
    .addOption(new Option('-o, --output <format>', 'table, or csv/json on stdout alone (logs go to stderr)').choices(['table', 'csv', 'json']).default('table'))
    .action(async (flags, cmd: Command) => void (exit = await showCommand(env(cmd), flags)));
  const freshness = (cmd: Command) =>
    selectionOptions(cmd.description('check how recently source tables were loaded (warn_after/error_after); writes target/sources.json'))
      .option('-o, --output <path>', 'where to write sources.json (default target/sources.json)')
      .action(async (flags, c: Command) => void (exit = await sourceFreshnessCommand(env(c), flags)));
  freshness(program.command('source').description('commands on sources').command('freshness'));
  freshness(program.command('freshness'));
  program.command('debug').description('show the configuration and test the connection').action(async (_f, cmd: Command) => void (exit = await debugCommand(env(cmd))));
  program
    .command('init <dir>')
    .description('create a new project that runs on embedded DuckDB')
    .option('--name <name>', 'project name (default: folder name)')
    .action(async (dir: string, flags, cmd: Command) => void (exit = await initCommand(env(cmd), dir, flags)));
  const docs = program.command('docs').description('documentation site, catalog and lineage');
  docs.command('generate').description('write catalog.json, docs-data.json and a self-contained index.html to target/').action(async (_f, cmd: Command) => void (exit = await docsGenerateCommand(env(cmd))));
  docs
    .command('serve')
    .description('serve target/index.html locally (generates it first if missing)')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--host <host>', 'address to bind (default loopback only)', '127.0.0.1')
    .action(async (flags, cmd: Command) => void (exit = await docsServeCommand(env(cmd), flags)));
  selectionOptions(docs.command('lineage').description('print the lineage of the selected nodes as Mermaid, DOT or JSON'))
    .option('--resource-type <type>', 'model, source, seed, snapshot, test, unit_test (repeatable; default all but tests)', collect)
    .option('--format <format>', 'mermaid, dot or json', 'mermaid')
    .action(async (flags, cmd: Command) => void (exit = await docsLineageCommand(env(cmd), flags)));
  program.command('clean').description('remove target/ and other clean-targets').action(async (_f, cmd: Command) => void (exit = await cleanCommand(env(cmd))));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    throw e;
  }
  return exit;
}
