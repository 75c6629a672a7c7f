// JSON Schemas for editors (autocomplete and checks in tsdbt_project.yml and properties YAML),
// derived from the same key tables that validation uses. Written to packages/core/schemas/.
import { COLUMN_PROPERTY_KEYS, MODEL_PROPERTY_KEYS, NODE_CONFIG_KEYS, PROJECT_KEYS, SNAPSHOT_PROPERTY_KEYS, SOURCE_PROPERTY_KEYS, SOURCE_TABLE_PROPERTY_KEYS, type ConfigKeySpec } from './config-schema.js';

type Schema = Record<string, unknown>;

function valueSchema(spec: ConfigKeySpec): Schema {
  const base: Schema = { description: spec.description };
  if (spec.enum) return { ...base, enum: [...spec.enum] };
  switch (spec.type) {
    case 'string|array':
      return { ...base, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    case 'any':
      return base;
    default:
      return { ...base, type: spec.type };
  }
}

function nodeConfigProperties(prefix: '' | '+'): Schema {
  const props: Schema = {};
  for (const [k, spec] of Object.entries(NODE_CONFIG_KEYS)) props[`${prefix}${k}`] = valueSchema(spec);
  return props;
}

/** Folder config: `+key` entries plus nested folders (any other key). */
function folderConfigSchema(): Schema {
  return {
    type: 'object',
    properties: nodeConfigProperties('+'),
    additionalProperties: { $ref: '#/$defs/folderConfig' },
  };
}

export function projectJsonSchema(): Schema {
  const properties: Schema = {};
  for (const [k, spec] of Object.entries(PROJECT_KEYS)) properties[k] = valueSchema(spec);
  for (const k of ['models', 'seeds', 'snapshots', 'tests', 'data_tests', 'sources']) properties[k] = { description: (PROJECT_KEYS[k] as ConfigKeySpec).description, $ref: '#/$defs/folderConfig' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://tsdbt.dev/schemas/tsdbt_project.schema.json',
    title: 'tsdbt project file (tsdbt_project.yml / dbt_project.yml)',
    type: 'object',
    required: ['name'],
    properties,
    additionalProperties: false,
    $defs: { folderConfig: folderConfigSchema() },
  };
}

function keysOnly(keys: readonly string[], overrides: Schema = {}): Schema {
  const props: Schema = {};
  for (const k of keys) props[k] = overrides[k] ?? {};
  return { type: 'object', properties: props, additionalProperties: false };
}

export function propertiesJsonSchema(): Schema {
  const config = { type: 'object', properties: nodeConfigProperties(''), additionalProperties: false };
  const tests = { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object' }] } };
  const column = keysOnly(COLUMN_PROPERTY_KEYS, { name: { type: 'string' }, description: { type: 'string' }, data_type: { type: 'string' }, tests, data_tests: tests });
  (column as { required?: string[] }).required = ['name'];
  const columns = { type: 'array', items: { $ref: '#/$defs/column' } };
  const node = keysOnly(MODEL_PROPERTY_KEYS, { name: { type: 'string' }, description: { type: 'string' }, config: { $ref: '#/$defs/config' }, columns, tests, data_tests: tests });
  (node as { required?: string[] }).required = ['name'];
  const snapshot = keysOnly(SNAPSHOT_PROPERTY_KEYS, { name: { type: 'string' }, description: { type: 'string' }, relation: { type: 'string', description: "Defines the snapshot: ref('model') or source('source', 'table')." }, config: { $ref: '#/$defs/config' }, columns, tests, data_tests: tests });
  (snapshot as { required?: string[] }).required = ['name'];
  const table = keysOnly(SOURCE_TABLE_PROPERTY_KEYS, { name: { type: 'string' }, description: { type: 'string' }, identifier: { type: 'string' }, columns, tests, data_tests: tests, config: { $ref: '#/$defs/config' } });
  const source = keysOnly(SOURCE_PROPERTY_KEYS, { name: { type: 'string' }, schema: { type: 'string' }, database: { type: 'string' }, description: { type: 'string' }, tables: { type: 'array', items: { $ref: '#/$defs/sourceTable' } }, config: { $ref: '#/$defs/config' } });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://tsdbt.dev/schemas/properties.schema.json',
    title: 'tsdbt properties file (models/**/*.yml)',
    type: 'object',
    properties: {
      version: { enum: [2] },
      models: { type: 'array', items: { $ref: '#/$defs/node' } },
      seeds: { type: 'array', items: { $ref: '#/$defs/node' } },
      snapshots: { type: 'array', items: { $ref: '#/$defs/snapshot' } },
      sources: { type: 'array', items: { $ref: '#/$defs/source' } },
      macros: { type: 'array' },
      exposures: { type: 'array' },
      metrics: { type: 'array' },
      semantic_models: { type: 'array' },
      unit_tests: { type: 'array' },
      data_tests: { type: 'array' },
      groups: { type: 'array' },
    },
    additionalProperties: false,
    $defs: { config, column, node, snapshot, source, sourceTable: table },
  };
}

export const JSON_SCHEMA_FILES: Record<string, () => Schema> = {
  'tsdbt_project.schema.json': projectJsonSchema,
  'properties.schema.json': propertiesJsonSchema,
};
