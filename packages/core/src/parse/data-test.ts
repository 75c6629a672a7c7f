// Generic tests from properties YAML, singular tests from test-paths, unit tests. (Filled in by the tests work.)
import type { ParseKindContext } from './kind-context.js';
import type { GraphNode, TestNode, UnitTestNode } from './nodes.js';
import type { SourceTableDef } from './properties.js';

export function parseDataTests(_ctx: ParseKindContext, _nodes: ReadonlyMap<string, GraphNode>, _sources: readonly SourceTableDef[]): Array<TestNode | UnitTestNode> {
  return [];
}
