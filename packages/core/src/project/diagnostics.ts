// Non-fatal findings (unknown config keys, unmatched selectors…), collected per operation.
import { TsdbtError, didYouMean, type ErrorLocation } from '../errors.js';

export interface Diagnostic {
  level: 'warn';
  message: string;
  location?: ErrorLocation | undefined;
  hint?: string | undefined;
}

const knownSets = new WeakMap<readonly string[], Set<string>>();

export class Diagnostics {
  readonly items: Diagnostic[] = [];
  constructor(private readonly strict = false) {}

  warn(message: string, location?: ErrorLocation, hint?: string): void {
    if (this.strict) throw new TsdbtError('config', message, { location, hint: hint ? `${hint} (an error because of --strict)` : '(an error because of --strict)' });
    this.items.push({ level: 'warn', message, location, hint });
  }

  /** Warn about each key not in `known`, suggesting the closest known key. */
  unknownKeys(keys: Iterable<string>, known: readonly string[], what: string, locate: (key: string) => ErrorLocation | undefined): void {
    let knownSet = knownSets.get(known);
    if (!knownSet) knownSets.set(known, (knownSet = new Set(known)));
    for (const key of keys) {
      if (knownSet.has(key)) continue;
      const hint = didYouMean(key, knownSet);
      this.warn(`unknown ${what} \`${key}\`${hint ? ` — ${hint}` : ''}`, locate(key), hint ? undefined : `known keys: ${[...knownSet].slice(0, 12).join(', ')}…`);
    }
  }
}
