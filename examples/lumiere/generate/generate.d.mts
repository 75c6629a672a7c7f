// Types for generate.mjs (plain ESM JavaScript, so that Node 20 runs it without a build step).
export interface GenerateOptions {
  rows?: number;
  seed?: number;
  /** Folder for raw_customers.csv, raw_payments.csv and injected_findings.csv. */
  out: string;
  log?: (message: string) => void;
}

export interface GenerateResult {
  rows: number;
  customers: number;
  duplicates: number;
  files: string[];
  seconds: number;
}

export declare const AS_OF: { year: number; month: number; day: number };
export declare const PLANS: ReadonlyArray<{ tier: string; cents: number; share: number; underCents: number; names: string[] }>;
export declare const GATEWAYS: ReadonlyArray<{ name: string; family: 'legacy' | 'modern'; share: number; failRate: number; unbilledRate: number; underRate: number; negativeRate: number; spellings: string[]; ok: string[]; fail: string[]; idPrefix: string; timeFormats: string[] }>;
export declare const TENURE_BANDS: ReadonlyArray<{ label: string; order: number; max: number; weight: number }>;
export declare const MAX_TENURE: number;
export declare function generate(options: GenerateOptions): Promise<GenerateResult>;
export declare function mulberry32(seed: number): () => number;
export declare function daysFromCivil(y: number, m: number, d: number): number;
export declare function civilFromDays(days: number): [number, number, number];
export declare function bandOf(tenureMonths: number): number;
export declare function meanTenureWeight(): number;
