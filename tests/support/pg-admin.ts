// Throwaway PostgreSQL databases for tests: one per warehouse, dropped after.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Create a fresh database; returns its name and a URL to it. */
export async function createTestDatabase(url: string, prefix = 'tsdbt_t'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(url, (c) => c.query(`create database "${name}"`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { name, url: u.toString() };
}

/** Drop a test database, disconnecting whoever is still on it. */
export async function dropTestDatabase(url: string, name: string): Promise<void> {
  await admin(url, (c) => c.query(`drop database if exists "${name}" with (force)`));
}

/** A TCP port nobody listens on right now (for a throwaway server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
