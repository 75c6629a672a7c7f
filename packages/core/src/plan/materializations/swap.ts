// Build into a temporary relation, then swap it in: readers never see a missing or half-built
// relation, and a failed build leaves the previous one untouched.
import type { Dialect, RelationKind, RelationRef } from '../../adapter/types.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, withSuffix, type ExistingState, type MaterializationPlan, type Statement } from '../plan.js';

export function buildAndSwap(dialect: Dialect, target: RelationRef, kind: RelationKind, create: Statement, state: ExistingState): MaterializationPlan {
  const temp = withSuffix(target, TEMP_SUFFIX);
  const backup = withSuffix(target, BACKUP_SUFFIX);
  const statements: Statement[] = [];
  for (const l of state.leftovers ?? []) {
    statements.push({ sql: dialect.dropRelation({ ...target, identifier: l.identifier }, l.kind), purpose: 'drop leftover' });
  }
  const rowsFrom = statements.length;
  statements.push(create);
  if (state.existing) statements.push({ sql: dialect.renameRelation(target, state.existing, backup.identifier), purpose: 'move old aside' });
  statements.push({ sql: dialect.renameRelation(temp, kind, target.identifier), purpose: 'swap in' });
  if (state.existing) statements.push({ sql: dialect.dropRelation(backup, state.existing), purpose: 'drop old' });
  return { statements, rowsFrom, resultKind: kind };
}
