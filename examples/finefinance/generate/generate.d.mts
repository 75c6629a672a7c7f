// Types for generate.mjs, the command line of the FineFinance generator.
export interface CliOptions {
  url: string;
  customers: number;
  months: number;
  seed: number;
  endDate: string;
  /** false with --no-reset */
  reset: boolean;
  /** --append: add the next day instead of generating the history */
  append: boolean;
  help: boolean;
}

/** Parse the command line (without node and the script); throws on an unknown or malformed flag. */
export declare function parseArgs(argv: string[]): CliOptions;
