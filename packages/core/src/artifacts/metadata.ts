// Shared artifact header: versioned from day one.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TSDBT_VERSION = '0.1.0';

export interface ArtifactMetadata {
  tsdbt_schema_version: string;
  dbt_schema_version: string;
  tsdbt_version: string;
  generated_at: string;
  invocation_id: string;
  project_name: string;
  adapter_type: string;
  env: Record<string, string>;
}

export function newInvocationId(): string {
  return randomUUID();
}

export function metadata(kind: 'manifest' | 'run-results' | 'catalog' | 'sources', version: number, dbtVersion: string, project: string, adapterType: string, invocationId: string): ArtifactMetadata {
  return {
    tsdbt_schema_version: `https://tsdbt.dev/schemas/${kind}/v${version}.json`,
    dbt_schema_version: `https://schemas.getdbt.com/dbt/${kind}/${dbtVersion}.json`,
    tsdbt_version: TSDBT_VERSION,
    generated_at: new Date().toISOString(),
    invocation_id: invocationId,
    project_name: project,
    adapter_type: adapterType,
    env: {},
  };
}

/** Write JSON (compact by default: artifacts of big projects are tens of MB). */
export function writeJson(file: string, value: unknown, pretty = false): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}
