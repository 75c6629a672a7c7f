// Seeded randomness for the FineFinance generator: one mulberry32 stream per purpose, so that the
// same seed (and, for appendDay, the same database state) always gives the same rows.

/** @param {number} seed @returns {() => number} uniform in [0, 1) */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed mixed from integers (murmur3's finaliser over each part). @param {...number} parts */
export function mixSeed(...parts) {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * @typedef {{
 *   next: () => number, int: (n: number) => number, between: (lo: number, hi: number) => number,
 *   uniform: (lo: number, hi: number) => number, chance: (p: number) => boolean, pick: <T>(items: readonly T[]) => T,
 *   poisson: (lambda: number) => number, gauss: () => number, shuffle: <T>(items: T[]) => T[]
 * }} Random
 */

/** @param {number} seed @returns {Random} */
export function createRandom(seed) {
  const next = mulberry32(seed);
  return {
    next,
    /** integer in [0, n) */
    int: (n) => Math.floor(next() * n),
    /** integer in [lo, hi] */
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    uniform: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    poisson(lambda) {
      if (lambda <= 0) return 0;
      if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.gauss()));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    gauss() {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}

/** Split `total` (integer cents) into `n` positive parts with exponential weights; every part ≥ `min`. */
export function splitAmount(rnd, total, n, min = 100) {
  if (n <= 0 || total <= 0) return [];
  n = Math.max(1, Math.min(n, Math.floor(total / min)));
  if (n <= 1) return [total];
  const w = Array.from({ length: n }, () => -Math.log(1 - rnd.next()) + 0.15);
  const sum = w.reduce((a, b) => a + b, 0);
  const spare = total - n * min;
  const parts = w.map((x) => min + Math.floor((spare * x) / sum));
  parts[0] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}
