// Model contracts (`contract: {enforced: true}`), checked as dbt checks them: before anything is
// built, the model's query is described (`… where false limit 0`) and its column names and types are
// compared with the YAML columns' `data_type`. The YAML types are described by the warehouse too
// (`select cast(null as <data_type>) as <column>`), so synonyms (int / integer / int4, text /
// varchar …) compare equal exactly when the warehouse treats them as the same type. Like dbt on
// Postgres, sizes and precisions (`varchar(10)`, `numeric(10,2)`) are not compared.
//
// A table (or an incremental model's first build) with an enforced contract is then created as dbt
// creates it: `create table … (col type constraints…, model constraints…)` with the YAML columns in
// their order, then `insert into … select <those columns> from (<model>)`. Constraints the warehouse
// cannot create (`Dialect.constraintSupport`) are left out with dbt's warning; a row that breaks an
// enforced one fails the insert, inside the build's transaction, so the old relation stays.
import type { Connection, ColumnConstraint, ColumnMeta, ConstraintSupport, ConstraintType, ContractColumn, Dialect, TableConstraint } from '../adapter/types.js';
import type { CompiledModel } from '../compile/compile-project.js';
import { TsdbtError } from '../errors.js';
import type { GraphNode, ModelNode } from '../parse/nodes.js';

export function contractEnforced(node: ModelNode): boolean {
  const c = node.config.contract as { enforced?: unknown } | undefined;
  return !!c && typeof c === 'object' && (c.enforced === true || c.enforced === 'true');
}

export interface ContractMismatch {
  column: string;
  definitionType: string;
  contractType: string;
  reason: 'data type mismatch' | 'missing in definition' | 'missing in contract';
}

/** A type name without size/precision, lower-cased: `DECIMAL(10,2)` → `decimal`. */
export function baseTypeName(type: string): string {
  return type.replace(/\(.*\)/s, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Compare the query's columns with the contract's (names case-insensitively, types by base name). */
export function compareContract(definition: readonly ColumnMeta[], contract: readonly ColumnMeta[]): ContractMismatch[] {
  const out: ContractMismatch[] = [];
  const byName = (cols: readonly ColumnMeta[]) => new Map(cols.map((c) => [c.name.toLowerCase(), c]));
  const defs = byName(definition);
  const wanted = byName(contract);
  for (const c of contract) {
    const d = defs.get(c.name.toLowerCase());
    if (!d) out.push({ column: c.name, definitionType: '', contractType: c.type, reason: 'missing in definition' });
    else if (baseTypeName(d.type) !== baseTypeName(c.type)) out.push({ column: c.name, definitionType: d.type, contractType: c.type, reason: 'data type mismatch' });
  }
  for (const d of definition) if (!wanted.has(d.name.toLowerCase())) out.push({ column: d.name, definitionType: d.type, contractType: '', reason: 'missing in contract' });
  return out;
}

/** dbt's table of mismatches: `| column_name | definition_type | contract_type | mismatch_reason |`. */
export function formatMismatches(rows: readonly ContractMismatch[]): string {
  const header = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'];
  const cells = rows.map((r) => [r.column, r.definitionType.toUpperCase(), r.contractType.toUpperCase(), r.reason]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Throws a TsdbtError (nothing built yet) when the model's query does not match its contract. */
export async function checkContract(conn: Connection, dialect: Dialect, model: CompiledModel): Promise<void> {
  const node = model.node as ModelNode;
  const location = { file: node.originalFilePath };
  if (node.config.materialized === 'incremental') {
    const osc = node.config['on_schema_change'] ?? 'ignore';
    if (osc !== 'append_new_columns' && osc !== 'fail') {
      throw new TsdbtError('config', `incremental model \`${node.name}\` has an enforced contract, so its on_schema_change must be \`append_new_columns\` or \`fail\`, not \`${String(osc)}\``, {
        location,
        hint: 'dbt supports contracts on incremental models only with `on_schema_change: append_new_columns` or `fail`',
      });
    }
  }
  if (node.config.materialized === 'ephemeral') throw new TsdbtError('config', `model \`${node.name}\` is ephemeral and cannot have an enforced contract`, { location, hint: 'materialize it as a view or table, or remove `contract: {enforced: true}`' });
  const columns = Object.values(node.columns);
  const untyped = columns.filter((c) => !c.data_type);
  if (columns.length === 0 || untyped.length > 0) {
    throw new TsdbtError('config', `model \`${node.name}\` has an enforced contract, which needs a \`data_type\` for every column${untyped.length ? `; missing for ${untyped.map((c) => `\`${c.name}\``).join(', ')}` : ' (no columns are declared)'}`, {
      location,
      hint: 'list the columns under the model in its properties YAML with `data_type:`',
    });
  }
  const definition = (await conn.execute(`select * from (\n${model.compiledSql.replace(/;\s*$/, '')}\n) as model_subq where false limit 0`)).columns;
  const casts = columns.map((c) => `cast(null as ${c.data_type}) as ${dialect.quoteIdentifier(c.name)}`).join(', ');
  let described: ColumnMeta[];
  try {
    described = (await conn.execute(`select * from (select ${casts}) as contract_subq where false limit 0`)).columns;
  } catch (e) {
    throw new TsdbtError('config', `the contract of model \`${node.name}\` has a data_type the warehouse does not know: ${(e as Error).message}`, { location });
  }
  // The warehouse's name for each declared type; the table shows the types as written.
  const contract = columns.map((c, i) => ({ name: c.name, type: described[i]?.type ?? c.data_type! }));
  const mismatches = compareContract(definition, contract);
  if (mismatches.length === 0) return;
  const written = new Map(columns.map((c) => [c.name.toLowerCase(), c.data_type!]));
  const shown = mismatches.map((m) => (m.contractType ? { ...m, contractType: written.get(m.column.toLowerCase()) ?? m.contractType } : m));
  throw new TsdbtError(
    'config',
    `model \`${node.name}\` has an enforced contract that failed. Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n${formatMismatches(shown)}`,
    { location, hint: 'nothing was built: the existing relation is unchanged' },
  );
}

export const CONSTRAINT_TYPES: readonly ConstraintType[] = ['not_null', 'primary_key', 'unique', 'check', 'foreign_key', 'custom'];

/** The columns and constraints of a contracted table, ready for `Dialect.createTableWithColumns`. */
export interface ContractTable {
  columns: ContractColumn[];
  constraints: TableConstraint[];
}

/** `ref('x')`, `ref('pkg', 'x')`, `source('s', 't')` as written in a foreign key's `to:`. */
const TO_CALL = /^\s*(ref|source)\s*\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*$/;

/** The relation a foreign key's `to:` names, among the parsed nodes; undefined when none does. */
export function resolveConstraintTarget(to: string, nodes: Iterable<GraphNode>): GraphNode | undefined {
  const m = TO_CALL.exec(to);
  if (!m) return undefined;
  const [, fn, , a, , b] = m;
  for (const n of nodes) {
    if (fn === 'source') {
      if (n.resourceType === 'source' && b !== undefined && n.sourceName === a && n.name === b) return n;
    } else if (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') {
      if (b === undefined ? n.name === a : n.packageName === a && n.name === b) return n;
    }
  }
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/**
 * The model's contract as DDL parts: YAML columns in order with their `data_type` and column
 * constraints, plus model-level constraints. Drops what the warehouse does not support with dbt's
 * warning (`warn`), warns for the informational ones, and fails on a malformed constraint.
 */
export function contractTable(node: ModelNode, dialect: Dialect, nodes: Iterable<GraphNode>, warn: (message: string) => void): ContractTable {
  const location = { file: node.patchPath ?? node.originalFilePath };
  const support = (type: ConstraintType): ConstraintSupport => dialect.constraintSupport?.[type] ?? 'enforced';
  const fail = (message: string): never => {
    throw new TsdbtError('config', `model \`${node.name}\`: ${message}`, { location, hint: `constraint types: ${CONSTRAINT_TYPES.join(', ')}` });
  };
  const read = (raw: Record<string, unknown>, where: string): ColumnConstraint | undefined => {
    const type = raw['type'];
    if (typeof type !== 'string' || !(CONSTRAINT_TYPES as readonly string[]).includes(type)) return fail(`${where} has an unknown constraint type \`${String(type)}\``);
    const t = type as ConstraintType;
    const s = support(t);
    // dbt's warn_unsupported / warn_unenforced (both default true).
    if (s === 'not_supported') {
      if (raw['warn_unsupported'] !== false) warn(`The constraint type ${t} is not supported by ${dialect.name}, and will be ignored. Set 'warn_unsupported: false' on this constraint to ignore this warning. (model \`${node.name}\`, ${where})`);
      return undefined;
    }
    if (s === 'not_enforced' && raw['warn_unenforced'] !== false) {
      warn(`The constraint type ${t} is not enforced by ${dialect.name}. The constraint will be included in this model's DDL statement, but it will not guarantee anything about the underlying data. Set 'warn_unenforced: false' on this constraint to ignore this warning. (model \`${node.name}\`, ${where})`);
    }
    const expression = str(raw['expression']);
    const out: ColumnConstraint = { type: t, name: str(raw['name']), expression };
    if ((t === 'check' || t === 'custom') && !expression) return fail(`${where}: a ${t} constraint needs an \`expression\``);
    if (t === 'foreign_key') {
      const to = str(raw['to']);
      if (to) {
        const target = resolveConstraintTarget(to, nodes);
        if (!target?.relation) return fail(`${where}: the foreign key's \`to: ${to}\` names no model, seed, snapshot or source`);
        const toColumns = strList(raw['to_columns']);
        if (toColumns.length === 0) return fail(`${where}: a foreign key with \`to:\` needs \`to_columns:\``);
        out.to = dialect.relationName(target.relation);
        out.toColumns = toColumns;
      } else if (!expression) return fail(`${where}: a foreign_key constraint needs \`to:\` and \`to_columns:\`, or an \`expression\``);
    }
    return out;
  };
  const columns: ContractColumn[] = Object.values(node.columns).map((c) => ({
    name: c.name,
    type: c.data_type ?? '',
    constraints: (c.constraints ?? []).map((k) => read(k, `column \`${c.name}\``)).filter((k): k is ColumnConstraint => k !== undefined),
  }));
  const constraints: TableConstraint[] = [];
  for (const raw of node.constraints ?? []) {
    const k = read(raw, 'model constraint');
    if (!k) continue;
    if (k.type === 'not_null') {
      // dbt renders not_null only on columns; at model level it applies it to the listed columns.
      for (const name of strList(raw['columns'])) {
        const col = columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (!col) fail(`a model-level not_null constraint names column \`${name}\`, which is not in the contract`);
        else col.constraints = [...col.constraints, k];
      }
      continue;
    }
    const cols = strList(raw['columns']);
    if ((k.type === 'primary_key' || k.type === 'unique' || k.type === 'foreign_key') && cols.length === 0) fail(`a model-level ${k.type} constraint needs \`columns:\``);
    constraints.push({ ...k, columns: cols });
  }
  return { columns, constraints };
}

/** True when the model declares any constraint (column or model level). */
export function hasConstraints(node: ModelNode): boolean {
  return (node.constraints?.length ?? 0) > 0 || Object.values(node.columns).some((c) => (c.constraints?.length ?? 0) > 0);
}
