// Column-level lineage of every compiled node: relation names in its SQL → unique ids, `select *`
// expanded from the catalog (or from the lineage of an ephemeral parent computed before it).
import type { CompiledModel } from '../compile/compile-project.js';
import { ephemeralCteName } from '../compile/relation.js';
import type { CatalogRelation } from '../execute/introspect-catalog.js';
import type { GraphNode } from '../parse/nodes.js';
import type { ParsedProject } from '../parse/parse-project.js';

export interface ColumnLineageOptions {
  /** Relation text as written in the SQL (quoted or not, 1–3 parts) → unique id. */
  resolveRelation(name: string): string | undefined;
  /** Column names of a node, for `select *`. */
  columnsOf(uniqueId: string): string[] | undefined;
}

export interface ColumnLineageResult {
  /** Output column → the upstream columns it derives from. */
  columns: Record<string, Array<{ node: string; column: string }>>;
  /** Why the SQL could not be analysed; `columns` is then empty or partial. */
  error?: string | undefined;
}

export type ColumnLineageFn = (sql: string, options: ColumnLineageOptions) => ColumnLineageResult | Promise<ColumnLineageResult>;

/** Split `"db"."schema"."t"`, `schema.t`, `` `a`.`b` ``, `[a].[b]` into parts (unquoted, lower-cased). */
export function relationParts(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    const ch = s[i]!;
    const close = ch === '"' ? '"' : ch === '`' ? '`' : ch === '[' ? ']' : undefined;
    let part = '';
    if (close) {
      i++;
      while (i < s.length) {
        if (s[i] === close) {
          if (s[i + 1] === close) {
            part += close;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += s[i++];
      }
    } else {
      while (i < s.length && s[i] !== '.') part += s[i++];
      part = part.trim();
    }
    parts.push(part.toLowerCase());
    while (i < s.length && s[i] !== '.') i++; // whitespace after a quoted part
    i++; // the dot
  }
  return parts;
}

/** A resolver from relation text to unique id for every node that is a relation or an ephemeral CTE. */
export function relationResolver(nodes: Iterable<GraphNode>): (name: string) => string | undefined {
  const exact = new Map<string, string>();
  const ambiguous = new Set<string>();
  const add = (key: string, id: string) => {
    if (ambiguous.has(key)) return;
    const prev = exact.get(key);
    if (prev !== undefined && prev !== id) {
      exact.delete(key);
      ambiguous.add(key);
    } else exact.set(key, id);
  };
  for (const n of nodes) {
    if (n.resourceType === 'model' && n.config.materialized === 'ephemeral') {
      add(ephemeralCteName(n.name).toLowerCase(), n.uniqueId);
      continue;
    }
    if (n.resourceType === 'test' || n.resourceType === 'unit_test' || !n.relation) continue;
    const { database, schema, identifier } = n.relation;
    if (database) add([database, schema, identifier].join('.').toLowerCase(), n.uniqueId);
    add([schema, identifier].join('.').toLowerCase(), n.uniqueId);
    add(identifier.toLowerCase(), n.uniqueId);
  }
  return (name) => {
    const parts = relationParts(name);
    // A database the nodes don't name (the target's default one) may be left out; a schema may not.
    const key = parts.slice(-3).join('.');
    return exact.get(key) ?? (parts.length >= 3 ? exact.get(parts.slice(-2).join('.')) : undefined);
  };
}

/**
 * Lineage of each compiled model and snapshot, in DAG order. The SQL analysed is the node's own
 * body (ephemeral parents stay as their `__tsdbt__cte__` names), so upstream columns point at
 * direct parents. A parser failure, or a throw, becomes the node's `error`.
 */
export async function computeColumnLineage(
  parsed: ParsedProject,
  compiled: ReadonlyMap<string, CompiledModel>,
  catalog: ReadonlyMap<string, CatalogRelation>,
  columnLineage: ColumnLineageFn,
): Promise<Map<string, ColumnLineageResult>> {
  const resolveRelation = relationResolver(parsed.nodes.values());
  const out = new Map<string, ColumnLineageResult>();
  const columnsOf = (id: string): string[] | undefined => {
    const cat = catalog.get(id);
    if (cat && cat.columns.length) return cat.columns.map((c) => c.name);
    const lin = out.get(id);
    if (lin && Object.keys(lin.columns).length) return Object.keys(lin.columns);
    const node = parsed.nodes.get(id);
    const declared = node ? Object.values(node.columns).map((c) => c.name) : [];
    return declared.length ? declared : undefined;
  };
  for (const id of parsed.order) {
    const m = compiled.get(id);
    if (!m || (m.node.resourceType !== 'model' && m.node.resourceType !== 'snapshot')) continue;
    try {
      out.set(id, await columnLineage(m.bodySql, { resolveRelation, columnsOf }));
    } catch (e) {
      out.set(id, { columns: {}, error: `column lineage failed: ${(e as Error).message}` });
    }
  }
  return out;
}
