// seeds/**/*.csv → SeedNode. (Filled in by the seeds work.)
import type { ParseKindContext } from './kind-context.js';
import type { SeedNode } from './nodes.js';

export function parseSeeds(_ctx: ParseKindContext): SeedNode[] {
  return [];
}
