// Walk a parsed SELECT: resolve each FROM item to a relation (CTE, subquery, upstream node), then
// each output expression to the upstream columns it reads. CTEs are evaluated once, on first use.
import type { ColumnLineageOptions } from './column-lineage.js';
import {
  type Lineage,
  type OutputColumn,
  type Relation,
  LineageSet,
  dedupeColumnNames,
  derivedRelation,
  mayCarryLineage,
  nodeRelation,
  opaqueRelation,
  renamedRelation,
} from './lineage-relations.js';
import {
  type ColumnRefAst,
  type ExprAst,
  type FromAst,
  type QueryAst,
  type SelectAst,
  type SelectItemAst,
  type ValuesAst,
  type WithAst,
  UnsupportedSqlError,
  columnRefName,
  columnRefQualifier,
  cteColumns,
  cteQuery,
  identName,
  isColumnRef,
  isStar,
  namedWindow,
  normalizeName,
  relationText,
  selectItemAlias,
  splitAlias,
  subqueryOf,
} from './sql-ast.js';

interface CteEntry {
  readonly name: string;
  readonly query: QueryAst;
  readonly columns: string[] | undefined;
  /** The query scope the WITH belongs to, and the CTEs its body can see. */
  readonly outer: Scope | undefined;
  bodyCtes: CteLayer | undefined;
  relation?: Relation;
  evaluating?: boolean;
}

/** One CTE per layer, so each body sees only the CTEs defined before it (and itself, if recursive). */
interface CteLayer {
  readonly entry: CteEntry;
  readonly parent: CteLayer | undefined;
}

interface FromItem {
  readonly alias: string | undefined;
  readonly relation: Relation;
  /** Columns this item joins on with USING: `select *` shows them once, from the left. */
  readonly using: ReadonlySet<string>;
}

/** Name resolution inside one SELECT, chained to the enclosing query for correlated references. */
interface Scope {
  readonly select: SelectAst;
  readonly items: FromItem[];
  readonly parent: Scope | undefined;
  readonly ctes: CteLayer | undefined;
  /** USING columns: one output column fed by every side of the join. */
  readonly using: Map<string, Lineage>;
  /** Select-list aliases defined so far; DuckDB lets later expressions refer to them. */
  readonly aliases: Map<string, Lineage>;
}

/** DuckDB join keywords the PostgreSQL grammar reads as a table alias (`from a natural join b` → `a AS natural`). */
const JOIN_KEYWORDS_READ_AS_ALIAS = new Set(['natural', 'asof', 'positional', 'anti', 'semi']);

/** Right-hand sides of `->` that make it JSON extraction rather than a DuckDB lambda. */
const LITERAL_TYPES = new Set(['single_quote_string', 'string', 'number', 'param', 'bool', 'boolean', 'null']);

export class QueryLineage {
  /** Things that make the result incomplete (not wrong): columns lineage could not line up. */
  readonly issues = new Set<string>();

  constructor(private readonly options: ColumnLineageOptions) {}

  /** A statement: set operations and VALUES included, its WITH visible to every branch. */
  query(ast: QueryAst, outer: Scope | undefined, ctes: CteLayer | undefined): Relation {
    if (ast.type === 'values') return valuesRelation(ast);
    const visible = ast.with?.length ? this.withLayers(ast.with, outer, ctes) : ctes;
    const first = this.select(ast, outer, visible);
    if (!ast._next) return first;

    // The chain is flat: each node holds the operator joining it to the next branch.
    const included: Relation[] = [];
    let node: SelectAst = ast;
    for (let branch: QueryAst | null | undefined = ast._next; branch; ) {
      const op = node.set_op ?? '';
      const own = branch.type === 'select' && branch.with?.length ? this.withLayers(branch.with, outer, visible) : visible;
      const relation = branch.type === 'values' ? valuesRelation(branch) : this.select(branch, outer, own);
      // EXCEPT only removes rows: the values come from the branches before it.
      if (!/^(except|minus)/i.test(op)) included.push(relation);
      if (branch.type !== 'select') break;
      node = branch;
      branch = branch._next;
    }
    const branches = [first, ...included];
    const unlined = branches.find((r) => !r.complete);
    if (unlined && branches.some(mayCarryLineage)) {
      this.issues.add(`the columns of a set operation cannot be lined up: ${describeUnexpanded(unlined)}`);
    }
    if (!first.complete) return first;
    const columns = first.columns.map((c) => ({ name: c.name, lineage: new LineageSet().add(c.lineage) }));
    for (const relation of included) {
      if (relation.complete) relation.columns.forEach((c, i) => columns[i]?.lineage.add(c.lineage));
    }
    return derivedRelation(
      columns.map((c) => ({ name: c.name, lineage: c.lineage.items })),
      [],
    );
  }

  private withLayers(withList: WithAst[], outer: Scope | undefined, ctes: CteLayer | undefined): CteLayer | undefined {
    const recursive = withList.some((w) => w.recursive === true);
    let layer = ctes;
    for (const cte of withList) {
      const entry: CteEntry = {
        name: identName(cte.name) ?? '',
        query: cteQuery(cte),
        columns: cteColumns(cte),
        outer,
        bodyCtes: layer,
      };
      layer = { entry, parent: layer };
      if (recursive) entry.bodyCtes = layer;
    }
    return layer;
  }

  private cte(entry: CteEntry): Relation {
    if (entry.relation) return entry.relation;
    // A recursive CTE's reference to itself: the anchor branch carries the lineage.
    if (entry.evaluating) return opaqueRelation(entry.columns);
    entry.evaluating = true;
    let relation = this.query(entry.query, entry.outer, entry.bodyCtes);
    if (entry.columns) relation = this.renamed(relation, entry.columns, entry.name);
    entry.evaluating = false;
    entry.relation = relation;
    return relation;
  }

  private renamed(relation: Relation, names: string[], label: string): Relation {
    const renamed = renamedRelation(relation, names);
    if (renamed) return renamed;
    if (mayCarryLineage(relation)) {
      this.issues.add(`the column aliases of ${label} cannot be lined up: ${describeUnexpanded(relation)}`);
    }
    return opaqueRelation(names);
  }

  /** One SELECT (no set operation). */
  private select(select: SelectAst, outer: Scope | undefined, ctes: CteLayer | undefined): Relation {
    const scope: Scope = { select, items: [], parent: outer, ctes, using: new Map(), aliases: new Map() };
    for (const from of select.from ?? []) this.addFromItem(scope, from);

    const columns: OutputColumn[] = [];
    const passthrough: Relation[] = [];
    const items: SelectItemAst[] =
      select.columns === '*' ? [{ expr: { type: 'column_ref', column: '*' } }] : select.columns;
    for (const item of items) {
      if (isColumnRef(item.expr) && isStar(item.expr)) {
        this.expandStar(scope, columnRefQualifier(item.expr), columns, passthrough);
        continue;
      }
      const lineage = this.expression(item.expr, scope);
      const name = selectItemAlias(item) ?? implicitName(item.expr);
      columns.push({ name, lineage });
      if (name !== undefined && !scope.aliases.has(name)) scope.aliases.set(name, lineage);
    }
    return derivedRelation(dedupeColumnNames(columns), passthrough);
  }

  private expandStar(scope: Scope, qualifier: string | undefined, out: OutputColumn[], passthrough: Relation[]): void {
    if (qualifier !== undefined) {
      const item = scope.items.find((i) => i.alias === qualifier);
      if (!item) throw new UnsupportedSqlError(`${qualifier}.* names no relation of its FROM clause`);
      out.push(...item.relation.columns);
      if (!item.relation.complete) passthrough.push(item.relation);
      return;
    }
    for (const item of scope.items) {
      for (const c of item.relation.columns) {
        if (c.name !== undefined && item.using.has(c.name)) continue;
        const merged = c.name === undefined ? undefined : scope.using.get(c.name);
        out.push(merged ? { name: c.name, lineage: merged } : c);
      }
      if (!item.relation.complete) passthrough.push(item.relation);
    }
  }

  private addFromItem(scope: Scope, from: FromAst): void {
    const alias = splitAlias(from.as);
    if (alias.name !== undefined && JOIN_KEYWORDS_READ_AS_ALIAS.has(alias.name)) {
      throw new UnsupportedSqlError(`${alias.name.toUpperCase()} JOIN is not supported`);
    }
    let { relation, name, opaque } = this.fromRelation(scope, from);
    const label = alias.name ?? name ?? 'subquery';
    if (alias.columns) {
      // `generate_series(1, 3) as g(n)`: the alias list is all that is known of the columns.
      relation = opaque ? opaqueRelation(alias.columns) : this.renamed(relation, alias.columns, label);
    }

    const using = (from.using ?? []).map((u) => identName(u) ?? '');
    for (const column of using) {
      const left = scope.using.get(column) ?? resolveAmong(scope.items, column) ?? [];
      scope.using.set(column, LineageSet.union([left, relation.lookup(column)]));
    }
    scope.items.push({ alias: alias.name ?? name, relation, using: new Set(using) });
  }

  /** The relation a FROM item reads, and the name it can be referred to by when it has no alias. */
  private fromRelation(scope: Scope, from: FromAst): { relation: Relation; name?: string; opaque?: boolean } {
    const expr = from.expr as { ast?: QueryAst; type?: string } | undefined;
    // Subqueries see the items before them (DuckDB joins are implicitly LATERAL).
    if (expr?.ast) return { relation: this.query(expr.ast, scope, scope.ctes) };
    if (expr?.type === 'values') return { relation: valuesRelation(expr as ValuesAst) };
    if (from.type === 'expr' || typeof from.table !== 'string') {
      return { relation: opaqueRelation(), opaque: true };
    }
    const text = relationText(from);
    const name = normalizeName(text.name);
    if (from.db == null && from.schema == null) {
      for (let layer = scope.ctes; layer; layer = layer.parent) {
        if (layer.entry.name === name) return { relation: this.cte(layer.entry), name };
      }
    }
    const uniqueId =
      this.options.resolveRelation(text.quoted) ??
      (text.bare !== text.quoted ? this.options.resolveRelation(text.bare) : undefined);
    if (uniqueId === undefined) return { relation: opaqueRelation(), name, opaque: true };
    return { relation: nodeRelation(uniqueId, text.quoted, this.options.columnsOf(uniqueId)), name };
  }

  /** Every upstream column an expression reads: operands, CASE conditions, function and window arguments. */
  private expression(expr: ExprAst, scope: Scope): Lineage {
    const set = new LineageSet();
    this.walk(expr, scope, set);
    return set.items;
  }

  private walk(node: unknown, scope: Scope, out: LineageSet): void {
    if (Array.isArray(node)) {
      for (const n of node) this.walk(n, scope, out);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const expr = node as ExprAst;
    if (isColumnRef(expr)) {
      if (!isStar(expr)) out.add(this.columnRef(expr, scope));
      this.walk(expr.array_index, scope, out);
      return;
    }
    const subquery = subqueryOf(expr);
    if (subquery) {
      for (const c of this.query(subquery, scope, scope.ctes).columns) out.add(c.lineage);
      return;
    }
    if (expr.type === 'binary_expr' && expr.operator === '->' && !LITERAL_TYPES.has(String((expr.right as ExprAst)?.type))) {
      throw new UnsupportedSqlError('lambda functions (x -> ...) are not supported');
    }
    if (expr.type === 'window' && typeof expr.as_window_specification === 'string') {
      this.walk(namedWindow(scope.select, normalizeName(expr.as_window_specification)), scope, out);
      return;
    }
    for (const key in expr) if (key !== 'loc') this.walk(expr[key], scope, out);
  }

  private columnRef(ref: ColumnRefAst, scope: Scope): Lineage {
    const column = columnRefName(ref);
    const qualifier = columnRefQualifier(ref);
    if (qualifier === undefined) return resolveName(column, scope);
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const item = s.items.find((i) => i.alias === qualifier);
      if (item) return item.relation.lookup(column);
    }
    // Not a relation: DuckDB's struct field access `col.field` reads the column.
    return resolveName(qualifier, scope);
  }
}

/**
 * An unqualified column, innermost scope first: a USING column, then the relations known to have it,
 * then an earlier select-list alias, then every relation whose columns are unknown (all are listed:
 * any of them may be the one). A single-relation query falls back to that relation.
 */
function resolveName(name: string, scope: Scope): Lineage {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const merged = s.using.get(name);
    if (merged) return merged;
    const known = s.items.filter((i) => i.relation.has(name) === true);
    if (known.length > 0) return LineageSet.union(known.map((i) => i.relation.lookup(name)));
    const alias = s.aliases.get(name);
    if (alias) return alias;
    const unknown = s.items.filter((i) => i.relation.has(name) === undefined);
    if (unknown.length > 0) return LineageSet.union(unknown.map((i) => i.relation.lookup(name)));
  }
  return scope.items.length === 1 ? scope.items[0]!.relation.lookup(name) : [];
}

/** The left side of a USING join: the items so far that have (or may have) the column. */
function resolveAmong(items: readonly FromItem[], name: string): Lineage | undefined {
  const known = items.filter((i) => i.relation.has(name) === true);
  const candidates = known.length > 0 ? known : items.filter((i) => i.relation.has(name) === undefined);
  return candidates.length > 0 ? LineageSet.union(candidates.map((i) => i.relation.lookup(name))) : undefined;
}

/** DuckDB names an unaliased column reference after the column; any other expression after its own text. */
function implicitName(expr: ExprAst): string | undefined {
  if (!isColumnRef(expr) || isStar(expr) || expr.array_index?.length) return undefined;
  return columnRefName(expr);
}

/** `values (1, 'a'), ...`: DuckDB names the columns col0, col1, ... */
function valuesRelation(values: ValuesAst): Relation {
  const width = values.values[0]?.value?.length ?? 0;
  return opaqueRelation(Array.from({ length: width }, (_, i) => `col${i}`));
}

export function describeUnexpanded(relation: Relation): string {
  const names = relation.unexpanded();
  return names.length > 0
    ? `the columns of ${names.join(', ')} are unknown (no catalog entry), so * cannot be expanded`
    : 'a * over a relation outside the project cannot be expanded';
}
