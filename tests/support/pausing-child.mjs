// A `tsdbt run` or `tsdbt snapshot` in a child process, for the kill tests: prints run events and
// each statement as JSON lines and, after running the first statement that matches PAUSE_AFTER (a
// regex), prints {"event":"paused"} and hangs inside the open transaction until it is killed.
// Runs against the warehouse in the project's profiles.yml (DuckDB or PostgreSQL).
// Usage: node pausing-child.mjs run|snapshot <projectDir> <select> <pauseAfterRegex>
import { loadProject, run, snapshot } from '../../packages/core/dist/index.js';
import { duckdbAdapter } from '../../packages/adapters/duckdb/dist/index.js';
import { postgresAdapter } from '../../packages/adapters/postgres/dist/index.js';

const [command, projectDir, select, pauseAfter] = process.argv.slice(2);
const commands = { run, snapshot };
const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const pause = new RegExp(pauseAfter, 'i');

// Either adapter, whichever the project's profile names: every statement is reported, and the run pauses after PAUSE_AFTER.
const pausing = (base) => ({
  ...base,
  createDriver(config, ctx) {
    const driver = base.createDriver(config, ctx);
    return {
      close: () => driver.close(),
      async connect() {
        const conn = await driver.connect();
        return {
          async execute(sql, params) {
            const result = await conn.execute(sql, params);
            emit({ event: 'statement', sql: sql.replace(/\s+/g, ' ').slice(0, 120) });
            if (pause.test(sql)) {
              emit({ event: 'paused' });
              setInterval(() => undefined, 1000); // keep the process (and its transaction) alive
              await new Promise(() => undefined);
            }
            return result;
          },
          async begin() {
            await conn.begin();
            emit({ event: 'statement', sql: 'BEGIN' });
          },
          commit: () => conn.commit(),
          rollback: () => conn.rollback(),
          cancel: () => conn.cancel?.(),
          close: () => conn.close(),
        };
      },
    };
  },
});

const project = await loadProject({ projectDir });
const result = await commands[command](project, { select, adapters: [pausing(duckdbAdapter), pausing(postgresAdapter)], onEvent: (e) => emit({ event: e.type, ...e }) });
emit({ event: 'done', success: result.success });
