import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsdbtError } from '../errors.js';
import { redact } from '../execute/redact.js';
import { loadProject } from './load-project.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-load-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const PROFILES = `
shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('SHOP_DB', 'dev.duckdb') }}"
      schema: analytics
      threads: "{{ env_var('SHOP_THREADS', '2') }}"
    prod:
      type: duckdb
      path: prod.duckdb
      schema: prod
      password: "{{ env_var('TSDBT_ENV_SECRET_PW') }}"
`;

describe('loadProject', () => {
  it('defaults to DuckDB at <project>/<name>.duckdb, schema main, when there is no profile', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\n' });
    const p = await loadProject({ projectDir: dir, env: { HOME: dir } });
    expect(p.target).toMatchObject({ name: 'default', config: { type: 'duckdb', schema: 'main', path: path.join(dir, 'shop.duckdb') } });
    expect(p.config.modelPaths).toEqual(['models']);
    expect(p.threads).toBe(4);
  });

  it('reads dbt_project.yml when tsdbt_project.yml is absent', async () => {
    const dir = project({ 'dbt_project.yml': "name: jaffle\nmodel-paths: ['transform']\n", 'transform/a.sql': 'select 1' });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.projectFile).toBe('dbt_project.yml');
    expect(p.files.models.map((f) => f.relPath)).toEqual(['transform/a.sql']);
  });

  it('finds profiles.yml in the project dir, renders env_var, and coerces numbers', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\nprofile: shop\n', 'profiles.yml': PROFILES });
    const p = await loadProject({ projectDir: dir, env: { SHOP_THREADS: '3' } });
    expect(p.target.name).toBe('dev');
    expect(p.target.config).toMatchObject({ type: 'duckdb', path: 'dev.duckdb', schema: 'analytics', threads: 3 });
    expect(p.threads).toBe(3);
  });

  it('prefers --profiles-dir, then $TSDBT_PROFILES_DIR, over the project dir', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\nprofile: shop\n', 'profiles.yml': PROFILES });
    const other = project({ 'profiles.yml': PROFILES.replace('schema: analytics', 'schema: from_other') });
    const envDir = project({ 'profiles.yml': PROFILES.replace('schema: analytics', 'schema: from_env') });
    expect((await loadProject({ projectDir: dir, env: { TSDBT_PROFILES_DIR: envDir } })).target.config.schema).toBe('from_env');
    expect((await loadProject({ projectDir: dir, profilesDir: other, env: { TSDBT_PROFILES_DIR: envDir } })).target.config.schema).toBe('from_other');
  });

  it('selects --target and keeps secret env values for redaction', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\nprofile: shop\n', 'profiles.yml': PROFILES });
    const p = await loadProject({ projectDir: dir, target: 'prod', env: { TSDBT_ENV_SECRET_PW: 's3cr3t-pw' } });
    expect(p.target.config.schema).toBe('prod');
    expect(redact(p, 'connect failed for password s3cr3t-pw')).toBe('connect failed for password *****');
  });

  it('names an unknown target and suggests the closest', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\nprofile: shop\n', 'profiles.yml': PROFILES });
    const err = await loadProject({ projectDir: dir, target: 'prd', env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsdbtError);
    expect((err as TsdbtError).format()).toMatch(/profiles\.yml:\d+:\d+: target `prd` is not defined in profile `shop`\n {2}did you mean `prod`\?/);
  });

  it('errors on env_var without a value or default', async () => {
    const dir = project({ 'tsdbt_project.yml': "name: shop\nvars:\n  region: \"{{ env_var('REGION') }}\"\n" });
    const err = await loadProject({ projectDir: dir, env: {} }).catch((e: unknown) => e);
    expect((err as TsdbtError).message).toBe('env var `REGION` is not set and env_var() was given no default');
  });

  it('overlays --vars (YAML or JSON) on project vars, including package-scoped ones', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\nvars:\n  a: 1\n  b: 2\n  shop:\n    c: 3\n' });
    const p = await loadProject({ projectDir: dir, vars: '{"b": 20}', env: {} });
    expect(p.vars).toEqual({ a: 1, b: 20, c: 3 });
    const q = await loadProject({ projectDir: dir, vars: 'a: x', env: {} });
    expect(q.vars.a).toBe('x');
    await expect(loadProject({ projectDir: dir, vars: '[1, 2]', env: {} })).rejects.toThrow('--vars must be a mapping');
  });

  it('warns about unknown project keys with a suggestion', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\nmodel_paths: [models]\n' });
    const p = await loadProject({ projectDir: dir, env: {} });
    expect(p.diagnostics.items[0]).toMatchObject({ message: 'unknown project key `model_paths` — did you mean `model-paths`?', location: { file: 'tsdbt_project.yml', line: 2, column: 1 } });
    await expect(loadProject({ projectDir: dir, env: {}, strict: true })).rejects.toThrow(/model-paths/);
  });
});

describe('--target without a profile', () => {
  it('is an error rather than a silent fallback to the zero-config target', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\n' });
    await expect(loadProject({ projectDir: dir, target: 'prod', env: { HOME: dir } })).rejects.toThrow('--target prod was given, but no profiles.yml was found');
  });
});

describe('file stat cache', () => {
  it('reuses checksums of files whose size, mtime and inode are unchanged, and re-reads changed ones', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\n', 'models/a.sql': 'select 1 as a', 'models/b.sql': 'select 2 as b' });
    const { utimesSync } = await import('node:fs');
    const past = new Date(Date.now() - 3600_000);
    for (const f of ['models/a.sql', 'models/b.sql']) utimesSync(path.join(dir, f), past, past);
    const first = await loadProject({ projectDir: dir, env: {} });
    const sumA = first.files.models[0]!.checksum;

    // Same size and mtime: trusted (contents are read lazily and not hashed again).
    writeFileSync(path.join(dir, 'models/a.sql'), 'select 9 as a');
    utimesSync(path.join(dir, 'models/a.sql'), past, past);
    // A real edit moves the mtime: detected.
    writeFileSync(path.join(dir, 'models/b.sql'), 'select 3 as b');
    const second = await loadProject({ projectDir: dir, env: {} });
    expect(second.files.models[0]!.checksum).toBe(sumA);
    expect(second.files.models[1]!.checksum).not.toBe(first.files.models[1]!.checksum);
    expect(second.files.models[1]!.contents).toBe('select 3 as b');

    // Without the cache everything is hashed from the contents.
    const fresh = await loadProject({ projectDir: dir, env: {}, cache: false });
    expect(fresh.files.models[0]!.checksum).not.toBe(sumA);
  });

  it('does not trust a file modified just before the cache was written (racy mtime)', async () => {
    const dir = project({ 'tsdbt_project.yml': 'name: shop\n', 'models/a.sql': 'select 1 as a' });
    const first = await loadProject({ projectDir: dir, env: {} });
    const file = path.join(dir, 'models/a.sql');
    const { statSync, utimesSync } = await import('node:fs');
    const before = statSync(file);
    writeFileSync(file, 'select 2 as a');
    utimesSync(file, before.atime, before.mtime); // same size, same mtime, written within the racy window
    const second = await loadProject({ projectDir: dir, env: {} });
    expect(second.files.models[0]!.checksum).not.toBe(first.files.models[0]!.checksum);
  });
});
