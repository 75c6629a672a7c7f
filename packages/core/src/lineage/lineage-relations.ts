// What a relation in a FROM clause looks like to lineage: its output columns in order and, for each,
// the upstream node columns it derives from. Built for upstream nodes (from the catalog), unknown
// relations, and derived queries (CTEs, subqueries), which pass names they cannot list through.
import type { UpstreamColumn } from './column-lineage.js';

export type Lineage = readonly UpstreamColumn[];

export interface OutputColumn {
  /** Lower-cased; undefined for an unaliased expression, whose name DuckDB prints from the expression itself. */
  name: string | undefined;
  lineage: Lineage;
}

export interface Relation {
  /** Known output columns, in order. */
  readonly columns: readonly OutputColumn[];
  /** False when the relation has columns not listed (no catalog entry, or a `*` over such a relation). */
  readonly complete: boolean;
  /** Whether the relation has a column by this name; undefined when its columns are not (all) known. */
  has(name: string): boolean | undefined;
  /** The lineage of a column by (lower-cased) name; [] when nothing upstream is known. */
  lookup(name: string): Lineage;
  /** Project nodes without catalog columns behind a `*` of this relation: where lineage may be missing. */
  unexpanded(): string[];
}

/** Unions lineage lists, keeping first-seen order and dropping duplicates. */
export class LineageSet {
  private readonly seen = new Set<string>();
  readonly items: UpstreamColumn[] = [];

  add(lineage: Lineage): this {
    for (const c of lineage) {
      const key = `${c.node}\u0000${c.column}`;
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.items.push(c);
      }
    }
    return this;
  }

  static union(lists: Iterable<Lineage>): Lineage {
    const set = new LineageSet();
    for (const l of lists) set.add(l);
    return set.items;
  }
}

/** An upstream node (model, source, seed, snapshot). Its columns come from the catalog when known. */
export function nodeRelation(uniqueId: string, label: string, catalogColumns: string[] | undefined): Relation {
  const names = catalogColumns?.map((c) => c.toLowerCase());
  const known = names ? new Set(names) : undefined;
  return {
    columns: (names ?? []).map((name) => ({ name, lineage: [{ node: uniqueId, column: name }] })),
    complete: names !== undefined,
    has: (name) => known?.has(name),
    // Trust the SQL over a catalog that may be older than the model: a column it names is a column of the node.
    lookup: (column) => [{ node: uniqueId, column }],
    unexpanded: () => (names ? [] : [label]),
  };
}

/** A relation that is no project node (a table outside the project, a table function, VALUES): columns with no lineage. */
export function opaqueRelation(names?: string[]): Relation {
  const known = names ? new Set(names) : undefined;
  return {
    columns: (names ?? []).map((name) => ({ name, lineage: [] })),
    complete: names !== undefined,
    has: (name) => known?.has(name),
    lookup: () => [],
    // Its columns carry no lineage, so not listing them loses none.
    unexpanded: () => [],
  };
}

/**
 * The result of a query. `passthrough` are the relations a `*` could not list: a name the query does
 * not list is looked up in them (`select * from raw` then `select amount from that`).
 */
export function derivedRelation(columns: OutputColumn[], passthrough: readonly Relation[]): Relation {
  const byName = new Map<string, Lineage>();
  for (const c of columns) if (c.name !== undefined && !byName.has(c.name)) byName.set(c.name, c.lineage);
  const complete = passthrough.length === 0;
  return {
    columns,
    complete,
    has: (name) => (byName.has(name) ? true : complete ? false : undefined),
    lookup: (name) => byName.get(name) ?? LineageSet.union(passthrough.map((r) => r.lookup(name))),
    unexpanded: () => [...new Set(passthrough.flatMap((r) => r.unexpanded()))],
  };
}

/**
 * `alias(a, b)` / `cte(a, b) as (...)`: rename the first columns by position. Returns undefined when
 * the relation's columns are not all known, so the positions cannot be lined up.
 */
export function renamedRelation(relation: Relation, names: readonly string[]): Relation | undefined {
  if (!relation.complete && names.length > relation.columns.length) return undefined;
  const columns = relation.columns.map((c, i) => (i < names.length ? { name: names[i], lineage: c.lineage } : c));
  return derivedRelation(dedupeColumnNames(columns), relation.complete ? [] : [relation]);
}

/**
 * DuckDB renames repeated output names (case-insensitively) with a per-name counter:
 * `a, a, a_1, A` → `a, a_1, a_1_1, A_2`.
 */
export function dedupeColumnNames(columns: OutputColumn[]): OutputColumn[] {
  const taken = new Set<string>();
  const counters = new Map<string, number>();
  for (const c of columns) if (c.name !== undefined) taken.add(c.name);
  if (taken.size === columns.filter((c) => c.name !== undefined).length) return columns;
  taken.clear();
  return columns.map((c) => {
    if (c.name === undefined) return c;
    let name = c.name;
    while (taken.has(name)) {
      const n = (counters.get(c.name) ?? 0) + 1;
      counters.set(c.name, n);
      name = `${c.name}_${n}`;
    }
    taken.add(name);
    return name === c.name ? c : { name, lineage: c.lineage };
  });
}

/** Whether lining up this relation's columns by position could matter: some column has (or may have) lineage. */
export function mayCarryLineage(relation: Relation): boolean {
  return relation.unexpanded().length > 0 || relation.columns.some((c) => c.lineage.length > 0);
}
