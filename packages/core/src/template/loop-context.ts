// Jinja's `loop` object: one per running `for`, advanced each iteration (so `{% set outer = loop %}`
// sees the outer loop move on, as in Jinja).

export class LoopContext {
  index0 = 0;
  index = 1;
  revindex = 0;
  revindex0 = 0;
  first = true;
  last = false;
  previtem: unknown = undefined;
  nextitem: unknown = undefined;
  readonly depth = 1;
  readonly depth0 = 0;
  private seen: unknown[] | undefined;

  constructor(
    private readonly items: unknown,
    readonly length: number,
  ) {}

  step(i: number): void {
    const n = this.length;
    this.index0 = i;
    this.index = i + 1;
    this.revindex = n - i;
    this.revindex0 = n - i - 1;
    this.first = i === 0;
    this.last = i === n - 1;
    const items = this.items;
    if (Array.isArray(items)) {
      this.previtem = i > 0 ? items[i - 1] : undefined;
      this.nextitem = i < n - 1 ? items[i + 1] : undefined;
    }
  }

  /** `loop.cycle('odd', 'even')`: the argument for this iteration. */
  cycle(...values: unknown[]): unknown {
    return values.length === 0 ? undefined : values[this.index0 % values.length];
  }

  /** `loop.changed(x)`: true on the first call and whenever the arguments differ from the last call. */
  changed(...values: unknown[]): boolean {
    const prev = this.seen;
    this.seen = values;
    if (prev === undefined || prev.length !== values.length) return true;
    return values.some((v, i) => JSON.stringify(v) !== JSON.stringify(prev[i]));
  }
}
