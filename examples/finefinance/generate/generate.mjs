#!/usr/bin/env node
// FineFinance source data on the command line (the library is finefinance-data.mjs):
//
//   node examples/finefinance/generate/generate.mjs [--url URL] [--customers N] [--months N] [--seed N] [--end-date YYYY-MM-DD]
//   node examples/finefinance/generate/generate.mjs --append [--url URL] [--seed N]
//
// A full generate drops and recreates schema app (and what depends on it) unless --no-reset.
// --append adds "today's" rows: the day after the last transaction.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appendDay, DEFAULTS, generate } from './finefinance-data.mjs';

const USAGE = `usage: generate.mjs [--url URL] [--customers N (${DEFAULTS.customers})] [--months N (${DEFAULTS.months})] [--seed N (${DEFAULTS.seed})]
                   [--end-date YYYY-MM-DD (${DEFAULTS.endDate})] [--no-reset]
       generate.mjs --append [--url URL] [--seed N]
URL defaults to $FINEFINANCE_PG_URL, else postgres://postgres@127.0.0.1:5432/finefinance (created when missing).`;

/** @param {string[]} argv */
export function parseArgs(argv) {
  const opts = {
    url: process.env['FINEFINANCE_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/finefinance',
    customers: DEFAULTS.customers, months: DEFAULTS.months, seed: DEFAULTS.seed, endDate: DEFAULTS.endDate,
    reset: true, append: false, help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const integer = () => {
      const v = value();
      if (!/^[0-9]+$/.test(v)) throw new Error(`${flag} must be a non-negative integer, got "${v}"`);
      return Number(v);
    };
    if (flag === '--url') opts.url = value();
    else if (flag === '--customers') opts.customers = integer();
    else if (flag === '--months') opts.months = integer();
    else if (flag === '--seed') opts.seed = integer();
    else if (flag === '--end-date') opts.endDate = value();
    else if (flag === '--no-reset') opts.reset = false;
    else if (flag === '--append') opts.append = true;
    else if (flag === '-h' || flag === '--help') opts.help = true;
    else throw new Error(`unknown argument ${argv[i]} (try --help)`);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.help) console.log(USAGE);
    else {
      const onProgress = (/** @type {string} */ m) => console.log(m);
      const stats = opts.append
        ? await appendDay({ url: opts.url, seed: opts.seed, onProgress })
        : await generate({ url: opts.url, customers: opts.customers, months: opts.months, seed: opts.seed, endDate: opts.endDate, reset: opts.reset, onProgress });
      console.log(`done in ${stats.seconds.toFixed(1)}s`);
    }
  } catch (e) {
    console.error(`error: ${/** @type {Error} */ (e).message}`);
    process.exitCode = 2;
  }
}
