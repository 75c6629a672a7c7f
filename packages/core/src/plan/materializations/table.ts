import type { Dialect, RelationRef } from '../../adapter/types.js';
import { TEMP_SUFFIX, withSuffix, type ExistingState, type MaterializationPlan } from '../plan.js';
import { buildAndSwap } from './swap.js';

export function planTable(dialect: Dialect, target: RelationRef, sql: string, state: ExistingState): MaterializationPlan {
  const temp = withSuffix(target, TEMP_SUFFIX);
  return buildAndSwap(dialect, target, 'table', { sql: dialect.createTableAs(temp, sql), purpose: 'create table' }, state);
}
