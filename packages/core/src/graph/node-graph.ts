// The project DAG: graphology DirectedGraph keyed by uniqueId, edges parent → child.
import { DirectedGraph } from 'graphology';
import type { GraphNode } from '../parse/nodes.js';

export interface NodeAttributes {
  node: GraphNode;
}

export type NodeGraph = DirectedGraph<NodeAttributes>;

export function createNodeGraph(): NodeGraph {
  return new DirectedGraph<NodeAttributes>();
}
