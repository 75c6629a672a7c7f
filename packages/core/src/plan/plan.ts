// What a node does to the warehouse, as data. Pure: given the dialect and what exists, return SQL.
import { createHash } from 'node:crypto';
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
  return { ...rel, identifier: suffixedIdentifier(rel.identifier, suffix) };
}

/** Postgres truncates identifiers to 63 bytes; other warehouses allow at least as much. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * `identifier + suffix`, shortened when it would exceed 63 bytes: a prefix of the identifier, a hash
 * of the whole identifier, then the suffix. So two long names never truncate to the same temp name,
 * and the temp and backup names of one model never collide.
 */
export function suffixedIdentifier(identifier: string, suffix: string): string {
  const full = `${identifier}${suffix}`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha1').update(identifier).digest('hex').slice(0, 8);
  const room = MAX_IDENTIFIER_BYTES - Buffer.byteLength(suffix) - hash.length - 1;
  let prefix = identifier.slice(0, Math.max(room, 0));
  while (Buffer.byteLength(prefix) > room) prefix = prefix.slice(0, -1);
  return `${prefix}_${hash}${suffix}`;
}
