// Template context shared by every phase: var, env_var, target, project_name, flags, invocation_id,
// run_started_at, dbt_version, selected_resources (`builtins` is resolved by the engine).
// Node-specific names (ref, source, config, this, is_incremental) are added per render.
import { didYouMean, TsdbtError } from '../errors.js';
import type { Project } from '../project/load-project.js';
import { SECRET_TARGET_KEYS } from '../project/profiles.js';
import { envVarLookup, SECRET_ENV_PREFIXES } from '../project/yaml-render.js';
import { jinjaFunction } from '../template/engine.js';
import { dbtFlags, parseTimeIntrospection } from '../template/introspection.js';
import { invocationContext, newInvocation, type Invocation } from '../template/context-vars.js';

export type TemplateContext = Record<string, unknown>;

/** `target` as templates see it: the target config without secrets, plus name and profile_name. */
export function targetContext(project: Project, secretKeys: readonly string[] = []): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(project.target.config)) {
    if (SECRET_TARGET_KEYS.includes(k) || secretKeys.includes(k)) continue;
    if (typeof v === 'string' && project.secrets.has(v)) continue;
    // Connection URLs keep their shape, not their password.
    t[k] = typeof v === 'string' ? v.replace(/(:\/\/[^:/@\s]*:)[^@\s]+@/g, '$1*****@') : v;
  }
  return { ...t, name: project.target.name, profile_name: project.target.profileName, threads: project.threads, database: project.target.config.database ?? project.target.config['dbname'] ?? urlDatabase(project.target.config['url']) ?? null };
}

/** The database named by a connection URL's path (`postgres://h/db` → `db`). */
function urlDatabase(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
    return name || undefined;
  } catch {
    return undefined;
  }
}

/** `onEnvRead` sees every env var a template reads (name, value), for cache validation. */
export function baseContext(project: Project, phase: 'parse' | 'compile' | 'run', file: () => string, onEnvRead?: (name: string, value: string | undefined) => void, runFlags?: { fullRefresh: boolean; storeFailures: boolean; command: string }, invocation: Invocation = newInvocation()): TemplateContext {
  const target = targetContext(project);
  return {
    project_name: project.config.name,
    ...invocationContext(invocation),
    target,
    execute: phase !== 'parse',
    flags: dbtFlags(runFlags, phase),
    // run_query, statement, adapter.get_relation … return nothing at parse (compile/run: see compile/async-render.ts).
    ...(phase === 'parse' ? parseTimeIntrospection(String(project.target.config.type)) : {}),
    var: jinjaFunction(([name, fallback]) => {
      const key = String(name);
      if (Object.prototype.hasOwnProperty.call(project.vars, key)) return project.vars[key];
      if (fallback !== undefined) return fallback;
      const hint = didYouMean(key, Object.keys(project.vars));
      throw new TsdbtError('template', `required var \`${key}\` is not defined`, {
        location: { file: file() },
        hint: hint ?? `define it under \`vars:\` in ${project.projectFile}, pass --vars '{${key}: …}', or give var() a default`,
      });
    }),
    env_var: jinjaFunction(([name, fallback]) => {
      const key = String(name);
      if (SECRET_ENV_PREFIXES.some((p) => key.startsWith(p))) {
        // A secret rendered into SQL would land in compiled files and run_results.json.
        throw new TsdbtError('template', `secret env var \`${key}\` cannot be used in models, macros or tests`, {
          location: { file: file() },
          hint: 'secret env vars are for profiles.yml (passwords, tokens) only',
        });
      }
      onEnvRead?.(key, project.env[key]);
      return envVarLookup(project, key, fallback, file());
    }),
  };
}
