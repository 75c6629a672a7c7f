// Known configuration keys: validation (unknown key → warning with a suggestion) and the
// published JSON Schema files (see schemas/) are both derived from these tables.

export type ConfigValueType = 'string' | 'boolean' | 'integer' | 'number' | 'array' | 'object' | 'string|array' | 'any';

export interface ConfigKeySpec {
  type: ConfigValueType;
  description: string;
  enum?: readonly string[];
}

export const MATERIALIZATIONS = ['view', 'table', 'ephemeral', 'incremental', 'materialized_view', 'snapshot', 'seed', 'test'] as const;

/** Node configs valid in `config()`, `config:` in properties YAML and `+key` folder config. */
export const NODE_CONFIG_KEYS: Record<string, ConfigKeySpec> = {
  enabled: { type: 'boolean', description: 'Set false to remove the node from the project.' },
  materialized: { type: 'string', description: 'How the model is built.', enum: MATERIALIZATIONS },
  schema: { type: 'string', description: 'Custom schema, combined with the target schema by generate_schema_name.' },
  database: { type: 'string', description: 'Custom database, resolved by generate_database_name.' },
  alias: { type: 'string', description: 'Relation name in the warehouse, instead of the file name.' },
  tags: { type: 'string|array', description: 'Tags for selection (tag:name); folder and node tags add up.' },
  meta: { type: 'object', description: 'Free-form metadata, merged down the folder tree.' },
  docs: { type: 'object', description: 'Docs site options: show, node_color.' },
  pre_hook: { type: 'string|array', description: 'SQL run before the node is built.' },
  post_hook: { type: 'string|array', description: 'SQL run after the node is built.' },
  'pre-hook': { type: 'string|array', description: 'Alias of pre_hook.' },
  'post-hook': { type: 'string|array', description: 'Alias of post_hook.' },
  persist_docs: { type: 'object', description: 'Persist descriptions as warehouse comments.' },
  full_refresh: { type: 'boolean', description: 'false protects the node from --full-refresh.' },
  audit_before_publish: { type: 'boolean', description: 'In build, run error-severity tests on the new data before it replaces the published relation (default true).' },
  on_error: { type: 'string', description: 'What a failure does downstream: skip_children (default) or continue.', enum: ['skip_children', 'continue'] },
  sql_header: { type: 'string', description: 'SQL placed before the create statement.' },
  unique_key: { type: 'string|array', description: 'Key column(s) for incremental models and snapshots.' },
  incremental_strategy: { type: 'string', description: 'append, merge or delete+insert.', enum: ['append', 'merge', 'delete+insert', 'microbatch'] },
  on_schema_change: { type: 'string', description: 'What to do when an incremental model gains or loses columns.', enum: ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] },
  incremental_predicates: { type: 'array', description: 'Extra predicates for merge/delete.' },
  contract: { type: 'object', description: 'Enforce the declared column types.' },
  grants: { type: 'object', description: 'Privileges granted after build.' },
  group: { type: 'string', description: 'Owning group.' },
  access: { type: 'string', description: 'private, protected or public.', enum: ['private', 'protected', 'public'] },
  on_configuration_change: { type: 'string', description: 'For materialized views: apply, continue or fail.' },
  column_types: { type: 'object', description: 'Seed column types by column name.' },
  delimiter: { type: 'string', description: 'Seed CSV delimiter.' },
  quote_columns: { type: 'boolean', description: 'Quote seed column names.' },
  strategy: { type: 'string', description: 'Snapshot strategy: timestamp or check.', enum: ['timestamp', 'check'] },
  updated_at: { type: 'string', description: 'Snapshot timestamp column.' },
  check_cols: { type: 'string|array', description: 'Snapshot columns to compare, or "all".' },
  hard_deletes: { type: 'string', description: 'Snapshot handling of deleted rows.', enum: ['ignore', 'invalidate', 'new_record'] },
  invalidate_hard_deletes: { type: 'boolean', description: 'Legacy form of hard_deletes: invalidate.' },
  snapshot_meta_column_names: { type: 'object', description: 'Rename dbt_valid_from and friends.' },
  target_schema: { type: 'string', description: 'Legacy snapshot schema.' },
  target_database: { type: 'string', description: 'Legacy snapshot database.' },
  dbt_valid_to_current: { type: 'string', description: 'Snapshot: SQL for dbt_valid_to of current rows instead of NULL.' },
  severity: { type: 'string', description: 'Test severity: warn or error.', enum: ['warn', 'error', 'WARN', 'ERROR'] },
  warn_if: { type: 'string', description: 'Failure count condition for a warning, e.g. ">10".' },
  error_if: { type: 'string', description: 'Failure count condition for an error, e.g. "!=0".' },
  fail_calc: { type: 'string', description: 'Expression that counts failures.' },
  where: { type: 'string', description: 'Filter applied to the tested relation.' },
  limit: { type: 'integer', description: 'Limit on failing rows returned.' },
  store_failures: { type: 'boolean', description: 'Keep failing rows in an audit table.' },
  store_failures_as: { type: 'string', description: 'table or view.', enum: ['table', 'view', 'ephemeral'] },
  indexes: { type: 'array', description: 'Indexes to create (Postgres).' },
  event_time: { type: 'string', description: 'Event-time column for microbatch.' },
  batch_size: { type: 'string', description: 'Microbatch size.' },
  lookback: { type: 'integer', description: 'Microbatch lookback.' },
  begin: { type: 'string', description: 'Microbatch start.' },
  quoting: { type: 'object', description: 'Identifier quoting.' },
  loaded_at_field: { type: 'string', description: 'Source freshness column.' },
  freshness: { type: 'object', description: 'Source freshness thresholds.' },
};

/** Top-level keys of tsdbt_project.yml / dbt_project.yml. */
export const PROJECT_KEYS: Record<string, ConfigKeySpec> = {
  name: { type: 'string', description: 'Project name: letters, digits and underscores.' },
  version: { type: 'string', description: 'Project version.' },
  'config-version': { type: 'integer', description: 'Always 2.' },
  profile: { type: 'string', description: 'Profile name in profiles.yml.' },
  'model-paths': { type: 'array', description: 'Folders holding models.' },
  'seed-paths': { type: 'array', description: 'Folders holding CSV seeds.' },
  'source-paths': { type: 'array', description: 'Legacy name of model-paths.' },
  'data-paths': { type: 'array', description: 'Legacy name of seed-paths.' },
  'macro-paths': { type: 'array', description: 'Folders holding macros.' },
  'test-paths': { type: 'array', description: 'Folders holding singular and generic tests.' },
  'snapshot-paths': { type: 'array', description: 'Folders holding snapshots.' },
  'analysis-paths': { type: 'array', description: 'Folders holding analyses.' },
  'docs-paths': { type: 'array', description: 'Folders holding docs blocks.' },
  'asset-paths': { type: 'array', description: 'Folders copied into the docs site.' },
  'target-path': { type: 'string', description: 'Where artifacts and compiled SQL are written.' },
  'log-path': { type: 'string', description: 'Where logs are written.' },
  'packages-install-path': { type: 'string', description: 'Where packages are installed.' },
  'clean-targets': { type: 'array', description: 'Folders removed by `tsdbt clean`.' },
  'require-dbt-version': { type: 'string|array', description: 'dbt version constraints, checked against the dbt version tsdbt follows (DBT_COMPATIBLE_VERSION).' },
  vars: { type: 'object', description: 'Project variables for var().' },
  models: { type: 'object', description: 'Folder-level model config (+materialized, +schema…).' },
  seeds: { type: 'object', description: 'Folder-level seed config.' },
  snapshots: { type: 'object', description: 'Folder-level snapshot config.' },
  tests: { type: 'object', description: 'Folder-level test config.' },
  data_tests: { type: 'object', description: 'Folder-level test config.' },
  sources: { type: 'object', description: 'Folder-level source config.' },
  analyses: { type: 'object', description: 'Folder-level analysis config.' },
  'on-run-start': { type: 'string|array', description: 'SQL run at the start of run/build.' },
  'on-run-end': { type: 'string|array', description: 'SQL run at the end of run/build.' },
  quoting: { type: 'object', description: 'Identifier quoting defaults.' },
  dispatch: { type: 'array', description: 'Macro dispatch search order.' },
  flags: { type: 'object', description: 'Behaviour flags.' },
  'query-comment': { type: 'any', description: 'Comment added to queries.' },
  'restrict-access': { type: 'boolean', description: 'Enforce model access.' },
  exposures: { type: 'object', description: 'Folder-level exposure config.' },
  metrics: { type: 'object', description: 'Folder-level metric config.' },
  'semantic-models': { type: 'object', description: 'Folder-level semantic model config.' },
  'saved-queries': { type: 'object', description: 'Folder-level saved query config.' },
  unit_tests: { type: 'object', description: 'Folder-level unit test config.' },
};

/** Keys of one model entry in a properties YAML file. */
export const MODEL_PROPERTY_KEYS = ['name', 'description', 'config', 'columns', 'tests', 'data_tests', 'docs', 'meta', 'tags', 'access', 'group', 'versions', 'latest_version', 'constraints', 'deprecation_date', 'time_spine'] as const;
/** A snapshot entry may also define the snapshot (dbt 1.9): `relation: ref('x')` or `source('s', 't')`. */
export const SNAPSHOT_PROPERTY_KEYS = [...MODEL_PROPERTY_KEYS, 'relation'] as const;
export const COLUMN_PROPERTY_KEYS = ['name', 'description', 'data_type', 'meta', 'tags', 'tests', 'data_tests', 'constraints', 'quote', 'policy_tags', 'granularity', 'config'] as const;
export const SOURCE_PROPERTY_KEYS = ['name', 'description', 'database', 'schema', 'loader', 'loaded_at_field', 'loaded_at_query', 'freshness', 'tables', 'meta', 'tags', 'config', 'quoting', 'overrides'] as const;
export const SOURCE_TABLE_PROPERTY_KEYS = ['name', 'description', 'identifier', 'loaded_at_field', 'loaded_at_query', 'freshness', 'columns', 'tests', 'data_tests', 'meta', 'tags', 'config', 'quoting', 'external'] as const;
