// User-defined materializations: `{% materialization name, adapter='x' %}…{% endmaterialization %}`
// (macro `materialization_<name>_<adapter>`), run as dbt runs them: the macro body is rendered at run
// time in the model's context, its `statement`s execute on the node's connection (each once, see
// template/introspection.ts), and the whole render runs in one transaction.
import type { RelationRef } from '../adapter/types.js';
import { relationFactory, warehouseAccess } from '../compile/async-render.js';
import type { CompiledModel } from '../compile/compile-project.js';
import { shouldFullRefresh } from '../plan/materializations/incremental.js';
import { jinjaFunction } from '../template/jinja-function.js';
import { pyStr } from '../template/py.js';
import { inTransaction, runHookStatements, type ModelHooks } from './hooks.js';
import type { NodeRunContext } from './node-handler.js';

const BUILT_IN = new Set(['view', 'table', 'incremental', 'ephemeral']);

/** The macro implementing the model's materialization when it is not built in: the adapter's own, else `default`. */
export function customMaterializationMacro(ctx: NodeRunContext, materialized: unknown): string | undefined {
  if (typeof materialized !== 'string' || BUILT_IN.has(materialized)) return undefined;
  const engine = ctx.parsed.engine;
  return [`materialization_${materialized}_${ctx.dialect.name}`, `materialization_${materialized}_default`].find((m) => engine.hasMacro(m));
}

interface Captured {
  relations: RelationRef[];
  rows: number | undefined;
}

/**
 * Render `macro` for the model. dbt's order is kept by running the model's hooks around the render:
 * `transaction: false` pre-hooks before BEGIN, pre-hooks first in the transaction, post-hooks last,
 * `transaction: false` post-hooks after COMMIT; `run_hooks(...)` in the macro body renders nothing.
 */
export async function runCustomMaterialization(ctx: NodeRunContext, model: CompiledModel, macro: string, hooks: ModelHooks, beforeCommit?: () => Promise<void>): Promise<{ rows?: number | undefined; message: string }> {
  const { conn, dialect, compiler } = ctx;
  const node = model.node;
  const target = node.relation!;
  const names = compiler.warehouseNames();
  const baseAdapter = names['adapter'] as Record<string, (...a: unknown[]) => unknown>;
  const relation = relationFactory(dialect);
  const refOf = (rel: unknown): RelationRef => {
    const r = rel as { database?: unknown; schema?: unknown; identifier?: unknown };
    return { database: r.database === undefined || r.database === null ? undefined : pyStr(r.database), schema: pyStr(r.schema), identifier: pyStr(r.identifier) };
  };
  const kindOf = (rel: unknown): 'table' | 'view' => ((rel as { type?: unknown }).type === 'view' ? 'view' : 'table');
  // Side effects go through adapter.execute: run once, answered on every replay.
  const exec = (sql: string) => baseAdapter['execute']!(sql);
  const withSuffix = (base: unknown, suffix: string, type?: unknown) => {
    const ref = refOf(base);
    const own = (base as { type?: unknown }).type;
    const t = type === 'view' || type === 'table' ? type : own === 'view' || own === 'table' ? own : undefined;
    return relation({ ...ref, identifier: `${ref.identifier}${suffix}` }, t);
  };
  const out: { captured?: Captured } = {};
  const extra: Record<string, unknown> = {
    sql: model.compiledSql,
    compiled_code: model.compiledSql,
    pre_hooks: [],
    post_hooks: [],
    run_hooks: jinjaFunction(() => ''),
    should_full_refresh: jinjaFunction(() => shouldFullRefresh(node.config, ctx.flags.fullRefresh)),
    adapter: {
      ...baseAdapter,
      drop_relation: jinjaFunction(([rel], kwargs) => {
        const r = rel ?? kwargs['relation'];
        exec(dialect.dropRelation(refOf(r), kindOf(r)));
        return '';
      }),
      rename_relation: jinjaFunction(([from, to], kwargs) => {
        const a = from ?? kwargs['from_relation'];
        const b = refOf(to ?? kwargs['to_relation']);
        exec(dialect.renameRelation(refOf(a), kindOf(a), b.identifier));
        return '';
      }),
    },
    load_cached_relation: names['load_relation'],
    make_temp_relation: jinjaFunction(([base, suffix], kwargs) => withSuffix(base ?? kwargs['base_relation'], pyStr(suffix ?? kwargs['suffix'] ?? '__dbt_tmp'))),
    make_intermediate_relation: jinjaFunction(([base, suffix], kwargs) => withSuffix(base ?? kwargs['base_relation'], pyStr(suffix ?? kwargs['suffix'] ?? '__dbt_tmp'))),
    make_backup_relation: jinjaFunction(([base, type, suffix], kwargs) => withSuffix(base ?? kwargs['base_relation'], pyStr(suffix ?? kwargs['suffix'] ?? '__dbt_backup'), type ?? kwargs['backup_relation_type'])),
    __tsdbt_materialized: jinjaFunction(([result, main]) => {
      const rels = (result as { relations?: unknown } | null)?.relations;
      const rows = (main as { response?: { rows_affected?: unknown } } | null)?.response?.rows_affected;
      out.captured = {
        relations: Array.isArray(rels) ? rels.map(refOf) : [],
        rows: typeof rows === 'number' && rows >= 0 ? rows : undefined,
      };
      return '';
    }),
  };
  const text = `{{ __tsdbt_materialized(${macro}(), load_result('main')) }}`;
  await runHookStatements(conn, hooks.beforeBegin);
  await inTransaction(conn, dialect.capabilities.transactionalDdl, async () => {
    await runHookStatements(conn, hooks.pre);
    delete out.captured;
    await compiler.renderExtraWithWarehouse(node, text, `${node.originalFilePath} (materialization ${String(node.config.materialized)})`, warehouseAccess(conn, ctx.introspector), extra);
    const got = out.captured as Captured | undefined;
    if (!got || got.relations.length === 0) {
      throw new Error(`materialization \`${String(node.config.materialized)}\` (macro ${macro}) must end with {{ return({'relations': [target_relation]}) }}`);
    }
    await runHookStatements(conn, hooks.post);
    await beforeCommit?.();
  });
  await runHookStatements(conn, hooks.afterCommit);
  // The macro may have created, replaced or dropped anything: ask the warehouse what the schema holds now.
  const schemas = new Set([target.schema, ...out.captured!.relations.map((r) => r.schema)]);
  for (const schema of schemas) {
    const listed = await ctx.introspector.listRelations(conn, schema, target.database);
    for (const r of out.captured!.relations.filter((x) => x.schema === schema).concat(schema === target.schema ? [target] : [])) {
      const hit = listed.find((l) => l.identifier.toLowerCase() === r.identifier.toLowerCase());
      ctx.relations.set(r.schema, r.identifier, hit?.kind);
    }
  }
  return { rows: out.captured!.rows, message: 'OK' };
}
