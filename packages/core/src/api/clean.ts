// clean: remove clean-targets, refusing anything outside the project dir.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { TsdbtError } from '../errors.js';
import type { Project } from '../project/load-project.js';

export function clean(project: Project): string[] {
  const removed: string[] = [];
  for (const t of project.config.cleanTargets) {
    const abs = path.resolve(project.projectDir, t);
    const rel = path.relative(project.projectDir, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new TsdbtError('config', `clean-targets entry \`${t}\` is outside the project folder; refusing to delete it`, { location: { file: project.projectFile } });
    }
    rmSync(abs, { recursive: true, force: true });
    removed.push(rel);
  }
  return removed;
}
