// docs generate / docs serve / docs lineage as library calls.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildCatalog, writeCatalog } from '../artifacts/catalog.js';
import { buildManifest, writeManifest } from '../artifacts/manifest.js';
import { newInvocationId, TSDBT_VERSION, writeJson } from '../artifacts/metadata.js';
import { compileProject, writeCompiledFiles } from '../compile/compile-project.js';
import { compileDeferred } from './compile.js';
import { buildSiteData, lastResultsFrom } from '../docs/build-site-data.js';
import { computeColumnLineage } from '../docs/resolve-lineage.js';
import { columnLineage } from '../lineage/column-lineage.js';
import type { DocsSiteData } from '../docs/site-data.js';
import { formatLineage, lineageLabel, type LineageFormat } from '../docs/text-lineage.js';
import { TsdbtError } from '../errors.js';
import { hasRelation, introspectCatalog } from '../execute/introspect-catalog.js';
import { dialectFor, openSession } from '../execute/session.js';
import { isSqlNode, type GraphNode } from '../parse/nodes.js';
import type { Project } from '../project/load-project.js';
import { loadCompiledCache, saveCompiledCache } from './compile-cache.js';
import { parseWithEvents, selectInOrder, type CommonOptions, type SelectOptions } from './prepare.js';

export interface DocsGenerateOptions extends CommonOptions {
  /** Turns the site data into the HTML page written to target/index.html (the CLI passes @tsdbt/docs-site's renderSite). Without it only the JSON files are written. */
  render?: ((data: DocsSiteData) => string) | undefined;
  /** Connections used to introspect the warehouse (default: the project's threads). */
  threads?: number | undefined;
  /** Skip `select count(*)` on every relation (default: count). */
  rowCounts?: boolean | undefined;
}

export interface DocsGenerateResult {
  data: DocsSiteData;
  manifestPath: string;
  catalogPath: string;
  /** target/docs-data.json */
  dataPath: string;
  /** target/index.html, when a renderer was given. */
  indexPath?: string | undefined;
  /** Relations found in the warehouse (catalog entries). */
  relations: number;
  /** Nodes whose column lineage could not be computed. */
  lineageErrors: number;
}

/**
 * dbt's `docs generate`: compile every model, snapshot and test; write manifest.json; introspect
 * each relation's columns, types and row count into catalog.json; add the last run results and
 * column lineage; write docs-data.json and, with `render`, index.html.
 */
export async function docsGenerate(project: Project, options: DocsGenerateOptions = {}): Promise<DocsGenerateResult> {
  const parsed = await parseWithEvents(project, options);
  const { adapter, dialect } = await dialectFor(project, options.adapters);
  const useCache = options.cache !== false;
  const previous = useCache ? loadCompiledCache(project) : undefined;
  const ids = parsed.order.filter((id) => isSqlNode(parsed.nodes.get(id)!));
  const compiled = compileProject(parsed, { dialect, nodeIds: ids, cachedBodies: previous?.entries, trustCache: previous?.sameProject && parsed.fromSnapshot, deferWarehouse: true, writeFiles: false });
  // Models whose templates query the warehouse (run_query …) compile with a connection.
  await compileDeferred(project, compiled, ids, options.adapters);
  writeCompiledFiles(project.projectDir, compiled.models.values());
  if (useCache) saveCompiledCache(project, compiled.compiler, previous);
  const invocationId = newInvocationId();
  const relationName = (n: GraphNode) => (n.relation ? dialect.relationName(n.relation) : undefined);
  const manifestPath = writeManifest(parsed, () => buildManifest(parsed, relationName, adapter.type, invocationId, compiled.models));

  const session = await openSession(project, options.adapters, options.threads ?? project.threads);
  let catalog;
  try {
    catalog = await introspectCatalog(session, parsed.nodes.values(), { rowCounts: options.rowCounts });
  } finally {
    await session.close();
  }
  const catalogPath = writeCatalog(parsed, buildCatalog(parsed, catalog, adapter.type, invocationId));

  const targetDir = path.join(project.projectDir, project.config.targetPath);
  let runResults: unknown;
  try {
    runResults = JSON.parse(readFileSync(path.join(targetDir, 'run_results.json'), 'utf8'));
  } catch {
    runResults = undefined; // none yet, or unreadable: no last statuses
  }
  const lineage = await computeColumnLineage(parsed, compiled.models, catalog, columnLineage);

  const data = buildSiteData({
    parsed,
    project: { name: project.config.name, generatedAt: new Date().toISOString(), target: project.target.name, adapter: adapter.type, tsdbtVersion: TSDBT_VERSION },
    compiled: compiled.models,
    catalog,
    lastResults: lastResultsFrom(runResults),
    lineage,
    relationName: (n) => (hasRelation(n) ? relationName(n) : undefined),
  });
  const dataPath = path.join(targetDir, 'docs-data.json');
  writeJson(dataPath, data);
  let indexPath: string | undefined;
  if (options.render) {
    indexPath = path.join(targetDir, 'index.html');
    writeFileSync(indexPath, options.render(data));
  }
  const lineageErrors = [...lineage.values()].filter((l) => l.error).length;
  return { data, manifestPath, catalogPath, dataPath, indexPath, relations: catalog.size, lineageErrors };
}

export interface LineageOptions extends SelectOptions, CommonOptions {
  /** Default 'mermaid'. */
  format?: LineageFormat | undefined;
}

/** Text lineage of the selected nodes (default: every model, seed, snapshot and source): Mermaid, DOT or JSON. Needs no warehouse. */
export async function lineage(project: Project, options: LineageOptions = {}): Promise<string> {
  const format = options.format ?? 'mermaid';
  if (!['mermaid', 'dot', 'json'].includes(format)) throw new TsdbtError('usage', `unknown lineage format \`${format}\``, { hint: 'use mermaid, dot or json' });
  const parsed = await parseWithEvents(project, options);
  const ids = selectInOrder(parsed, options, ['model', 'seed', 'snapshot', 'source']);
  const chosen = new Set(ids);
  const nodes = ids.map((id) => {
    const n = parsed.nodes.get(id)!;
    return { uniqueId: id, name: lineageLabel(n), resourceType: n.resourceType };
  });
  const edges: Array<[string, string]> = [];
  for (const id of ids) for (const child of parsed.graph.outNeighbors(id)) if (chosen.has(child)) edges.push([id, child]);
  return formatLineage({ nodes, edges }, format);
}

export interface ServeOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number | undefined;
  /** Default 127.0.0.1 (loopback only). */
  host?: string | undefined;
}

export interface DocsServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** The files `docs serve` hands out, by URL path; nothing else under target/ is reachable. */
const SERVED: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/docs-data.json': { file: 'docs-data.json', type: 'application/json' },
  '/manifest.json': { file: 'manifest.json', type: 'application/json' },
  '/catalog.json': { file: 'catalog.json', type: 'application/json' },
  '/run_results.json': { file: 'run_results.json', type: 'application/json' },
};

/** Serve a docs folder (target/) over HTTP: index.html and the JSON artifacts, read on each request. */
export function serveDocs(dir: string, options: ServeOptions = {}): Promise<DocsServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const entry = SERVED[pathname];
    const file = entry ? path.join(dir, entry.file) : undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!entry || !file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}\n`);
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': entry.type, 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new TsdbtError('usage', `port ${options.port ?? 8080} on ${host} is already in use`, { hint: 'pass another --port' }) : e),
    );
    server.listen(options.port ?? 8080, host, () => {
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
