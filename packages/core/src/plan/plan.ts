// What a node does to the warehouse, as data. Pure: given the dialect and what exists, return SQL.
import type { RelationKind, RelationRef } from '../adapter/types.js';

export interface Statement {
  sql: string;
  /** Short label for logs and errors: `create temp`, `swap` … */
  purpose: string;
}

export interface MaterializationPlan {
  /** Run these inside one transaction when the dialect's DDL is transactional. */
  statements: Statement[];
  /** Index of the statement whose row count is the node's `rows` figure. */
  rowsFrom?: number | undefined;
  /** The relation kind after the plan ran. */
  resultKind: RelationKind;
}

export interface ExistingState {
  /** Kind of the relation currently at the target name, if any. */
  existing?: RelationKind | undefined;
  /** Leftovers of an interrupted build under the temp or backup names. */
  leftovers?: Array<{ identifier: string; kind: RelationKind }> | undefined;
}

export const TEMP_SUFFIX = '__tsdbt_tmp';
export const BACKUP_SUFFIX = '__tsdbt_backup';

export function withSuffix(rel: RelationRef, suffix: string): RelationRef {
  return { ...rel, identifier: `${rel.identifier}${suffix}` };
}
