// Column-level lineage of one model: for each output column of its compiled SELECT, the upstream
// node columns it derives from, followed through CTEs (ephemeral `__tsdbt__cte__*` ones included),
// subqueries, joins and set operations. Pure: relations and catalog columns come from the caller.
//
// How constructs are read (names are compared and reported lower-cased, as DuckDB compares them):
// - An output column derives from every column its expression reads: operands, function and
//   aggregate arguments, CASE conditions and results, cast operands, window PARTITION BY / ORDER BY,
//   aggregate FILTER / ORDER BY, and the output columns of scalar subqueries. WHERE, JOIN ON,
//   GROUP BY and HAVING filter rows and are not lineage. `count(*)` and literals read no column.
// - Unaliased expressions other than a column reference are left out: DuckDB names them after their
//   own printed text (`(a + 1)`, `count_star()`), which is not reproduced. Repeated names get DuckDB's
//   `_1`, `_2` suffixes.
// - `*` and `t.*` expand with `columnsOf` (through CTEs and subqueries); USING columns appear once
//   and derive from every side. A `*` over a relation without catalog columns cannot be listed: names
//   used later still pass through it, but if the final output needs it the result carries an `error`
//   saying lineage is incomplete, next to the columns that are known.
// - An unqualified column in a join goes to the relation whose catalog columns have it; when no
//   catalog says, every relation with unknown columns is listed as a candidate.
// - Set operations: column i derives from column i of each branch (branches after EXCEPT excluded).
// - Relations that resolve to no node (raw tables, table functions, VALUES) have columns without lineage.
//
// The parser is node-sql-parser's PostgreSQL grammar. DuckDB-only syntax it rejects or would misread
// (QUALIFY, `* EXCLUDE/REPLACE`, GROUP BY ALL, list/struct literals, lambdas, TRY_CAST, FILTER on
// non-standard aggregates, NATURAL/ASOF/POSITIONAL/SEMI/ANTI joins) gives an error, never a guess.
import { QueryLineage, describeUnexpanded } from './query-lineage.js';
import { UnsupportedSqlError, parseSelect } from './sql-ast.js';

export interface UpstreamColumn {
  /** uniqueId of the upstream model, source, seed or snapshot. */
  node: string;
  column: string;
}

export interface ColumnLineageResult {
  /** Output column (lower-cased) → the upstream columns it derives from, in first-read order. */
  columns: Record<string, UpstreamColumn[]>;
  /**
   * Set when the SQL could not be parsed (`could not parse the compiled SQL: …`, with `columns` empty),
   * or when part of the output could not be followed (`incomplete lineage: …`, with the known columns).
   */
  error?: string;
}

export interface ColumnLineageOptions {
  /**
   * Relation text from the compiled SQL → uniqueId, or undefined for unknown relations / CTE names.
   * Called with every part double-quoted and its case kept (`"main"."stg_orders"`,
   * `"db"."raw"."orders"`; 1–3 parts) — the parser does not keep the original quoting — and, if
   * that gives undefined, once more unquoted (`main.stg_orders`).
   */
  resolveRelation(name: string): string | undefined;
  /** The upstream node's columns (from the warehouse catalog), to expand `select *` / `t.*`. */
  columnsOf(uniqueId: string): string[] | undefined;
}

const PARSE_ERROR = 'could not parse the compiled SQL';

export function columnLineage(sql: string, options: ColumnLineageOptions): ColumnLineageResult {
  const parsed = parseSelect(sql);
  if (!parsed.ok) return { columns: {}, error: `${PARSE_ERROR}: ${parsed.reason}` };

  const analysis = new QueryLineage(options);
  let output;
  try {
    output = analysis.query(parsed.select, undefined, undefined);
  } catch (e) {
    if (e instanceof UnsupportedSqlError) return { columns: {}, error: `${PARSE_ERROR}: ${e.message}` };
    // A syntax tree shaped in a way this walker does not expect: say so rather than guess.
    return { columns: {}, error: `${PARSE_ERROR}: unexpected syntax tree (${e instanceof Error ? e.message : String(e)})` };
  }

  const columns: Record<string, UpstreamColumn[]> = {};
  for (const c of output.columns) {
    if (c.name !== undefined && !Object.hasOwn(columns, c.name)) {
      Object.defineProperty(columns, c.name, { value: [...c.lineage], enumerable: true, writable: true, configurable: true });
    }
  }
  const issues = [...analysis.issues];
  if (output.unexpanded().length > 0) issues.unshift(describeUnexpanded(output));
  return issues.length > 0 ? { columns, error: `incomplete lineage: ${issues.join('; ')}` } : { columns };
}
