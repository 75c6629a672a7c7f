// The seed benches' CSV: 10 columns of mixed types, deterministic, written in 1 MB chunks.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['placed', 'shipped', 'completed', 'returned', 'cancelled'];
const CITIES = ['Amsterdam', 'Berlin', 'Lisbon', 'Oslo', 'Paris', 'Rome', 'Vienna', 'Warsaw', 'Madrid', 'Dublin', 'Porto', 'Ghent'];
export const HEADER = 'order_id,customer_id,order_date,status,amount,quantity,discount,is_gift,city,sku';

/** Dates from integers (no Date objects per row): days since 2021-01-01 over 4 years of 12×28-day months. */
export async function generateCsv(file, rows) {
  mkdirSync(path.dirname(file), { recursive: true });
  const rnd = mulberry32(20240101);
  const pad = (n) => (n < 10 ? `0${n}` : `${n}`);
  const stream = createWriteStream(file);
  let buf = `${HEADER}\n`;
  for (let i = 1; i <= rows; i++) {
    const day = Math.floor(rnd() * 1344);
    const date = `${2021 + Math.floor(day / 336)}-${pad(1 + (Math.floor(day / 28) % 12))}-${pad(1 + (day % 28))}`;
    buf += `${i},${1 + Math.floor(rnd() * 50_000)},${date},${STATUSES[Math.floor(rnd() * STATUSES.length)]},${(rnd() * 1000).toFixed(2)},${1 + Math.floor(rnd() * 10)},${(rnd() * 0.3).toFixed(3)},${rnd() < 0.1 ? 'true' : 'false'},${CITIES[Math.floor(rnd() * CITIES.length)]},SKU-${Math.floor(rnd() * 100_000)}\n`;
    if (buf.length > 1 << 20) {
      if (!stream.write(buf)) await new Promise((r) => stream.once('drain', r));
      buf = '';
    }
  }
  await new Promise((resolve, reject) => stream.end(buf, (e) => (e ? reject(e) : resolve())));
}
