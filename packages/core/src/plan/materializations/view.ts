import type { Dialect, RelationRef } from '../../adapter/types.js';
import { TEMP_SUFFIX, withSuffix, type ExistingState, type MaterializationPlan } from '../plan.js';
import { buildAndSwap } from './swap.js';

export function planView(dialect: Dialect, target: RelationRef, sql: string, state: ExistingState): MaterializationPlan {
  const temp = withSuffix(target, TEMP_SUFFIX);
  return buildAndSwap(dialect, target, 'view', { sql: dialect.createView(temp, sql), purpose: 'create view' }, state);
}
