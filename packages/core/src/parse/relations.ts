// Where each node lands: dbt's generate_database_name / generate_schema_name / generate_alias_name,
// each overridable by a project macro of the same name.
import { baseContext } from '../compile/base-context.js';
import { TsdbtError } from '../errors.js';
import type { Project } from '../project/load-project.js';
import type { TemplateEngine } from '../template/engine.js';
import type { GraphNode } from './nodes.js';

/** The node as macros see it (`node.name`, `node.fqn`, `node.config.materialized` …). */
export function nodeForTemplates(node: GraphNode): Record<string, unknown> {
  return {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.path,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    tags: node.tags,
    config: node.config,
    description: node.description,
  };
}

function callNamingMacro(engine: TemplateEngine, project: Project, name: string, args: unknown[], node: GraphNode): string {
  const ctx = baseContext(project, 'parse', () => node.originalFilePath);
  let out: unknown;
  try {
    out = engine.callMacro(name, args, { ...ctx, node: nodeForTemplates(node) });
  } catch (e) {
    if (e instanceof TsdbtError) throw e;
    throw new TsdbtError('template', `${name}() failed for \`${node.name}\`: ${(e as Error).message}`, { location: { file: node.originalFilePath } });
  }
  return String(out ?? '').trim();
}

export function resolveRelations(project: Project, engine: TemplateEngine, nodes: Iterable<GraphNode>): void {
  const target = project.target.config;
  const customSchema = engine.hasMacro('generate_schema_name');
  const customAlias = engine.hasMacro('generate_alias_name');
  const customDatabase = engine.hasMacro('generate_database_name');
  for (const node of nodes) {
    if (node.resourceType === 'source') continue;
    const c = node.config;
    const schema = customSchema
      ? callNamingMacro(engine, project, 'generate_schema_name', [c.schema ?? null, nodeForTemplates(node)], node)
      : c.schema === undefined
        ? target.schema
        : `${target.schema}_${c.schema.trim()}`;
    const identifier = customAlias ? callNamingMacro(engine, project, 'generate_alias_name', [c.alias ?? null, nodeForTemplates(node)], node) : (c.alias?.trim() ?? node.name);
    const databaseName = customDatabase ? callNamingMacro(engine, project, 'generate_database_name', [c.database ?? null, nodeForTemplates(node)], node) : (c.database ?? target.database);
    node.relation = { database: databaseName || undefined, schema, identifier };
    if (node.resourceType === 'snapshot') {
      // Legacy snapshot placement: target_schema / target_database are used verbatim, over generate_*_name (as in dbt ≥ 1.9).
      if (typeof c.target_schema === 'string' && c.target_schema.trim()) node.relation.schema = c.target_schema.trim();
      if (typeof c.target_database === 'string' && c.target_database.trim()) node.relation.database = c.target_database.trim();
    }
  }
}
