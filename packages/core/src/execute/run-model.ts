// Models: compile (with run-time context such as is_incremental) and materialize.
import { TsdbtError } from '../errors.js';
import type { ModelNode } from '../parse/nodes.js';
import { auditHook, auditTests } from './audit.js';
import { materialize } from './materialize.js';
import type { NodeHandler } from './node-handler.js';

export const runModel: NodeHandler = async (node, ctx) => {
  const model = node as ModelNode;
  let compiled;
  try {
    compiled = ctx.compiler.compile(model);
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message };
  }
  try {
    const rel = model.relation!;
    await ctx.ensureSchema(rel.schema, rel.database);
    const audit = auditTests(model, ctx);
    const { rows, message } = await materialize(ctx.conn, ctx.dialect, compiled, ctx.relations, ctx, audit.length ? auditHook(model, audit, ctx) : undefined);
    return { status: 'success', message: message ?? (model.config.materialized === 'view' ? 'CREATE VIEW' : `SELECT ${rows ?? '?'}`), rowsAffected: rows, compiled };
  } catch (e) {
    return { status: 'error', message: e instanceof TsdbtError ? e.format() : (e as Error).message, compiled };
  }
};
