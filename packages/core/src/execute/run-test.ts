// Data tests and unit tests: count failing rows, apply severity and thresholds. (Filled in by the tests work.)
import type { NodeHandler } from './node-handler.js';

export const runTest: NodeHandler = async (node) => ({ status: 'error', message: `tests are not supported yet (${node.name})` });
export const runUnitTest: NodeHandler = async (node) => ({ status: 'error', message: `unit tests are not supported yet (${node.name})` });
