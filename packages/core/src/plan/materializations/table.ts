import type { Dialect, RelationRef } from '../../adapter/types.js';
import { stripTrailingSemicolons } from '../../adapter/sql-text.js';
import type { ContractTable } from '../../execute/contract.js';
import { TEMP_SUFFIX, withSuffix, type ExistingState, type MaterializationPlan } from '../plan.js';
import { buildAndSwap } from './swap.js';

/**
 * Build into the temp relation and swap it in. With an enforced contract (dbt's contract DDL): the
 * temp table is created empty with the declared columns, types, order and constraints, then filled
 * with `insert … select <columns> from (<model>)`; `rows` counts the insert.
 */
export function planTable(dialect: Dialect, target: RelationRef, sql: string, state: ExistingState, contract?: ContractTable): MaterializationPlan {
  const temp = withSuffix(target, TEMP_SUFFIX);
  if (!contract) return buildAndSwap(dialect, target, 'table', { sql: dialect.createTableAs(temp, sql), purpose: 'create table' }, state);
  const create = dialect.createTableWithColumns;
  if (!create) throw new Error(`the ${dialect.name} dialect cannot create a table from a contract (no createTableWithColumns)`);
  const plan = buildAndSwap(dialect, target, 'table', { sql: create.call(dialect, temp, contract.columns, contract.constraints), purpose: 'create contracted table' }, state);
  const cols = contract.columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const insert = `INSERT INTO ${dialect.relationName(temp)} (${cols})\nSELECT ${cols} FROM (\n${stripTrailingSemicolons(sql)}\n) AS model_subq`;
  const at = (plan.rowsFrom ?? 0) + 1;
  plan.statements.splice(at, 0, { sql: insert, purpose: 'insert contracted rows' });
  return { ...plan, rowsFrom: at };
}
