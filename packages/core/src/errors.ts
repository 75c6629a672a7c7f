// User-facing errors: what went wrong, where, and what to do about it. Never a stack trace.
import { distance } from 'fastest-levenshtein';

export type ErrorKind = 'project' | 'config' | 'yaml' | 'template' | 'ref' | 'cycle' | 'selector' | 'profile' | 'usage' | 'database';

export interface ErrorLocation {
  /** Path relative to the project dir where possible. */
  file: string;
  line?: number | undefined;
  column?: number | undefined;
}

export interface TsdbtErrorOptions {
  location?: ErrorLocation | undefined;
  hint?: string | undefined;
  cause?: unknown;
}

/** An error caused by the user's project, input or environment; the CLI prints it without a stack and exits 2. */
export class TsdbtError extends Error {
  readonly kind: ErrorKind;
  readonly location: ErrorLocation | undefined;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: TsdbtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TsdbtError';
    this.kind = kind;
    this.location = options.location;
    this.hint = options.hint;
  }

  /** One screen: `file:line:col: message` then the hint. */
  format(): string {
    const loc = this.location;
    const where = loc ? `${loc.file}${loc.line ? `:${loc.line}${loc.column ? `:${loc.column}` : ''}` : ''}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  ${this.hint}` : ''}`;
  }
}

export function isTsdbtError(e: unknown): e is TsdbtError {
  return e instanceof TsdbtError;
}

/** Closest candidates by edit distance (case-insensitive), best first. */
export function closestNames(wanted: string, candidates: Iterable<string>, max = 3): string[] {
  const w = wanted.toLowerCase();
  const limit = w.length <= 3 ? 1 : Math.max(2, Math.floor(w.length / 4));
  const scored: Array<[string, number]> = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = distance(w, lc);
    if (d <= limit || (w.length >= 4 && (lc.includes(w) || w.includes(lc)))) scored.push([c, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  // Only names about as close as the best one: a far second guess is noise.
  const best = scored[0]?.[1] ?? 0;
  return [...new Set(scored.filter((s) => s[1] <= best + 1).map((s) => s[0]))].slice(0, max);
}

/** "did you mean `a` or `b`?" or undefined when nothing is close. */
export function didYouMean(wanted: string, candidates: Iterable<string>): string | undefined {
  const names = closestNames(wanted, candidates);
  if (names.length === 0) return undefined;
  return `did you mean ${names.map((n) => `\`${n}\``).join(' or ')}?`;
}
