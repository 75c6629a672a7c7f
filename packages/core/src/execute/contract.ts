// Model contracts (`contract: {enforced: true}`), checked as dbt checks them: before anything is
// built, the model's query is described (`… where false limit 0`) and its column names and types are
// compared with the YAML columns' `data_type`. The YAML types are described by the warehouse too
// (`select cast(null as <data_type>) as <column>`), so synonyms (int / integer / int4, text /
// varchar …) compare equal exactly when the warehouse treats them as the same type. Like dbt on
// Postgres, sizes and precisions (`varchar(10)`, `numeric(10,2)`) are not compared.
import type { Connection, ColumnMeta, Dialect } from '../adapter/types.js';
import type { CompiledModel } from '../compile/compile-project.js';
import { TsdbtError } from '../errors.js';
import type { ModelNode } from '../parse/nodes.js';

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
