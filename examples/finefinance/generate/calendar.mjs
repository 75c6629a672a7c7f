// Dates as integers: days since 1970-01-01 and seconds since the epoch (timestamps without time zone,
// read as UTC). Formatting goes through caches, never through Date objects in the hot loop.

export const DAY = 86_400;

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
export function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** @param {number} z days since 1970-01-01 @returns {[number, number, number]} year, month 1-12, day */
export function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** 'YYYY-MM-DD' → days since 1970-01-01, or an error naming `what`. */
export function parseDay(text, what = 'date') {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  if (!m) throw new Error(`${what} must be YYYY-MM-DD, got "${text}"`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = daysFromCivil(y, mo, d);
  const [y2, mo2, d2] = civilFromDays(day);
  if (y2 !== y || mo2 !== mo || d2 !== d) throw new Error(`${what} is not a calendar date: "${text}"`);
  return day;
}

/** Absolute month index (year·12 + month−1) of a day. */
export function monthOfDay(day) {
  const [y, m] = civilFromDays(day);
  return y * 12 + m - 1;
}

export function firstDayOfMonth(month) {
  return daysFromCivil(Math.floor(month / 12), (month % 12) + 1, 1);
}

export function lastDayOfMonth(month) {
  return firstDayOfMonth(month + 1) - 1;
}

export function dayOfMonth(day) {
  return civilFromDays(day)[2];
}

export const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
/** @type {Map<number, string>} */
const dayText = new Map();

/** days since 1970-01-01 → 'YYYY-MM-DD' */
export function formatDay(day) {
  let s = dayText.get(day);
  if (s === undefined) {
    const [y, m, d] = civilFromDays(day);
    s = `${y}-${PAD2[m]}-${PAD2[d]}`;
    dayText.set(day, s);
  }
  return s;
}

/** seconds since the epoch → 'YYYY-MM-DD HH:MM:SS' */
export function formatTimestamp(sec) {
  const day = Math.floor(sec / DAY);
  const s = sec - day * DAY;
  return `${formatDay(day)} ${PAD2[Math.floor(s / 3600)]}:${PAD2[Math.floor(s / 60) % 60]}:${PAD2[s % 60]}`;
}

