// Models: compile (with run-time context such as is_incremental) and materialize.
import { TsdbtError } from '../errors.js';
import { compileWithWarehouse, warehouseAccess } from '../compile/async-render.js';
import type { ModelNode } from '../parse/nodes.js';
import { auditHook, auditTests } from './audit.js';
import { materialize } from './materialize.js';
import { customMaterializationMacro, runCustomMaterialization } from './materialize-custom.js';
import { nodeHooks } from './hooks.js';
import { checkContract, contractEnforced } from './contract.js';
import type { NodeHandler } from './node-handler.js';

export const runModel: NodeHandler = async (node, ctx) => {
  const model = node as ModelNode;
  let compiled;
  try {
    compiled = await compileWithWarehouse(ctx.compiler, model, warehouseAccess(ctx.conn, ctx.introspector));
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message };
  }
  try {
    const rel = model.relation!;
    await ctx.ensureSchema(rel.schema, rel.database);
    // dbt checks a contract before building: a mismatch leaves the existing relation as it was.
    if (contractEnforced(model)) await checkContract(ctx.conn, ctx.dialect, compiled);
    const audit = auditTests(model, ctx);
    // Rendered when they run, after the body, so `is_incremental()` and `this` are what the model itself saw.
    const hooks = nodeHooks(model, ctx.compiler, warehouseAccess(ctx.conn, ctx.introspector));
    const beforeCommit = audit.length ? auditHook(model, audit, ctx) : undefined;
    const custom = customMaterializationMacro(ctx, model.config.materialized);
    const { rows, message } = custom ? await runCustomMaterialization(ctx, compiled, custom, hooks, beforeCommit) : await materialize(ctx.conn, ctx.dialect, compiled, ctx.relations, ctx, beforeCommit, hooks);
    return { status: 'success', message: message ?? (model.config.materialized === 'view' ? 'CREATE VIEW' : `SELECT ${rows ?? '?'}`), rowsAffected: rows, compiled };
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message, compiled };
  }
};
