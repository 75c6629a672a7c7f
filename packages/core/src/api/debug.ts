// debug: show the resolved configuration (without secrets) and check the connection.
import type { Project } from '../project/load-project.js';
import { targetContext } from '../compile/base-context.js';
import { redact } from '../execute/redact.js';
import { openSession } from '../execute/session.js';
import type { CommonOptions } from './prepare.js';

export interface DebugCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DebugReport {
  projectDir: string;
  projectFile: string;
  profilesFile: string | undefined;
  target: Record<string, unknown>;
  checks: DebugCheck[];
  ok: boolean;
}

export async function debug(project: Project, options: CommonOptions = {}): Promise<DebugReport> {
  const checks: DebugCheck[] = [
    { name: 'project file', ok: true, detail: `${project.projectFile} (project \`${project.config.name}\`)` },
    { name: 'profile', ok: true, detail: project.target.profilesFile ? `${project.target.profilesFile}, target \`${project.target.name}\`` : 'none found: using the zero-config DuckDB target' },
  ];
  try {
    const session = await openSession(project, options.adapters, 1);
    try {
      const version = await session.pool.withConnection(async (c) => {
        await c.execute('select 1 as ok');
        return session.introspector.serverVersion ? await session.introspector.serverVersion(c) : undefined;
      });
      checks.push({ name: 'connection', ok: true, detail: `${session.adapter.type}: select 1 succeeded${version ? `; server: ${version}` : ''}` });
    } finally {
      await session.close();
    }
  } catch (e) {
    checks.push({ name: 'connection', ok: false, detail: redact(project, (e as Error).message) });
  }
  return {
    projectDir: project.projectDir,
    projectFile: project.projectFile,
    profilesFile: project.target.profilesFile,
    target: targetContext(project),
    checks,
    ok: checks.every((c) => c.ok),
  };
}
