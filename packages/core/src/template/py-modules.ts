// Minimal `modules.datetime` and `modules.re` for dbt templates. Naive datetimes keep wall-clock
// fields in a UTC-based epoch so arithmetic never crosses DST rules.
import { jinjaFunction } from './jinja-function.js';
import { pyStr } from './py.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class PyTimedelta {
  /** Whole duration in microseconds. */
  constructor(readonly micros: number) {}
  get days(): number {
    return Math.floor(this.micros / 86_400e6);
  }
  get seconds(): number {
    return Math.floor((this.micros - this.days * 86_400e6) / 1e6);
  }
  get microseconds(): number {
    return this.micros - this.days * 86_400e6 - this.seconds * 1e6;
  }
  total_seconds(): number {
    return this.micros / 1e6;
  }
  __add__(o: unknown): unknown {
    if (o instanceof PyTimedelta) return new PyTimedelta(this.micros + o.micros);
    if (o instanceof PyDate) return o.__add__(this);
    return undefined;
  }
  __sub__(o: unknown): unknown {
    return o instanceof PyTimedelta ? new PyTimedelta(this.micros - o.micros) : undefined;
  }
  toString(): string {
    const s = this.seconds;
    const us = this.microseconds;
    const hms = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${us ? `.${pad(us, 6)}` : ''}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${hms}` : hms;
  }
}

/** `datetime.date`; PyDateTime extends it (as in Python). */
export class PyDate {
  /** Microseconds since 1970-01-01T00:00 of the wall-clock fields. */
  constructor(readonly micros: number) {}
  protected get d(): Date {
    return new Date(Math.floor(this.micros / 1000));
  }
  get year(): number {
    return this.d.getUTCFullYear();
  }
  get month(): number {
    return this.d.getUTCMonth() + 1;
  }
  get day(): number {
    return this.d.getUTCDate();
  }
  weekday(): number {
    return (this.d.getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  protected make(micros: number): PyDate {
    return new PyDate(micros);
  }
  __add__(o: unknown): unknown {
    if (!(o instanceof PyTimedelta)) return undefined;
    // A date only moves by whole days.
    return this.make(this.micros + (this instanceof PyDateTime ? o.micros : o.days * 86_400e6));
  }
  __sub__(o: unknown): unknown {
    if (o instanceof PyTimedelta) return this.__add__(new PyTimedelta(-o.micros));
    if (o instanceof PyDate) return new PyTimedelta(this.micros - o.micros);
    return undefined;
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  strftime(fmt: unknown): string {
    const d = this.d;
    const us = ((this.micros % 1e6) + 1e6) % 1e6;
    return String(fmt).replace(/%([a-zA-Z%])/g, (m, c: string) => {
      switch (c) {
        case 'Y': return pad(d.getUTCFullYear(), 4);
        case 'y': return pad(d.getUTCFullYear() % 100);
        case 'm': return pad(d.getUTCMonth() + 1);
        case 'd': return pad(d.getUTCDate());
        case 'H': return pad(d.getUTCHours());
        case 'I': return pad(((d.getUTCHours() + 11) % 12) + 1);
        case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
        case 'M': return pad(d.getUTCMinutes());
        case 'S': return pad(d.getUTCSeconds());
        case 'f': return pad(us, 6);
        case 'j': return pad(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 864e5) + 1, 3);
        case 'A': return DAYS[this.weekday()] as string;
        case 'a': return (DAYS[this.weekday()] as string).slice(0, 3);
        case 'B': return MONTHS[d.getUTCMonth()] as string;
        case 'b': return (MONTHS[d.getUTCMonth()] as string).slice(0, 3);
        case 'w': return String(d.getUTCDay());
        case 'z': return '';
        case 'Z': return '';
        case '%': return '%';
        default: return m;
      }
    });
  }
  toString(): string {
    return this.isoformat();
  }
  valueOf(): number {
    return this.micros;
  }
}

export class PyDateTime extends PyDate {
  get hour(): number {
    return this.d.getUTCHours();
  }
  get minute(): number {
    return this.d.getUTCMinutes();
  }
  get second(): number {
    return this.d.getUTCSeconds();
  }
  get microsecond(): number {
    return ((this.micros % 1e6) + 1e6) % 1e6;
  }
  protected override make(micros: number): PyDate {
    return new PyDateTime(micros);
  }
  date(): PyDate {
    return new PyDate(Math.floor(this.micros / 86_400e6) * 86_400e6);
  }
  timestamp(): number {
    return this.micros / 1e6;
  }
  override isoformat(sep: unknown = 'T'): string {
    const us = this.microsecond;
    return `${super.isoformat()}${String(sep)}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${us ? `.${pad(us, 6)}` : ''}`;
  }
  override toString(): string {
    return this.isoformat(' ');
  }
}

function wallClockNow(utc: boolean): number {
  const now = new Date();
  if (utc) return now.getTime() * 1000;
  return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours(), now.getMinutes(), now.getSeconds(), now.getMilliseconds()) * 1000;
}

function fieldsToMicros(args: unknown[], kwargs: Record<string, unknown>, names: string[]): number {
  const v = (i: number, dflt: number) => Number(args[i] ?? kwargs[names[i] as string] ?? dflt);
  const ms = Date.UTC(v(0, 1970), v(1, 1) - 1, v(2, 1), v(3, 0), v(4, 0), v(5, 0));
  return ms * 1000 + v(6, 0);
}

function parseIso(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?/.exec(s.trim());
  if (!m) throw new Error(`Invalid isoformat string: '${s}'`);
  const n = (i: number) => Number(m[i] ?? 0);
  return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6)) * 1000 + Number((m[7] ?? '').padEnd(6, '0') || 0);
}

const DT_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];

function makeDatetimeModule(): Record<string, unknown> {
  const datetime = Object.assign(
    jinjaFunction((args, kwargs) => new PyDateTime(fieldsToMicros(args, kwargs, DT_FIELDS))),
    {
      now: () => new PyDateTime(wallClockNow(false)),
      utcnow: () => new PyDateTime(wallClockNow(true)),
      today: () => new PyDateTime(wallClockNow(false)),
      fromisoformat: (s: unknown) => new PyDateTime(parseIso(String(s))),
      fromtimestamp: (t: unknown) => {
        const d = new Date(Number(t) * 1000);
        return new PyDateTime(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()) * 1000);
      },
      utcfromtimestamp: (t: unknown) => new PyDateTime(Number(t) * 1e6),
    },
  );
  const date = Object.assign(
    jinjaFunction((args, kwargs) => new PyDate(fieldsToMicros(args.slice(0, 3), kwargs, DT_FIELDS.slice(0, 3)))),
    {
      today: () => new PyDate(Math.floor(wallClockNow(false) / 86_400e6) * 86_400e6),
      fromisoformat: (s: unknown) => new PyDate(parseIso(String(s))),
    },
  );
  const timedelta = jinjaFunction((args, kwargs) => {
    const f = (name: string, i: number) => Number(args[i] ?? kwargs[name] ?? 0);
    const micros = f('days', 0) * 86_400e6 + f('seconds', 1) * 1e6 + f('microseconds', 2) + f('milliseconds', 3) * 1e3 + f('minutes', 4) * 60e6 + f('hours', 5) * 3600e6 + f('weeks', 6) * 604_800e6;
    return new PyTimedelta(Math.round(micros));
  });
  return { datetime, date, timedelta };
}

// ---------- re ----------

const FLAG_I = 2;
const FLAG_M = 8;
const FLAG_S = 16;

export class PyMatch {
  constructor(private readonly m: RegExpExecArray) {}
  group(...which: unknown[]): unknown {
    const one = (g: unknown) => {
      const v = typeof g === 'string' ? this.m.groups?.[g] : this.m[Number(g ?? 0)];
      return v === undefined ? null : v;
    };
    return which.length <= 1 ? one(which[0]) : which.map(one);
  }
  groups(): unknown[] {
    return this.m.slice(1).map((g) => (g === undefined ? null : g));
  }
  groupdict(): Record<string, unknown> {
    return { ...(this.m.groups ?? {}) };
  }
  start(): number {
    return this.m.index;
  }
  end(): number {
    return this.m.index + this.m[0].length;
  }
  span(): number[] {
    return [this.start(), this.end()];
  }
  toString(): string {
    return `<re.Match object; span=(${this.start()}, ${this.end()}), match=${JSON.stringify(this.m[0])}>`;
  }
}

function toRegExp(pattern: unknown, flags: unknown, extra = ''): RegExp {
  const f = Number(flags ?? 0);
  let src = String(pattern instanceof RegExp ? pattern.source : pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  src = src.replace(/\\A/g, '^').replace(/\\Z/g, '$');
  return new RegExp(src, `${extra}${f & FLAG_I ? 'i' : ''}${f & FLAG_M ? 'm' : ''}${f & FLAG_S ? 's' : ''}`);
}

/** Python replacement template (`\1`, `\g<name>`) → JS (`$1`, `$<name>`). */
function toJsReplacement(repl: string): string {
  return repl.replace(/\$/g, '$$$$').replace(/\\g<(\w+)>/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`)).replace(/\\(\d{1,2})/g, '$$$1').replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
}

function makeReModule(): Record<string, unknown> {
  const search = (p: unknown, s: unknown, flags?: unknown) => {
    const m = toRegExp(p, flags).exec(pyStr(s));
    return m ? new PyMatch(m) : null;
  };
  const match = (p: unknown, s: unknown, flags?: unknown) => {
    const re = toRegExp(p, flags, 'y');
    re.lastIndex = 0;
    const m = re.exec(pyStr(s));
    return m ? new PyMatch(m) : null;
  };
  const fullmatch = (p: unknown, s: unknown, flags?: unknown) => {
    const re = toRegExp(`(?:${String(p)})$`, flags, 'y');
    const m = re.exec(pyStr(s));
    return m ? new PyMatch(m) : null;
  };
  const sub = jinjaFunction((args, kwargs) => {
    const [p, repl, s] = args;
    const count = Number(args[3] ?? kwargs['count'] ?? 0);
    const re = toRegExp(p, args[4] ?? kwargs['flags'], 'g');
    const r = typeof repl === 'function' ? (...m: unknown[]) => pyStr((repl as (x: unknown) => unknown)(new PyMatch(Object.assign([...m.slice(0, -2)], { index: m[m.length - 2] }) as unknown as RegExpExecArray))) : toJsReplacement(String(repl));
    const str = pyStr(s);
    if (count <= 0) return str.replace(re, r as string);
    let n = 0;
    return str.replace(re, (...m: unknown[]) => (n++ < count ? (m[0] as string).replace(toRegExp(p, args[4] ?? kwargs['flags']), r as string) : (m[0] as string)));
  });
  const findall = (p: unknown, s: unknown, flags?: unknown) => {
    const out: unknown[] = [];
    for (const m of pyStr(s).matchAll(toRegExp(p, flags, 'g'))) out.push(m.length === 1 ? m[0] : m.length === 2 ? m[1] ?? '' : m.slice(1).map((g) => g ?? ''));
    return out;
  };
  const split = (p: unknown, s: unknown) => pyStr(s).split(toRegExp(p, 0));
  const compile = (p: unknown, flags?: unknown) => ({
    pattern: String(p),
    search: (s: unknown) => search(p, s, flags),
    match: (s: unknown) => match(p, s, flags),
    fullmatch: (s: unknown) => fullmatch(p, s, flags),
    sub: (repl: unknown, s: unknown, count?: unknown) => sub(p, repl, s, count ?? 0, flags ?? 0),
    findall: (s: unknown) => findall(p, s, flags),
    split: (s: unknown) => split(p, s),
  });
  const escape = (s: unknown) => pyStr(s).replace(/[.*+?^${}()|[\]\\\-/ ]/g, '\\$&');
  return { search, match, fullmatch, sub, findall, split, compile, escape, I: FLAG_I, IGNORECASE: FLAG_I, M: FLAG_M, MULTILINE: FLAG_M, S: FLAG_S, DOTALL: FLAG_S };
}

/** The `modules` namespace dbt exposes (datetime, re; itertools minimal). */
export function makeModules(): Record<string, unknown> {
  return {
    datetime: makeDatetimeModule(),
    re: makeReModule(),
    itertools: {
      chain: (...lists: unknown[]) => lists.flatMap((l) => (Array.isArray(l) ? l : [])),
    },
  };
}
