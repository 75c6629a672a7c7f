// Renders that need the warehouse (run_query, statement, adapter.get_relation …): the glue between
// the Compiler and a connection. Every other model stays on the synchronous path; these are rendered
// by suspend-and-replay (see template/introspection.ts), each awaiting its own queries, so they never
// hold up the rest of the compile.
import type { Connection, Dialect, Introspector, RelationRef } from '../adapter/types.js';
import { buildManifest } from '../artifacts/manifest.js';
import type { GraphNode, SqlNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';
import { emptyGraph, introspectionNames, isPendingWarehouseCall, renderWithWarehouse, WarehouseAnswers, type WarehouseAccess } from '../template/introspection.js';
import { RelationValue } from './relation.js';
import type { CompiledModel, Compiler } from './compile-project.js';

export { isPendingWarehouseCall, type WarehouseAccess } from '../template/introspection.js';

/** Warehouse access over one connection. */
export function warehouseAccess(conn: Connection, introspector: Introspector): WarehouseAccess {
  return {
    execute: (sql) => conn.execute(sql),
    columns: (rel) => introspector.getColumns(conn, rel),
    relations: (schema, database) => introspector.listRelations(conn, schema, database),
  };
}

/** compile() of one node, answering its templates' warehouse calls as they come. */
export function compileWithWarehouse(compiler: Compiler, node: SqlNode, warehouse: WarehouseAccess): Promise<CompiledModel> {
  return renderWithWarehouse(() => compiler.compile(node), warehouse);
}

/**
 * Compile the nodes whose render asked the warehouse (`pending`, in DAG order), each with a
 * connection from `withConnection` (a pool: as many at once as it has connections). The first
 * failure in DAG order is thrown once every node has finished.
 */
export async function compilePending(
  compiler: Compiler,
  nodes: readonly SqlNode[],
  withConnection: <T>(fn: (warehouse: WarehouseAccess) => Promise<T>) => Promise<T>,
): Promise<Map<string, CompiledModel>> {
  const settled = await Promise.allSettled(nodes.map((n) => withConnection((w) => compileWithWarehouse(compiler, n, w))));
  const out = new Map<string, CompiledModel>();
  settled.forEach((s, i) => {
    if (s.status === 'rejected') throw s.reason;
    out.set(nodes[i]!.uniqueId, s.value);
  });
  return out;
}

/** A relation value for api.Relation.create / get_relation (a schema-only relation renders as one). */
export function relationFactory(dialect: Dialect) {
  return (ref: { database?: string | undefined; schema?: string | undefined; identifier?: string | undefined }, type?: 'table' | 'view'): RelationValue => {
    if (ref.identifier !== undefined && ref.schema !== undefined) return RelationValue.of(dialect, ref as RelationRef, type);
    const rendered = [ref.database, ref.schema, ref.identifier].filter((p): p is string => p !== undefined).map((p) => dialect.quoteIdentifier(p)).join('.');
    return new RelationValue({ database: ref.database, schema: ref.schema ?? '', identifier: ref.identifier ?? '' }, rendered, type, (p) => dialect.quoteIdentifier(p));
  };
}

/**
 * Per-node introspection for one Compiler: the template names (fresh per render) over answers kept
 * per node across replays, and the `graph` variable built once, on first use.
 */
export class Introspection {
  private readonly answers = new Map<string, WarehouseAnswers>();
  private graphValue: Record<string, unknown> | undefined;
  private readonly intro: ReturnType<typeof introspectionNames>;
  /** run_query, statement, load_result, load_relation, adapter, api, graph, log, print: the same object for every render. */
  readonly names: Record<string, unknown>;

  constructor(
    private readonly parsed: ParsedProject,
    private readonly dialect: Dialect,
    private readonly defaultDatabase: string | undefined,
  ) {
    const relation = relationFactory(dialect);
    const log = parsed.engine.builtin('log');
    const print = parsed.engine.builtin('print');
    // Built on first access only: most projects never read `graph`.
    const lazy = () => {
      this.intro.markUsed();
      return (this.graphValue ??= this.buildGraph());
    };
    const graph: Record<string, unknown> = {};
    for (const key of Object.keys(emptyGraph())) Object.defineProperty(graph, key, { enumerable: true, get: () => lazy()[key] });
    this.intro = introspectionNames({ adapterType: dialect.name, quote: (id) => dialect.quoteIdentifier(id), relation, defaultDatabase, log, print });
    // A project macro of the same name (a custom `statement`, `log` …) still wins, as it did before.
    this.names = Object.fromEntries(Object.entries({ ...this.intro.names, graph }).filter(([name]) => !parsed.engine.hasMacro(name)));
  }

  /** A render of `node` starts: `names` answer from its answers (renders are synchronous). */
  begin(node: SqlNode): void {
    const id = node.uniqueId;
    const answers = this.answers.get(id);
    // A replay goes on with the answers so far; a first render makes them only if it asks.
    this.intro.begin(answers ?? (() => this.answers.get(id) ?? this.answers.set(id, new WarehouseAnswers()).get(id)!));
  }

  /** The node's renders asked the warehouse (their output is never cached). */
  usedWarehouse(node: SqlNode): boolean {
    return this.answers.get(node.uniqueId)?.used ?? false;
  }

  /** Drop a node's answers once its body is final. */
  done(node: SqlNode): void {
    this.answers.delete(node.uniqueId);
    // A render outside any node (a project hook) must not see this node's answers.
    this.intro.begin(() => new WarehouseAnswers());
  }

  /** A render outside a node's body (a hook) starts: its answers are kept under `key` across replays. */
  beginDetached(key: string): void {
    const answers = this.answers.get(key);
    this.intro.begin(answers ?? (() => this.answers.get(key) ?? this.answers.set(key, new WarehouseAnswers()).get(key)!));
  }

  /** Drop the answers of a detached render once it is final. */
  forget(key: string): void {
    this.answers.delete(key);
    this.intro.begin(() => new WarehouseAnswers());
  }

  private buildGraph(): Record<string, unknown> {
    const relationName = (n: GraphNode) => (n.relation ? this.dialect.relationName(n.relation) : undefined);
    const m = buildManifest(this.parsed, relationName, this.dialect.name, '');
    const out = emptyGraph();
    for (const key of Object.keys(out)) if (m[key] && typeof m[key] === 'object') out[key] = m[key] as Record<string, unknown>;
    return out;
  }
}
