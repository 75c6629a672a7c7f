// Up to N connections, handed out one per running node.
import type { Connection, Driver } from '../adapter/types.js';

export class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Array<(c: Connection) => void> = [];
  private opening = 0;

  constructor(
    private readonly driver: Driver,
    private readonly size: number,
  ) {}

  async acquire(): Promise<Connection> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.all.size + this.opening < this.size) {
      this.opening++;
      try {
        const conn = await this.driver.connect();
        this.all.add(conn);
        return conn;
      } finally {
        this.opening--;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(conn: Connection): void {
    const next = this.waiting.shift();
    if (next) next(conn);
    else this.idle.push(conn);
  }

  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  /** Cancel whatever runs on every connection (Ctrl-C). */
  async cancelAll(): Promise<void> {
    await Promise.allSettled([...this.all].map((c) => c.cancel?.()));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.all].map((c) => c.close()));
    this.all.clear();
    this.idle.length = 0;
    await this.driver.close();
  }
}
