// Types for main.mjs (plain ESM JavaScript, so that Node 20 runs it without a build step).
import type { Project, RunResult } from '@tsdbt/core';

export declare const PROJECT_DIR: string;
export declare const DEFAULT_ROWS: number;
export declare const DEFAULT_SEED: number;

/** The rows and seed the generated CSVs in `seedsDir` were made with; undefined when one is missing. */
export declare function generatedWith(seedsDir: string): { rows: number; seed: number } | undefined;

export interface Timings {
  /** Seconds spent generating, or null when the data was already there. */
  generate: number | null;
  /** Summed node execution times by kind (nodes run concurrently, so these overlap). */
  seed: number;
  models: number;
  snapshot: number;
  tests: number;
  /** Wall-clock seconds of the build, of the report queries, and of the whole job. */
  build: number;
  report: number;
  total: number;
  peakRssMb: number;
}

export interface MainOptions {
  projectDir?: string;
  rows?: number;
  seed?: number;
  log?: (line: string) => void;
  threads?: number;
}

export interface MainResult {
  success: boolean;
  result: RunResult;
  /** Rows of the gold tables behind the printed report: plans, gateways, families, retention, tenure. */
  report: Record<string, Record<string, unknown>[]>;
  timings: Timings;
  /** Whether the data was (re)generated, which also makes the build a full refresh. */
  regenerated: boolean;
  project: Project;
}

export declare function runMain(options?: MainOptions): Promise<MainResult>;
