// docs generate / docs serve / docs lineage.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { docsGenerate, lineage, serveDocs, TsdbtError, type DocsSiteData, type LineageFormat, type Project, type ResourceType } from '@tsdbt/core';
import { EXIT_OK, guarded, load, threadsOf, type CommandEnv } from '../context.js';

const FORMATS: readonly LineageFormat[] = ['mermaid', 'dot', 'json'];
const TYPES: readonly ResourceType[] = ['model', 'source', 'seed', 'snapshot', 'test', 'unit_test'];

type Render = (data: DocsSiteData) => string;

/** @tsdbt/docs-site's renderSite, imported only by the docs commands (it carries the site's bundled app). */
async function loadRenderer(): Promise<Render | undefined> {
  try {
    return (await import('@tsdbt/docs-site')).renderSite;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

const warn = (env: CommandEnv, message: string) => env.reporter.handle({ type: 'diagnostic', diagnostic: { level: 'warn', message } });

async function generate(env: CommandEnv, project: Project): Promise<void> {
  const t0 = performance.now();
  const render = await loadRenderer();
  if (!render) warn(env, '@tsdbt/docs-site is not installed: writing the JSON files without index.html');
  const result = await docsGenerate(project, { render, threads: threadsOf(env.flags), cache: env.flags.cache, onEvent: env.reporter.handle });
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const nodes = result.data.nodes.length;
  env.reporter.info(`Catalog: ${result.relations} relation${result.relations === 1 ? '' : 's'} → ${rel(result.catalogPath)}`);
  if (result.lineageErrors) env.reporter.info(`Column lineage incomplete or missing for ${result.lineageErrors} model${result.lineageErrors === 1 ? '' : 's'} (the reason is on their pages)`);
  env.reporter.info(`Docs for ${nodes} node${nodes === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(2)}s → ${rel(result.indexPath ?? result.dataPath)}`);
}

export function docsGenerateCommand(env: CommandEnv): Promise<number> {
  return guarded(env, async () => {
    await generate(env, await load(env));
    return EXIT_OK;
  });
}

export function docsServeCommand(env: CommandEnv, flags: { port?: string; host?: string }): Promise<number> {
  return guarded(env, async () => {
    const port = Number(flags.port ?? 8080);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TsdbtError('usage', `--port must be a port number (0–65535), got \`${flags.port}\``);
    const host = flags.host ?? '127.0.0.1';
    const project = await load(env);
    const dir = path.join(project.projectDir, project.config.targetPath);
    if (!existsSync(path.join(dir, 'index.html'))) await generate(env, project);
    const server = await serveDocs(dir, { port, host });
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) warn(env, `serving on ${host}: the docs, SQL included, are reachable from other machines`);
    env.reporter.info(`Serving docs at ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return EXIT_OK;
  });
}

export function docsLineageCommand(env: CommandEnv, flags: { select?: string[]; exclude?: string[]; resourceType?: string[]; format?: string }): Promise<number> {
  return guarded(env, async () => {
    const format = flags.format ?? 'mermaid';
    if (!FORMATS.includes(format as LineageFormat)) throw new TsdbtError('usage', `--format must be one of ${FORMATS.join(', ')} (got \`${format}\`)`);
    const resourceTypes = flags.resourceType?.map((t) => {
      if (!TYPES.includes(t as ResourceType)) throw new TsdbtError('usage', `unknown --resource-type \`${t}\``, { hint: `use one of ${TYPES.join(', ')}` });
      return t as ResourceType;
    });
    const project = await load(env);
    const text = await lineage(project, {
      select: flags.select,
      exclude: flags.exclude,
      resourceTypes,
      format: format as LineageFormat,
      cache: env.flags.cache,
      onEvent: env.reporter.handle,
    });
    env.io.out(text);
    return EXIT_OK;
  });
}
