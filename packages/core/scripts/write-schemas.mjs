// Regenerates packages/core/schemas/*.json from the config key tables (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_FILES } from '../dist/project/json-schema.js';

for (const [file, make] of Object.entries(JSON_SCHEMA_FILES)) {
  writeFileSync(new URL(`../schemas/${file}`, import.meta.url), `${JSON.stringify(make(), null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
