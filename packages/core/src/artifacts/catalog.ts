// target/catalog.json, shaped like dbt's: every relation's metadata, columns (type, index) and stats.
import path from 'node:path';
import type { CatalogRelation } from '../execute/introspect-catalog.js';
import type { ParsedProject } from '../parse/parse-project.js';
import { metadata, writeJson } from './metadata.js';

export const CATALOG_VERSION = 1;

export interface CatalogColumn {
  type: string;
  /** 1-based ordinal position. */
  index: number;
  name: string;
  comment: null;
}

export interface CatalogEntry {
  metadata: { type: 'BASE TABLE' | 'VIEW'; schema: string; name: string; database: string | null; comment: null; owner: null };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, { id: string; label: string; value: number | boolean | null; include: boolean; description: string }>;
  unique_id: string;
}

export function catalogEntry(rel: CatalogRelation): CatalogEntry {
  const columns: Record<string, CatalogColumn> = {};
  rel.columns.forEach((c, i) => (columns[c.name] = { type: c.type, index: i + 1, name: c.name, comment: null }));
  const stats: CatalogEntry['stats'] = {
    has_stats: { id: 'has_stats', label: 'Has Stats?', value: rel.rowCount !== null, include: false, description: 'Indicates whether there are statistics for this table' },
  };
  if (rel.rowCount !== null) stats.row_count = { id: 'row_count', label: 'Row Count', value: rel.rowCount, include: true, description: 'Number of rows in the relation (select count(*))' };
  return {
    metadata: { type: rel.kind === 'view' ? 'VIEW' : 'BASE TABLE', schema: rel.relation.schema, name: rel.relation.identifier, database: rel.relation.database ?? null, comment: null, owner: null },
    columns,
    stats,
    unique_id: rel.uniqueId,
  };
}

/** The catalog of the introspected relations: sources under `sources`, everything else under `nodes`. */
export function buildCatalog(parsed: ParsedProject, relations: ReadonlyMap<string, CatalogRelation>, adapterType: string, invocationId: string): Record<string, unknown> {
  const nodes: Record<string, CatalogEntry> = {};
  const sources: Record<string, CatalogEntry> = {};
  for (const rel of relations.values()) {
    const kind = parsed.nodes.get(rel.uniqueId)?.resourceType;
    (kind === 'source' ? sources : nodes)[rel.uniqueId] = catalogEntry(rel);
  }
  return {
    metadata: metadata('catalog', CATALOG_VERSION, 'v1', parsed.project.config.name, adapterType, invocationId),
    nodes,
    sources,
    errors: null,
  };
}

export function writeCatalog(parsed: ParsedProject, catalog: Record<string, unknown>): string {
  const file = path.join(parsed.project.projectDir, parsed.project.config.targetPath, 'catalog.json');
  writeJson(file, catalog);
  return file;
}
