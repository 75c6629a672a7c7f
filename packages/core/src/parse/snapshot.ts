// snapshots/*.sql ({% snapshot %} blocks) and YAML snapshots → SnapshotNode. (Filled in by the snapshots work.)
import type { ParseKindContext } from './kind-context.js';
import type { SnapshotNode } from './nodes.js';

export function parseSnapshots(_ctx: ParseKindContext): SnapshotNode[] {
  return [];
}
