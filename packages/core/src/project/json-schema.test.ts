import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_FILES, projectJsonSchema } from './json-schema.js';

describe('published JSON Schemas', () => {
  it('match the config key tables (regenerate with `node packages/core/scripts/write-schemas.mjs`)', () => {
    for (const [file, make] of Object.entries(JSON_SCHEMA_FILES)) {
      const committed = JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8'));
      expect(committed, file).toEqual(make());
    }
  });

  it('offer +materialized with its allowed values in folder config', () => {
    const folder = (projectJsonSchema().$defs as Record<string, { properties: Record<string, { enum?: string[] }> }>).folderConfig!;
    expect(folder.properties['+materialized']!.enum).toContain('incremental');
    expect(folder.properties['+materialised']).toBeUndefined();
  });
});
