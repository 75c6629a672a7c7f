import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../project/diagnostics.js';
import { hasFreshness, mergeFreshness, readFreshnessLayer, resolveFreshness } from './source-freshness.js';

const reader = (d = new Diagnostics()) => ({
  diagnostics: d,
  locate: () => undefined,
  fail: (path: string[], message: string): never => {
    throw new Error(`${path.join('.')}: ${message}`);
  },
});
const read = (v: unknown) => readFreshnessLayer(v, reader());
const resolve = (...levels: unknown[]) => resolveFreshness(mergeFreshness(levels.map(read)));

describe('source freshness config', () => {
  it('merges project < source < table key by key, inside a threshold too', () => {
    expect(resolve({ warn_after: { count: 1, period: 'hour' } }, { error_after: { count: 1, period: 'day' } }, { warn_after: { count: 6 }, filter: 'x > 1' })).toEqual({
      warn_after: { count: 6, period: 'hour' },
      error_after: { count: 1, period: 'day' },
      filter: 'x > 1',
    });
  });

  it('null turns freshness (or one threshold) off; a later level may set it again; absent keeps', () => {
    expect(resolve({ warn_after: { count: 1, period: 'hour' } }, null)).toBeNull();
    expect(resolve({ warn_after: { count: 1, period: 'hour' } }, null, { error_after: { count: 2, period: 'day' } })).toEqual({ error_after: { count: 2, period: 'day' } });
    expect(resolve({ warn_after: { count: 1, period: 'hour' }, error_after: { count: 2, period: 'day' } }, { warn_after: null })).toEqual({ error_after: { count: 2, period: 'day' } });
    expect(resolve(undefined, { warn_after: { count: 1, period: 'hour' } }, undefined)).toEqual({ warn_after: { count: 1, period: 'hour' } });
    expect(resolve(undefined, undefined)).toBeUndefined();
  });

  it('is checked only with a complete threshold and a loaded_at_field', () => {
    const f = resolve({ warn_after: { count: 1 } });
    expect(f).toEqual({});
    expect(hasFreshness({ freshness: f, loadedAtField: 'at' })).toBe(false);
    expect(hasFreshness({ freshness: { warn_after: { count: 1, period: 'hour' } } })).toBe(false);
    expect(hasFreshness({ freshness: { warn_after: { count: 1, period: 'hour' } }, loadedAtField: 'at' })).toBe(true);
  });

  it('warns about unknown keys with a suggestion and rejects bad values', () => {
    const d = new Diagnostics();
    readFreshnessLayer({ warn_afer: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day', perid: 'x' } }, reader(d));
    expect(d.items.map((i) => i.message)).toEqual(['unknown freshness key `warn_afer` — did you mean `warn_after`?', 'unknown error_after key `perid` — did you mean `period`?']);
    expect(() => read({ warn_after: { count: 1, period: 'week' } })).toThrow('warn_after.period: `warn_after.period` must be minute, hour or day, got `week`');
    expect(() => read({ warn_after: { count: -1, period: 'day' } })).toThrow(/whole number/);
    expect(() => read('daily')).toThrow(/must be a mapping/);
    expect(read({ warn_after: { count: '12', period: 'hours' } })).toEqual({ warn_after: { count: 12, period: 'hour' } });
  });
});
