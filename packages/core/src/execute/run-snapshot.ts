// Snapshots: SCD Type 2 history in one transaction. (Filled in by the snapshots work.)
import type { NodeHandler } from './node-handler.js';

export const runSnapshot: NodeHandler = async (node) => ({ status: 'error', message: `snapshots are not supported yet (${node.name})` });
