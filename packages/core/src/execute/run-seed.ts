// Seeds: load a CSV through the warehouse's bulk path into a temp table, then swap. (Filled in by the seeds work.)
import type { NodeHandler } from './node-handler.js';

export const runSeed: NodeHandler = async (node) => ({ status: 'error', message: `seeds are not supported yet (${node.name})` });
