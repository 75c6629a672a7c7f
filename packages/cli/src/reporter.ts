// Terminal rendering of core's event stream: text (with a live progress line on a TTY) or JSON lines.
import path from 'node:path';
import pc from 'picocolors';
import type { Diagnostic, NodeResult, RunEvent, SourceFreshnessResult } from '@tsdbt/core';

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
}

export interface Reporter {
  handle(event: RunEvent): void;
  /** Print a user-facing error (no stack). */
  error(text: string): void;
  info(text: string): void;
  json: boolean;
  color: ReturnType<typeof pc.createColors>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function createReporter(format: 'text' | 'json', useColor: boolean, io: Output): Reporter {
  const c = pc.createColors(useColor);
  if (format === 'json') {
    const line = (obj: Record<string, unknown>) => io.out(JSON.stringify({ ts: new Date().toISOString(), ...obj }));
    return {
      json: true,
      color: c,
      handle: (e) => line({ event: e.type, ...e }),
      error: (text) => line({ event: 'error', level: 'error', message: text }),
      info: (text) => line({ event: 'info', level: 'info', message: text }),
    };
  }
  const running = new Set<string>();
  let progress = '';
  let finished = 0;
  let total = 0;
  const clearProgress = () => {
    if (io.isTTY && progress) process.stdout.write('\r\x1b[K');
  };
  const drawProgress = () => {
    if (!io.isTTY || total === 0) return;
    const names = [...running].slice(0, 3).join(', ') + (running.size > 3 ? ` +${running.size - 3}` : '');
    progress = c.dim(`  [${finished}/${total}] ${running.size ? `running ${names}` : ''}`);
    process.stdout.write(`\r\x1b[K${progress.slice(0, (process.stdout.columns ?? 100) + 20)}`);
  };
  const print = (text: string) => {
    clearProgress();
    io.out(text);
    drawProgress();
  };
  const status = (r: NodeResult) =>
    r.status === 'success' ? c.green('OK   ') : r.status === 'pass' ? c.green('PASS ') : r.status === 'warn' ? c.yellow('WARN ') : r.status === 'fail' ? c.red('FAIL ') : r.status === 'error' ? c.red('ERROR') : c.yellow('SKIP ');
  const freshnessStatus = (r: SourceFreshnessResult) =>
    r.status === 'pass' ? c.green('PASS') : r.status === 'warn' ? c.yellow('WARN') : r.status === 'error' ? c.red('ERROR STALE') : c.red('ERROR');
  const diag = (d: Diagnostic) => {
    const where = d.location ? `${d.location.file}${d.location.line ? `:${d.location.line}` : ''}${d.location.column ? `:${d.location.column}` : ''}: ` : '';
    return `${c.yellow('warning')} ${where}${d.message}${d.hint ? `\n  ${c.dim(d.hint)}` : ''}`;
  };
  return {
    json: false,
    color: c,
    error: (text) => {
      clearProgress();
      io.err(`${c.red(c.bold('error'))} ${text}`);
    },
    info: (text) => print(text),
    handle(e) {
      switch (e.type) {
        case 'diagnostic':
          clearProgress();
          io.err(diag(e.diagnostic));
          break;
        case 'log':
          if (e.level !== 'debug') print(`  ${c.dim(e.message)}`);
          break;
        case 'run_started':
          total = e.total;
          print(c.dim(`Found ${plural(e.project.models, 'model')}, ${plural(e.project.sources, 'source')}, ${plural(e.project.macros, 'macro')}`));
          if (e.total === 0) print(`Nothing to run: the selection matched no ${e.command === 'run' ? 'models' : 'nodes'}`);
          else print(`Running ${plural(e.total, e.command === 'run' ? 'model' : 'node')} on target ${c.bold(e.target)} (${e.adapter}) with ${plural(e.threads, 'thread')}`);
          break;
        case 'node_started':
          running.add(e.name);
          drawProgress();
          break;
        case 'node_finished': {
          const r = e.result;
          running.delete(r.name);
          finished++;
          const n = String(e.index).padStart(String(e.total).length);
          // Incremental models and snapshots change part of a table: their message says what (INSERT 16, SNAPSHOT …).
          const partial = r.status === 'success' && (r.materialization === 'incremental' || r.materialization === 'snapshot') && /^[A-Z]+ /.test(r.message);
          const rows =
            r.failures !== undefined && r.status !== 'pass'
              ? ` ${r.failures.toLocaleString('en-US')} failing ${r.failures === 1 ? 'row' : 'rows'}`
              : partial
                ? ` ${c.dim(r.message.split('\n')[0]!)}`
                : r.rowsAffected !== undefined
                ? ` ${r.rowsAffected.toLocaleString('en-US')} ${r.rowsAffected === 1 ? 'row' : 'rows'}`
                : '';
          const time = r.status === 'skipped' ? '' : c.dim(` ${r.executionTime.toFixed(2)}s`);
          const what = r.status === 'skipped' ? c.dim(r.message) : `${r.materialization.padEnd(9)} ${r.relationName ?? r.name}`;
          print(`  ${n} of ${e.total} ${status(r)} ${r.status === 'skipped' ? `${r.name} ${what}` : what}${rows}${time}`);
          break;
        }
        case 'freshness_started':
          total = e.total;
          finished = 0;
          if (e.total === 0) print(`Nothing to check: no selected source table has freshness (warn_after/error_after) and a loaded_at_field`);
          else print(`Checking freshness of ${plural(e.total, 'source table')} on target ${c.bold(e.target)} (${e.adapter}) with ${plural(e.threads, 'thread')}`);
          break;
        case 'freshness_table_started':
          running.add(`${e.sourceName}.${e.tableName}`);
          drawProgress();
          break;
        case 'freshness_checked': {
          const r = e.result;
          running.delete(`${r.sourceName}.${r.tableName}`);
          finished++;
          const n = String(e.index).padStart(String(e.total).length);
          const detail = r.status === 'runtime error' ? c.red((r.message ?? '').split('\n')[0]!) : r.message ?? '';
          print(`  ${n} of ${e.total} ${freshnessStatus(r)} freshness of ${r.sourceName}.${r.tableName} ${c.dim('…')} ${detail}${c.dim(` ${r.executionTime.toFixed(2)}s`)}`);
          break;
        }
        case 'freshness_finished': {
          running.clear();
          clearProgress();
          progress = '';
          for (const r of e.results.filter((x) => x.status === 'runtime error')) {
            io.out('');
            io.out(`${c.red('Failed')} freshness of ${c.bold(`${r.sourceName}.${r.tableName}`)} (${r.originalFilePath})`);
            for (const line of (r.message ?? '').split('\n')) io.out(`  ${line}`);
            if (r.sql) for (const line of r.sql.split('\n')) io.out(c.dim(`  ${line}`));
          }
          if (e.results.length === 0) break;
          io.out('');
          const count = (s: string) => e.results.filter((r) => r.status === s).length;
          const summary = `Finished ${plural(e.results.length, 'freshness check')} in ${e.elapsedSeconds.toFixed(2)}s: ${count('pass')} pass, ${count('warn')} warn, ${count('error')} error, ${count('runtime error')} runtime error`;
          io.out(e.ok ? (count('warn') ? c.yellow(summary) : c.green(summary)) : c.red(summary));
          if (e.path) {
            const rel = path.relative(process.cwd(), e.path);
            io.out(c.dim(`Wrote ${rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : e.path}`));
          }
          break;
        }
        case 'run_finished': {
          running.clear();
          clearProgress();
          progress = '';
          const count = (s: string) => e.results.filter((r) => r.status === s).length;
          const failed = e.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
          for (const r of failed) {
            io.out('');
            io.out(`${r.status === 'warn' ? c.yellow('Warning in') : c.red('Failed')} ${c.bold(r.name)} (${r.originalFilePath})`);
            for (const line of r.message.split('\n')) io.out(`  ${line}`);
            if (r.compiledPath) io.out(c.dim(`  compiled SQL: ${r.compiledPath}`));
          }
          if (e.results.length === 0) break;
          io.out('');
          const tests = count('pass') + count('fail') + count('warn');
          const testPart = tests ? `; tests: ${count('pass')} passed, ${count('warn')} warned, ${count('fail')} failed` : '';
          const summary = `Finished ${plural(e.results.length, 'node')} in ${e.elapsedSeconds.toFixed(2)}s: ${count('success')} ok, ${count('error')} failed, ${count('skipped')} skipped${testPart}`;
          io.out(e.success ? c.green(summary) : c.red(summary));
          break;
        }
      }
    },
  };
}
