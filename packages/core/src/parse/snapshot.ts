// snapshots/*.sql ({% snapshot %} blocks) and YAML snapshots (dbt 1.9 `relation:`) → SnapshotNode.
// Like models: ref/source/config found statically, the block body rendered only when that is not enough.
import { graphCallsOverridden } from '../template/context-vars.js';
import type { TemplateScan } from './model.js';
import { TsdbtError } from '../errors.js';
import { sha256, type ProjectFile } from '../project/files.js';
import { yamlPosition } from '../project/yaml-file.js';
import { firstWord, LineIndex, scanTemplate } from '../template/scanner.js';
import { extractStatic, type StaticExtraction } from '../template/static-extract.js';
import { finalizeConfig, folderConfigFor, mergeConfig, validateConfigKeys, validateFolderTree, type RawConfig } from './config.js';
import type { ParseKindContext } from './kind-context.js';
import type { RefCall, SnapshotNode, SourceCall, SourcePosition } from './nodes.js';
import { VOLATILE_NAMES } from './parse-project.js';
import { locateEntry, type NodePatch } from './properties.js';
import { resolveSnapshotSpec } from './snapshot-config.js';

/** One `{% snapshot name %}…{% endsnapshot %}` block of a file. */
export interface SnapshotBlock {
  name: string;
  body: string;
  /** Position of the `{% snapshot %}` tag, and of the first character of the body. */
  position: SourcePosition;
  bodyPosition: SourcePosition;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The snapshot blocks of a file, in order. Blocks cannot nest. */
export function findSnapshotBlocks(file: string, source: string): SnapshotBlock[] {
  const scan = scanTemplate(source);
  const lines = new LineIndex(source);
  if (scan.error) throw new TsdbtError('template', scan.error.message, { location: { file, ...lines.position(scan.error.pos) } });
  const blocks: SnapshotBlock[] = [];
  let open: { name: string; end: number; start: number } | undefined;
  for (const tag of scan.tags) {
    if (tag.kind !== 'stmt') continue;
    const word = firstWord(source, tag.codeStart, tag.codeEnd);
    if (word === 'snapshot') {
      const at = { file, ...lines.position(tag.start) };
      if (open) throw new TsdbtError('template', `\`{% snapshot %}\` inside snapshot \`${open.name}\`: snapshot blocks cannot nest`, { location: at, hint: 'close the first block with {% endsnapshot %}' });
      const name = source.slice(tag.codeStart, tag.codeEnd).trim().slice('snapshot'.length).trim();
      if (!NAME.test(name)) throw new TsdbtError('template', `\`{% snapshot ${name} %}\` needs a name made of letters, digits and underscores`, { location: at, hint: 'e.g. {% snapshot orders_snapshot %}' });
      open = { name, start: tag.start, end: tag.end };
    } else if (word === 'endsnapshot') {
      if (!open) throw new TsdbtError('template', '`{% endsnapshot %}` without a `{% snapshot %}`', { location: { file, ...lines.position(tag.start) } });
      blocks.push({ name: open.name, body: source.slice(open.end, tag.start), position: lines.position(open.start), bodyPosition: lines.position(open.end) });
      open = undefined;
    }
  }
  if (open) throw new TsdbtError('template', `snapshot \`${open.name}\` is never closed`, { location: { file, ...lines.position(open.start) }, hint: 'end it with {% endsnapshot %}' });
  return blocks;
}

/** Positions found in a block body, moved to where the body sits in its file. */
function shift(pos: SourcePosition | undefined, base: SourcePosition): SourcePosition | undefined {
  if (!pos) return undefined;
  return pos.line === 1 ? { line: base.line, column: base.column + pos.column - 1 } : { line: base.line + pos.line - 1, column: pos.column };
}

type BodyScan = TemplateScan;

/** Static extraction first; a parse-time render (recording ref/source/config) when it is not complete. */
function scanBody(ctx: ParseKindContext, file: string, body: string, checksum: string, base: SourcePosition): BodyScan {
  const ex = ctx.extractionCache?.get(checksum) ?? extractStatic(body);
  ctx.extractions.set(checksum, ex);
  const moved = <T extends { position?: SourcePosition | undefined }>(c: T): T => ({ ...c, position: shift(c.position, base) });
  if (ex.complete && !ex.calls.some((c) => ctx.refMacros.has(c)) && !graphCallsOverridden(ctx.engine)) {
    let inFileConfig: RawConfig = {};
    for (const c of ex.configs) inFileConfig = mergeConfig(inFileConfig, c as RawConfig);
    return { refs: ex.refs.map(moved), sources: ex.sources.map(moved), inFileConfig, macros: ex.calls, renderedAtParse: false, extraction: ex };
  }
  const record = { refs: [] as RefCall[], sources: [] as SourceCall[], configs: [] as RawConfig[] };
  try {
    ctx.engine.render(file, body, ctx.recordingContext(record, file));
  } catch (e) {
    // The engine counts lines from the start of the block body; name the line in the file.
    if (!(e instanceof TsdbtError) || e.location?.file !== file || !e.location.line) throw e;
    const at = shift({ line: e.location.line, column: e.location.column ?? 1 }, base);
    throw new TsdbtError(e.kind, e.message, { location: { file, line: at?.line, column: e.location.column === undefined ? undefined : at?.column }, hint: e.hint, cause: e.cause });
  }
  let inFileConfig: RawConfig = {};
  for (const c of record.configs) inFileConfig = mergeConfig(inFileConfig, c);
  const pos = new Map(ex.refs.map((r) => [r.name, shift(r.position, base)]));
  return { refs: record.refs.map((r) => ({ ...r, position: r.position ?? pos.get(r.name) })), sources: record.sources, inFileConfig, macros: ex.calls, renderedAtParse: true, extraction: ex };
}

export function parseSnapshots(ctx: ParseKindContext): SnapshotNode[] {
  const { project, diagnostics: d } = ctx;
  const projectName = project.config.name;
  const folderTree = project.config.folderConfig.snapshots;
  validateFolderTree(folderTree, d, (p) => ({ file: project.projectFile, ...yamlPosition(project.projectYaml, ['snapshots', ...p]) }));

  const patches = new Map<string, NodePatch>();
  for (const p of ctx.patches) {
    if (p.kind !== 'snapshots') continue;
    const prev = patches.get(p.name);
    if (prev) throw new TsdbtError('yaml', `snapshot \`${p.name}\` is described twice: in ${prev.file} and ${p.file}`, { location: { file: p.file, ...locateEntry(project.files.properties, p) }, hint: 'keep one properties entry per snapshot' });
    patches.set(p.name, p);
  }

  const nodes = new Map<string, SnapshotNode>();
  const add = (node: SnapshotNode, at: { line?: number | undefined; column?: number | undefined } | undefined) => {
    const dup = nodes.get(node.name);
    if (dup) {
      throw new TsdbtError('project', `two snapshots are named \`${node.name}\`: in ${dup.originalFilePath} and ${node.originalFilePath}`, {
        location: { file: node.originalFilePath, ...at },
        hint: 'snapshot names must be unique across the project',
      });
    }
    nodes.set(node.name, node);
  };
  /** Config in dbt's order (folder < properties YAML < config() in the block), then checked like dbt does at parse time. */
  const configOf = (name: string, fqn: string[], patch: NodePatch | undefined, inFile: RawConfig, at: { file: string; line?: number | undefined; column?: number | undefined }) => {
    let raw: RawConfig = folderConfigFor(folderTree, fqn);
    if (patch) raw = mergeConfig(raw, patch.config);
    raw = mergeConfig(raw, inFile);
    const config = finalizeConfig(raw, { materialized: 'snapshot' });
    config.materialized = 'snapshot';
    if (config.enabled) {
      try {
        resolveSnapshotSpec(config);
      } catch (e) {
        if (!(e instanceof TsdbtError)) throw e;
        throw new TsdbtError('config', `snapshot \`${name}\`: ${e.message}`, { location: at, hint: e.hint });
      }
    }
    return config;
  };
  const fqnOf = (file: ProjectFile, name: string) => [projectName, ...file.pathInFolder.split('/').slice(0, -1), name];

  // {% snapshot %} blocks in snapshot-paths.
  for (const file of project.files.snapshots) {
    const blocks = findSnapshotBlocks(file.relPath, file.contents);
    if (blocks.length === 0) {
      d.warn(`${file.relPath} has no {% snapshot %} block, so it defines no snapshot`, { file: file.relPath }, 'wrap the select in {% snapshot name %} … {% endsnapshot %}');
      continue;
    }
    for (const block of blocks) {
      const checksum = sha256(block.body);
      const scan = scanBody(ctx, file.relPath, block.body, checksum, block.bodyPosition);
      const at = { file: file.relPath, ...block.position };
      validateConfigKeys(scan.inFileConfig, d, () => at);
      const patch = patches.get(block.name);
      if (patch?.relation !== undefined) {
        throw new TsdbtError('project', `snapshot \`${block.name}\` is defined twice: by ${file.relPath} and by \`relation:\` in ${patch.file}`, {
          location: { file: patch.file, ...locateEntry(project.files.properties, patch) },
          hint: 'keep the {% snapshot %} block or the YAML snapshot, not both',
        });
      }
      const fqn = fqnOf(file, block.name);
      const config = configOf(block.name, fqn, patch, scan.inFileConfig, at);
      add(
        {
          uniqueId: `snapshot.${projectName}.${block.name}`,
          resourceType: 'snapshot',
          name: block.name,
          packageName: projectName,
          originalFilePath: file.relPath,
          path: file.pathInFolder,
          fqn,
          description: patch?.description ?? '',
          columns: patch?.columns ?? {},
          config,
          tags: config.tags,
          patchPath: patch?.file,
          rawCode: block.body,
          // Of the block's text: compile finds the static extraction of exactly this text by it.
          checksum,
          refs: scan.refs,
          sources: scan.sources,
          macros: scan.macros.filter((m) => ctx.engine.hasMacro(m)),
          renderedAtParse: scan.renderedAtParse,
          volatile: VOLATILE_NAMES.test(block.body) || scan.extraction.calls.some((c) => ctx.volatileMacros.has(c)),
        },
        block.position,
      );
    }
  }

  // YAML snapshots: `relation: ref('x')` or `source('s', 't')` with `config:` (dbt 1.9).
  for (const patch of patches.values()) {
    const at = { file: patch.file, ...locateEntry(project.files.properties, patch) };
    if (patch.relation === undefined) {
      if (!nodes.has(patch.name)) d.warn(`properties describe snapshot \`${patch.name}\`, but no {% snapshot ${patch.name} %} block defines it`, at, 'add `relation: ref(…)` to define it in YAML');
      continue;
    }
    const relation = patch.relation.trim().replace(/^\{\{\s*(.*?)\s*\}\}$/s, '$1');
    const rawCode = `select * from {{ ${relation} }}`;
    const checksum = sha256(rawCode);
    const ex = extractStatic(rawCode);
    if (!ex.complete || ex.calls.length > 0 || ex.configs.length > 0 || ex.refs.length + ex.sources.length !== 1) {
      throw new TsdbtError('yaml', `snapshot \`${patch.name}\`: \`relation: ${patch.relation}\` must be a ref() or a source()`, { location: at, hint: "e.g. relation: ref('orders') or relation: source('shop', 'orders')" });
    }
    ctx.extractions.set(checksum, ex);
    const file = project.files.properties.find((f) => f.relPath === patch.file);
    const fqn = file ? fqnOf(file, patch.name) : [projectName, patch.name];
    const config = configOf(patch.name, fqn, patch, {}, at);
    add(
      {
        uniqueId: `snapshot.${projectName}.${patch.name}`,
        resourceType: 'snapshot',
        name: patch.name,
        packageName: projectName,
        originalFilePath: patch.file,
        path: file?.pathInFolder ?? patch.file,
        fqn,
        description: patch.description,
        columns: patch.columns,
        config,
        tags: config.tags,
        patchPath: patch.file,
        rawCode,
        checksum,
        refs: ex.refs.map((r) => ({ ...r, position: at.line ? { line: at.line, column: at.column ?? 1 } : undefined })),
        sources: ex.sources.map((s) => ({ ...s, position: at.line ? { line: at.line, column: at.column ?? 1 } : undefined })),
        macros: [],
        renderedAtParse: false,
        volatile: false,
      },
      at,
    );
  }
  return [...nodes.values()];
}
