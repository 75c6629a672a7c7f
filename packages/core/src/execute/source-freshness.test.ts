import { describe, expect, it } from 'vitest';
import { formatAge, freshnessAge, freshnessStatus, parseWhen } from './source-freshness.js';

describe('freshness age', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);

  it('reads timestamps, time-zoned timestamps and dates as both drivers return them', () => {
    expect(parseWhen('2026-01-10T12:00:00')).toEqual({ ms: now, zoned: false });
    expect(parseWhen('2026-01-10T12:00:00.250000')).toEqual({ ms: now + 250, zoned: false });
    expect(parseWhen('2026-01-10T12:00:00Z')).toEqual({ ms: now, zoned: true });
    expect(parseWhen('2026-01-10 17:30:00+05:30')).toEqual({ ms: now, zoned: true });
    expect(parseWhen('2026-01-10')).toEqual({ ms: Date.UTC(2026, 0, 10), zoned: false });
    expect(parseWhen('0001-01-01T00:00:00Z')!.ms).toBe(-62135596800000);
    expect(parseWhen('yesterday')).toBeUndefined();
    expect(parseWhen(42)).toBeUndefined();
  });

  it('compares a wall-clock value with the warehouse clock, an instant with now', () => {
    expect(freshnessAge('2026-01-10T09:00:00', '2026-01-10T12:00:00', 0)).toEqual({ ageSeconds: 3 * 3600, maxLoadedAt: '2026-01-10T09:00:00', snapshottedAt: '2026-01-10T12:00:00' });
    // The session's wall clock may be any zone: only the difference counts.
    expect(freshnessAge('2026-01-10T14:30:00', '2026-01-10T17:30:00', 0)).toMatchObject({ ageSeconds: 3 * 3600 });
    expect(freshnessAge('2026-01-10T11:30:00Z', '2026-01-10T17:00:00', now)).toEqual({ ageSeconds: 1800, maxLoadedAt: '2026-01-10T11:30:00Z', snapshottedAt: '2026-01-10T12:00:00.000Z' });
    expect(freshnessAge('2026-01-09', '2026-01-10T06:00:00', 0)).toMatchObject({ ageSeconds: 30 * 3600 });
    expect(freshnessAge(null, '2026-01-10T12:00:00', 0)).toMatchObject({ maxLoadedAt: '0001-01-01T00:00:00Z' });
    expect(freshnessAge('abc', '2026-01-10T12:00:00', 0)).toEqual({ error: 'loaded_at_field gave `abc`, which is not a date or timestamp' });
  });

  it('error beats warn; a threshold is exceeded only when strictly older', () => {
    const criteria = { warnAfter: { count: 1, period: 'hour' as const }, errorAfter: { count: 1, period: 'day' as const } };
    expect(freshnessStatus(criteria, 3600)).toBe('pass');
    expect(freshnessStatus(criteria, 3601)).toBe('warn');
    expect(freshnessStatus(criteria, 86401)).toBe('error');
    expect(freshnessStatus({}, 1e9)).toBe('pass');
    expect([formatAge(42), formatAge(600), formatAge(3 * 3600 + 120), formatAge(2 * 86400 + 3600)]).toEqual(['42s', '10m', '3h 2m', '2d 1h']);
  });
});
