// Find the adapter for a target type: one the caller passed in, else the package `@tsdbt/<type>`.
import { TsdbtError } from '../errors.js';
import type { Adapter } from './types.js';

export async function resolveAdapter(type: string, provided: readonly Adapter[] = []): Promise<Adapter> {
  const given = provided.find((a) => a.type === type);
  if (given) return given;
  const pkg = `@tsdbt/${type}`;
  let mod: { default?: Adapter; adapter?: Adapter };
  try {
    mod = (await import(pkg)) as typeof mod;
  } catch (e) {
    const code = (e as { code?: string }).code;
    // Only when the adapter package itself is missing; a broken dependency inside it is a real error.
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (e as Error).message.includes(`'${pkg}'`)) {
      throw new TsdbtError('profile', `no adapter for target type \`${type}\``, { hint: `install it with \`npm install ${pkg}\`` });
    }
    throw e;
  }
  const adapter = mod.default ?? mod.adapter;
  if (!adapter || adapter.type !== type) throw new TsdbtError('profile', `${pkg} does not export an adapter for \`${type}\` as its default export`);
  return adapter;
}
