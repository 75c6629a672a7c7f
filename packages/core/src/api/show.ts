// show: preview rows of a model or of inline SQL, compiled with the same context as models.
import type { ColumnMeta } from '../adapter/types.js';
import { Compiler } from '../compile/compile-project.js';
import { compileWithWarehouse, warehouseAccess } from '../compile/async-render.js';
import { TsdbtError, didYouMean } from '../errors.js';
import { redact } from '../execute/redact.js';
import { openSession } from '../execute/session.js';
import type { ModelNode } from '../parse/nodes.js';
import { extractStatic } from '../template/static-extract.js';
import type { Project } from '../project/load-project.js';
import { parseWithEvents, selectInOrder, type CommonOptions } from './prepare.js';

export interface ShowOptions extends CommonOptions {
  /** One model selector. */
  select?: string | undefined;
  /** SQL with Jinja, compiled like a model. */
  inline?: string | undefined;
  /** Default 5, as in dbt; -1 (any negative): every row. */
  limit?: number | undefined;
}

export interface ShowResult {
  /** The model's name, or `inline_query` (dbt's `node` in `show --output json`). */
  name: string;
  columns: ColumnMeta[];
  rows: Record<string, unknown>[];
  compiledSql: string;
  /** True when the query has more rows than `limit` (one more row is fetched to know). */
  truncated: boolean;
}

export async function show(project: Project, options: ShowOptions): Promise<ShowResult> {
  if (!options.select === !options.inline) throw new TsdbtError('usage', 'show needs exactly one of --select or --inline');
  const parsed = await parseWithEvents(project, options);
  let node: ModelNode;
  if (options.inline !== undefined) {
    const ex = extractStatic(options.inline);
    node = {
      uniqueId: `sql_operation.${project.config.name}.inline_query`,
      resourceType: 'model',
      name: 'inline_query',
      packageName: project.config.name,
      originalFilePath: '<inline>',
      path: '<inline>',
      fqn: [project.config.name, 'inline_query'],
      description: '',
      columns: {},
      config: { enabled: true, materialized: 'view', tags: [], meta: {} },
      tags: [],
      rawCode: options.inline,
      checksum: '',
      refs: ex.refs,
      sources: ex.sources,
      macros: [],
      renderedAtParse: false,
      volatile: true,
      relation: { schema: project.target.config.schema, identifier: 'inline_query' },
    };
  } else {
    const ids = selectInOrder(parsed, { select: options.select }, ['model']);
    if (ids.length !== 1) {
      const names = [...parsed.nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.name);
      const hint = ids.length === 0 ? didYouMean(String(options.select), names) : `it matched: ${ids.map((i) => parsed.nodes.get(i)!.name).join(', ')}`;
      throw new TsdbtError('selector', `show --select must match exactly one model; \`${options.select}\` matched ${ids.length}`, { hint });
    }
    node = parsed.nodes.get(ids[0]!) as ModelNode;
  }
  const session = await openSession(project, options.adapters, 1);
  try {
    const compiler = new Compiler(parsed, session.dialect);
    const compiled = await session.pool.withConnection((conn) => compileWithWarehouse(compiler, node, warehouseAccess(conn, session.introspector)));
    const limit = options.limit ?? 5;
    const sql = limit < 0 ? compiled.compiledSql : session.dialect.limitQuery(compiled.compiledSql, limit + 1);
    try {
      const res = await session.pool.withConnection((conn) => conn.execute(sql));
      const truncated = limit >= 0 && res.rows.length > limit;
      return { name: node.name, columns: res.columns, rows: truncated ? res.rows.slice(0, limit) : res.rows, compiledSql: compiled.compiledSql, truncated };
    } catch (e) {
      throw new TsdbtError('database', redact(project, (e as Error).message), { location: { file: node.originalFilePath } });
    }
  } finally {
    await session.close();
  }
}
