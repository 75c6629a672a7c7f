#!/usr/bin/env node
// Synthetic tsdbt project generator for benchmarks.
//
// Usage:
//   node bench/generate-project.mjs --models 10000 --out bench/out/p10000 [--seed 1] [--quiet]
//
// Writes a dbt-style project (deterministic for a given --models/--seed):
//   tsdbt_project.yml       name `bench_<N>`, vars, folder config (+materialized/+schema/+tags per layer)
//   models/sources.yml      source `raw` with 20 tables
//   models/staging/…        ~30% of models; select from source('raw', …)
//   models/intermediate/…   ~30%; ref staging + earlier intermediate; some ephemeral (folder config
//                           `ephemeral_*` subfolders and in-file config), ephemerals only ref staging
//   models/marts/<domain>/… the rest; ref any earlier layer
//   models/**/schema.yml    one per folder, describing ~50% of the folder's models (columns, tests)
//   macros/*.sql            5 macros: cents_to_dollars, safe_divide, surrogate_key, day_of, is_recent
//   bench-meta.json         what was generated (read by bench/parse-compile.mjs to skip regeneration)
// Folders hold at most MAX_PER_FOLDER model files. Each model refs 1–4 upstream models.
// Template styles: ~70% simple (literal config(), ref, source, var), ~15% for-loops / if blocks,
// ~10% calling project macros, ~5% dynamic refs (`{% set upstream = ref('x') %}`, or ref() inside a
// loop over literal model names), which a static scan cannot resolve, so they render at parse.
//
// The output directory is deleted and rewritten, but only if it is empty or was made by this script.
// Plain Node ESM, no dependencies.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATOR_VERSION = 3;
const MAX_PER_FOLDER = 400;

// ---------------------------------------------------------------------------------------------
// Args

function parseArgs(argv) {
  const out = { models: 1000, out: undefined, seed: 1, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--models' || a === '-n') out.models = Number(next());
    else if (a.startsWith('--models=')) out.models = Number(a.slice(9));
    else if (a === '--out' || a === '-o') out.out = next();
    else if (a.startsWith('--out=')) out.out = a.slice(6);
    else if (a === '--seed') out.seed = Number(next());
    else if (a.startsWith('--seed=')) out.seed = Number(a.slice(7));
    else if (a === '--quiet' || a === '-q') out.quiet = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(out.models) || out.models < 10) usage('--models must be an integer >= 10');
  if (!Number.isInteger(out.seed)) usage('--seed must be an integer');
  out.out ??= `bench/out/p${out.models}`;
  return out;
}

function usage(error) {
  const text = 'usage: node bench/generate-project.mjs --models N --out DIR [--seed 1] [--quiet]';
  if (error) {
    console.error(`error: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Deterministic PRNG (mulberry32)

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed * 2654435761 + 12345);
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }
  chance(p) {
    return this.next() < p;
  }
  /** k distinct items (k clipped to the list length). */
  sample(list, k) {
    k = Math.min(k, list.length);
    if (k * 3 > list.length) {
      const copy = list.slice();
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(this.next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, k);
    }
    const seen = new Set();
    const res = [];
    while (res.length < k) {
      const i = Math.floor(this.next() * list.length);
      if (!seen.has(i)) {
        seen.add(i);
        res.push(list[i]);
      }
    }
    return res;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const SOURCE_TABLES = [
  'customers', 'orders', 'order_items', 'payments', 'refunds', 'products', 'product_categories',
  'suppliers', 'inventory', 'shipments', 'returns', 'invoices', 'subscriptions', 'plans',
  'sessions', 'page_views', 'campaigns', 'ad_spend', 'support_tickets', 'employees',
];
const MEASURES = ['amount_cents', 'quantity', 'discount_cents', 'tax_cents', 'cost_cents', 'duration_seconds', 'score', 'weight_grams'];
const DIMENSIONS = ['status', 'channel', 'region', 'plan', 'currency', 'device', 'country', 'segment'];
const DOMAINS = ['finance', 'marketing', 'product', 'sales', 'operations', 'support'];
const VARS = {
  start_date: '2020-01-01',
  end_date: '2030-12-31',
  default_currency: 'USD',
  include_deleted: false,
  min_amount_cents: 0,
  lookback_days: 30,
};
const COLUMN_DOCS = {
  id: 'Primary key of the model.',
  customer_id: 'Customer the row belongs to.',
  created_at: 'When the row was created in the source system.',
};

// ---------------------------------------------------------------------------------------------
// Project plan: names, folders, columns, refs

/**
 * @typedef {{ name: string, layer: 'staging'|'intermediate'|'marts', folder: string, index: number,
 *   ephemeral: boolean, measures: string[], dims: string[], style: string,
 *   upstream: string[], source?: string }} ModelPlan
 */

function chunkFolders(prefix, count, nameOf) {
  const folders = [];
  const nFolders = Math.max(1, Math.ceil(count / MAX_PER_FOLDER));
  for (let f = 0; f < nFolders; f++) folders.push(`${prefix}/${nameOf(f)}`);
  return folders;
}

function planProject(n, rng) {
  const nStaging = Math.max(1, Math.round(n * 0.3));
  const nInter = Math.max(1, Math.round(n * 0.3));
  const nMarts = n - nStaging - nInter;
  const pad = (i) => String(i).padStart(5, '0');

  /** @type {ModelPlan[]} */
  const models = [];
  const byName = new Map();

  const pickStyle = () => {
    const r = rng.next();
    if (r < 0.7) return 'simple';
    if (r < 0.85) return 'loop';
    if (r < 0.95) return 'macro';
    return 'dynamic';
  };
  const cols = () => ({
    measures: rng.sample(MEASURES, rng.int(2, 5)),
    dims: rng.sample(DIMENSIONS, rng.int(1, 3)),
  });

  // Staging: one folder per source table (`staging/<table>`, `staging/<table>_<k>` past MAX_PER_FOLDER).
  const staging = [];
  const perSource = new Map();
  for (let i = 0; i < nStaging; i++) {
    const source = rng.pick(SOURCE_TABLES);
    const count = perSource.get(source) ?? 0;
    perSource.set(source, count + 1);
    const k = Math.floor(count / MAX_PER_FOLDER);
    const folder = `staging/${source}${k ? `_${k}` : ''}`;
    staging.push({ name: `stg_${pad(i)}`, layer: 'staging', folder, index: i, ephemeral: false, style: pickStyle(), upstream: [], source, ...cols() });
  }

  // Intermediate: every 4th folder is an `ephemeral_*` folder (folder config makes it ephemeral);
  // with a single folder, ~10% of models get an in-file ephemeral config instead.
  const nInterFolders = Math.max(4, Math.ceil(nInter / MAX_PER_FOLDER));
  const interFolders = [];
  for (let f = 0; f < nInterFolders; f++) interFolders.push(f % 4 === 1 ? `intermediate/ephemeral_${String(f).padStart(2, '0')}` : `intermediate/core_${String(f).padStart(2, '0')}`);
  const perInterFolder = Math.ceil(nInter / nInterFolders);
  const inter = [];
  for (let i = 0; i < nInter; i++) {
    const folder = interFolders[Math.floor(i / perInterFolder)];
    const folderEphemeral = folder.includes('/ephemeral_');
    const inFileEphemeral = !folderEphemeral && rng.chance(0.05);
    const m = { name: `int_${pad(i)}`, layer: 'intermediate', folder, index: i, ephemeral: folderEphemeral || inFileEphemeral, inFileEphemeral, style: pickStyle(), upstream: [], ...cols() };
    inter.push(m);
  }

  // Marts: split across domains, each domain chunked into ≤ MAX_PER_FOLDER subfolders.
  const marts = [];
  const perDomain = Math.ceil(nMarts / DOMAINS.length);
  for (let i = 0; i < nMarts; i++) {
    const d = Math.floor(i / perDomain);
    const domain = DOMAINS[d];
    const inDomain = i - d * perDomain;
    const domainCount = Math.min(perDomain, nMarts - d * perDomain);
    const folder = domainCount > MAX_PER_FOLDER ? `marts/${domain}/part_${String(Math.floor(inDomain / MAX_PER_FOLDER)).padStart(2, '0')}` : `marts/${domain}`;
    const kind = rng.chance(0.5) ? 'fct' : 'dim';
    const m = { name: `${kind}_${domain}_${pad(i)}`, layer: 'marts', folder, index: i, domain, ephemeral: false, style: pickStyle(), upstream: [], ...cols() };
    marts.push(m);
  }

  // Refs. Ephemerals only ref staging (keeps ephemeral CTE chains one level deep).
  const nonEphemeralInter = [];
  for (const m of inter) {
    const k = rng.int(1, 4);
    const pool = [];
    for (let j = 0; j < k; j++) {
      if (m.ephemeral || nonEphemeralInter.length === 0 || rng.chance(0.6)) pool.push(rng.pick(staging).name);
      else pool.push(pickRecent(rng, nonEphemeralInter).name);
    }
    m.upstream = [...new Set(pool)];
    if (!m.ephemeral) nonEphemeralInter.push(m);
  }
  const earlierMarts = [];
  for (const m of marts) {
    const k = rng.int(1, 4);
    const pool = [];
    for (let j = 0; j < k; j++) {
      const r = rng.next();
      if (r < 0.2) pool.push(rng.pick(staging).name);
      else if (r < 0.75 || earlierMarts.length === 0) pool.push(rng.pick(inter).name);
      else pool.push(pickRecent(rng, earlierMarts).name);
    }
    m.upstream = [...new Set(pool)];
    earlierMarts.push(m);
  }

  models.push(...staging, ...inter, ...marts);
  for (const m of models) byName.set(m.name, m);
  return { models, byName, staging, inter, marts, interFolders };
}

/** Bias towards recent models so the DAG gets some depth. */
function pickRecent(rng, list) {
  if (rng.chance(0.5)) return rng.pick(list);
  const window = Math.min(list.length, 50);
  return list[list.length - 1 - Math.floor(rng.next() * window)];
}

// ---------------------------------------------------------------------------------------------
// SQL templates

function outputColumns(m) {
  return ['id', 'customer_id', 'created_at', ...m.measures, ...m.dims];
}

/** `{{ config(...) }}` with literal args on ~70% of models (always when the model must be ephemeral in-file). */
function configCall(m, rng, { materialized } = {}) {
  if (!m.inFileEphemeral && !materialized && !rng.chance(0.7)) return '';
  const parts = [];
  if (m.inFileEphemeral) parts.push("materialized='ephemeral'");
  else if (materialized) parts.push(materialized);
  else if (m.layer === 'marts') parts.push(`materialized='${rng.chance(0.8) ? 'table' : 'view'}'`);
  else if (m.layer === 'intermediate' && !m.ephemeral) parts.push(`materialized='${rng.chance(0.5) ? 'view' : 'table'}'`);
  else if (m.layer === 'staging' && rng.chance(0.3)) parts.push("materialized='view'");
  if (rng.chance(0.6)) parts.push(`tags=['${rng.pick(['daily', 'hourly', 'core', 'pii', 'finance', 'experimental'])}']`);
  if (m.layer === 'marts' && rng.chance(0.1)) parts.push(`alias='${m.name.replace(/_\d+$/, '')}_${m.index}'`);
  return parts.length ? `{{ config(${parts.join(', ')}) }}\n\n` : '';
}

/** select list pulling the model's own output columns from upstream aliases. */
function selectList(m, aliases, upstreamPlans, rng) {
  const lines = [`${aliases[0]}.id`, `${aliases[0]}.customer_id`, `${aliases[0]}.created_at`];
  for (const c of [...m.measures, ...m.dims]) {
    // Take the column from an upstream that has it, else synthesise it.
    const idx = upstreamPlans.findIndex((u) => u.measures.includes(c) || u.dims.includes(c));
    if (idx >= 0) lines.push(`${aliases[idx]}.${c}`);
    else if (MEASURES.includes(c)) lines.push(`cast(${rng.int(0, 100)} as bigint) as ${c}`);
    else lines.push(`'${c}_${rng.int(1, 9)}' as ${c}`);
  }
  return lines;
}

function joins(m, aliases, refExprs) {
  const out = [`from ${refExprs[0]} as ${aliases[0]}`];
  for (let i = 1; i < aliases.length; i++) {
    out.push(`left join ${refExprs[i]} as ${aliases[i]}`);
    out.push(`  on ${aliases[0]}.customer_id = ${aliases[i]}.customer_id`);
  }
  return out;
}

const ALIASES = ['a', 'b', 'c', 'd'];

function stagingSql(m, rng) {
  const src = `{{ source('raw', '${m.source}') }}`;
  const cols = outputColumns(m);
  const renamed = cols.map((c, i) => {
    const expr = c === 'id' ? `${m.source}_id as id` : c === 'customer_id' ? 'cast(customer_id as bigint) as customer_id' : c === 'created_at' ? 'cast(created_at as timestamp) as created_at' : c;
    return `    ${expr}${i < cols.length - 1 ? ',' : ''}`;
  });
  const where = [`    _loaded_at >= '{{ var("start_date") }}'`];

  switch (m.style) {
    case 'loop': {
      const lines = [
        configCall(m, rng) + `{% set measure_columns = [${m.measures.map((c) => `'${c}'`).join(', ')}] %}`,
        '',
        'with source as (',
        `    select * from ${src}`,
        '),',
        '',
        'renamed as (',
        '    select',
        `        ${m.source}_id as id,`,
        '        cast(customer_id as bigint) as customer_id,',
        '        cast(created_at as timestamp) as created_at,',
        '        {% for col in measure_columns %}',
        '        coalesce({{ col }}, 0) as {{ col }},',
        '        {% endfor %}',
        `        ${m.dims.map((d) => `lower(${d}) as ${d}`).join(',\n        ')}`,
        '    from source',
        '    {% if not var("include_deleted") %}',
        '    where not coalesce(_is_deleted, false)',
        '    {% endif %}',
        ')',
        '',
        'select * from renamed',
      ];
      return lines.join('\n') + '\n';
    }
    case 'macro': {
      const money = m.measures.filter((c) => c.endsWith('_cents'));
      const other = cols.filter((c) => !money.includes(c) && c !== 'id');
      const lines = [
        configCall(m, rng).trimEnd(),
        'with source as (',
        `    select * from ${src}`,
        ')',
        '',
        'select',
        `    {{ surrogate_key(['${m.source}_id', 'customer_id']) }} as row_key,`,
        `    ${m.source}_id as id,`,
        ...other.map((c) => `    ${c},`),
        ...money.map((c) => `    {{ cents_to_dollars('${c}') }} as ${c.replace(/_cents$/, '')}_dollars,`),
        ...money.map((c) => `    ${c},`),
        `    {{ day_of('created_at') }} as created_day`,
        'from source',
        `where {{ is_recent('_loaded_at', 3650) }}`,
      ];
      return lines.filter((l) => l !== '').join('\n') + '\n';
    }
    case 'dynamic': {
      const lines = [
        configCall(m, rng).trimEnd(),
        `{% set upstream = source('raw', '${m.source}') %}`,
        `{% set key_column = '${m.source}_id' %}`,
        '',
        'select',
        '    {{ key_column }} as id,',
        ...renamed.slice(1),
        'from {{ upstream }}',
        'where',
        ...where,
      ];
      return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
    }
    default: {
      const lines = [
        configCall(m, rng).trimEnd(),
        'with source as (',
        '',
        `    select * from ${src}`,
        '',
        '),',
        '',
        'renamed as (',
        '',
        '    select',
        ...renamed.map((l) => '    ' + l),
        '    from source',
        '    where',
        '    ' + where[0],
        '',
        ')',
        '',
        'select * from renamed',
      ];
      return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
    }
  }
}

function downstreamSql(m, plan, rng) {
  const ups = m.upstream.map((n) => plan.byName.get(n));
  const aliases = ALIASES.slice(0, ups.length);
  const refExprs = m.upstream.map((n) => `{{ ref('${n}') }}`);
  const incremental = m.style === 'loop' && m.layer === 'marts' && rng.chance(0.3);
  const cfg = configCall(m, rng, incremental ? { materialized: "materialized='incremental', unique_key='id'" } : {}).trimEnd();
  const aggregate = m.layer === 'marts' && m.name.startsWith('fct_') && rng.chance(0.6);

  switch (m.style) {
    case 'loop': {
      const head = cfg;
      const measures = m.measures;
      const lines = [
        head,
        `{% set metrics = [${measures.map((c) => `'${c}'`).join(', ')}] %}`,
        `{% set group_dims = [${m.dims.map((c) => `'${c}'`).join(', ')}] %}`,
        '',
        'with base as (',
        `    select ${aliases[0]}.*`,
        `    ${joins(m, aliases, refExprs).join('\n    ')}`,
        ')',
        '',
        'select',
        '    customer_id as id,',
        '    customer_id,',
        '    min(created_at) as created_at,',
        '    {% for col in metrics %}',
        '    sum({{ col }}) as {{ col }},',
        '    {% endfor %}',
        '    {% for dim in group_dims %}',
        "    max({{ dim }}) as {{ dim }}{% if not loop.last %},{% endif %}",
        '    {% endfor %}',
        'from base',
        `where created_at between '{{ var("start_date") }}' and '{{ var("end_date") }}'`,
        ...(incremental ? ['{% if is_incremental() %}', '  and created_at > (select max(created_at) from {{ this }})', '{% endif %}'] : []),
        '{% if var("min_amount_cents", 0) > 0 %}',
        "  and amount_cents >= {{ var('min_amount_cents') }}",
        '{% endif %}',
        'group by customer_id',
      ];
      return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
    }
    case 'macro': {
      const sel = selectList(m, aliases, ups, rng);
      // Macro arguments use columns the first upstream really has.
      const first = ups[0].measures;
      const money = first.filter((c) => c.endsWith('_cents'));
      const extra = [`{{ surrogate_key(['${aliases[0]}.id', '${aliases[0]}.customer_id']) }} as row_key`];
      for (const c of money) extra.push(`{{ cents_to_dollars('${aliases[0]}.${c}', 2) }} as ${c.replace(/_cents$/, '')}_dollars`);
      if (first.length >= 2) extra.push(`{{ safe_divide('${aliases[0]}.${first[0]}', '${aliases[0]}.${first[1]}') }} as ratio_${first[0]}_${first[1]}`);
      const lines = [
        cfg,
        'select',
        ...[...sel, ...extra].map((l, i, all) => `    ${l}${i < all.length - 1 ? ',' : ''}`),
        ...joins(m, aliases, refExprs),
        `where {{ is_recent('${aliases[0]}.created_at', var('lookback_days')) }}`,
      ];
      return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
    }
    case 'dynamic': {
      if (rng.chance(0.5) || ups.length === 1) {
        // {% set upstream = ref('x') %}
        const lines = [
          cfg,
          `{% set upstream = ref('${m.upstream[0]}') %}`,
          ...m.upstream.slice(1).map((n, i) => `{% set other_${i + 1} = ref('${n}') %}`),
          '',
          'select',
          ...selectList(m, aliases, ups, rng).map((l, i, all) => `    ${l}${i < all.length - 1 ? ',' : ''}`),
          `from {{ upstream }} as ${aliases[0]}`,
          ...m.upstream.slice(1).flatMap((n, i) => [`left join {{ other_${i + 1} }} as ${aliases[i + 1]}`, `  on ${aliases[0]}.customer_id = ${aliases[i + 1]}.customer_id`]),
        ];
        return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
      }
      // ref() inside a loop over literal model names: union of upstreams.
      const lines = [
        cfg,
        `{% set upstream_models = [${m.upstream.map((n) => `'${n}'`).join(', ')}] %}`,
        '',
        'with unioned as (',
        '    {% for model_name in upstream_models %}',
        "    select id, customer_id, created_at, '{{ model_name }}' as _source_model",
        '    from {{ ref(model_name) }}',
        '    {% if not loop.last %}union all{% endif %}',
        '    {% endfor %}',
        ')',
        '',
        'select',
        '    id,',
        '    customer_id,',
        '    created_at,',
        ...m.measures.map((c) => `    cast(null as bigint) as ${c},`),
        ...m.dims.map((c) => `    _source_model as ${c},`),
        '    count(*) over (partition by customer_id) as rows_per_customer',
        'from unioned',
      ];
      return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
    }
    default: {
      const sel = selectList(m, aliases, ups, rng);
      const lines = [cfg];
      if (aggregate) {
        const measures = m.measures;
        lines.push(
          'with joined as (',
          '    select',
          ...sel.map((l, i, all) => `        ${l}${i < all.length - 1 ? ',' : ''}`),
          ...joins(m, aliases, refExprs).map((l) => '    ' + l),
          `    where ${aliases[0]}.created_at >= '{{ var("start_date") }}'`,
          ')',
          '',
          'select',
          '    customer_id as id,',
          '    customer_id,',
          '    min(created_at) as created_at,',
          ...measures.map((c) => `    sum(${c}) as ${c},`),
          ...m.dims.map((c, i) => `    max(${c}) as ${c}${i < m.dims.length - 1 ? ',' : ''}`),
          'from joined',
          'group by customer_id',
        );
      } else {
        lines.push(
          'select',
          ...sel.map((l, i, all) => `    ${l}${i < all.length - 1 ? ',' : ''}`),
          ...joins(m, aliases, refExprs),
          `where ${aliases[0]}.created_at >= '{{ var("start_date") }}'`,
          `  and ${aliases[0]}.customer_id is not null`,
        );
      }
      return lines.filter((l, i) => !(i === 0 && l === '')).join('\n') + '\n';
    }
  }
}

// ---------------------------------------------------------------------------------------------
// YAML

const yq = (s) => `'${String(s).replace(/'/g, "''")}'`;

function projectYml(name, plan) {
  const lines = [
    `# Generated by bench/generate-project.mjs — synthetic benchmark project.`,
    `name: ${name}`,
    `version: '1.0.0'`,
    `config-version: 2`,
    '',
    'vars:',
    ...Object.entries(VARS).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? yq(v) : v}`),
    '',
    'models:',
    `  ${name}:`,
    '    staging:',
    '      +materialized: view',
    '      +schema: staging',
    "      +tags: ['staging']",
    '    intermediate:',
    '      +materialized: view',
    '      +schema: intermediate',
    "      +tags: ['intermediate']",
  ];
  for (const f of plan.interFolders) {
    if (!f.includes('/ephemeral_')) continue;
    lines.push(`      ${f.split('/')[1]}:`, '        +materialized: ephemeral');
  }
  lines.push('    marts:', '      +materialized: table', '      +schema: marts', "      +tags: ['marts']");
  for (const d of DOMAINS) lines.push(`      ${d}:`, `        +tags: ['${d}']`, `        +meta: {owner: '${d}-team'}`);
  return lines.join('\n') + '\n';
}

function sourcesYml() {
  const lines = ['version: 2', '', 'sources:', '  - name: raw', '    description: Raw tables landed by the loader.', '    schema: raw', '    loaded_at_field: _loaded_at', '    tables:'];
  for (const t of SOURCE_TABLES) {
    lines.push(
      `      - name: ${t}`,
      `        description: Raw ${t.replace(/_/g, ' ')}.`,
      '        columns:',
      `          - name: ${t}_id`,
      '            tests: [unique, not_null]',
      '          - name: customer_id',
      '          - name: created_at',
    );
  }
  return lines.join('\n') + '\n';
}

function schemaYml(models, rng) {
  const lines = ['version: 2', '', 'models:'];
  let described = 0;
  for (const m of models) {
    if (!rng.chance(0.5)) continue;
    described++;
    lines.push(`  - name: ${m.name}`, `    description: ${yq(`${m.layer} model ${m.name}, built from ${m.upstream.length ? m.upstream.join(', ') : `raw.${m.source}`}.`)}`);
    if (rng.chance(0.2)) lines.push('    config:', `      tags: ['documented']`);
    lines.push('    columns:');
    const cols = m.style === 'macro' && m.layer === 'staging' ? ['id', 'customer_id', 'created_at'] : outputColumns(m).slice(0, rng.int(3, 6));
    for (const c of cols) {
      lines.push(`      - name: ${c}`, `        description: ${yq(COLUMN_DOCS[c] ?? `The ${c.replace(/_/g, ' ')}.`)}`);
      if (c === 'id' && !m.ephemeral) lines.push('        tests: [unique, not_null]');
      else if (c === 'customer_id' && !m.ephemeral) lines.push('        tests: [not_null]');
    }
  }
  return { text: lines.join('\n') + '\n', described };
}

// ---------------------------------------------------------------------------------------------
// Macros

const MACROS = {
  'cents_to_dollars.sql': `{# Convert an integer amount in cents to dollars. #}
{% macro cents_to_dollars(column_name, scale=2) -%}
    round(cast({{ column_name }} as double) / 100, {{ scale }})
{%- endmacro %}
`,
  'safe_divide.sql': `{# Division that yields null instead of failing on zero. #}
{% macro safe_divide(numerator, denominator) -%}
    case when {{ denominator }} is null or {{ denominator }} = 0 then null
         else cast({{ numerator }} as double) / {{ denominator }} end
{%- endmacro %}
`,
  'surrogate_key.sql': `{# Hash of several columns, null-safe. #}
{% macro surrogate_key(field_list) -%}
    md5(
    {%- for field in field_list %}
        coalesce(cast({{ field }} as varchar), '_null_'){% if not loop.last %} || '-' ||{% endif %}
    {%- endfor %}
    )
{%- endmacro %}
`,
  'day_of.sql': `{# Truncate a timestamp to its day. #}
{% macro day_of(column_name) -%}
    date_trunc('day', {{ column_name }})
{%- endmacro %}
`,
  'is_recent.sql': `{# Predicate: the column is within the last N days (default: var lookback_days). #}
{% macro is_recent(column_name, days=none) -%}
    {%- set n = days if days is not none else var('lookback_days') -%}
    {{ column_name }} >= current_date - interval '{{ n }} days'
{%- endmacro %}
`,
};

// ---------------------------------------------------------------------------------------------
// Main

export function generateProject({ models: n, out, seed = 1, quiet = true }) {
  const t0 = performance.now();
  const outDir = path.resolve(out);
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    const ours = existsSync(path.join(outDir, 'bench-meta.json'));
    if (entries.length && !ours) throw new Error(`refusing to overwrite ${outDir}: not empty and not made by generate-project.mjs`);
    for (const e of ['models', 'macros', 'tsdbt_project.yml', 'bench-meta.json', 'target']) rmSync(path.join(outDir, e), { recursive: true, force: true });
  }
  const rng = new Rng(seed);
  const name = `bench_${n}`;
  const plan = planProject(n, rng);

  const files = new Map(); // relPath → contents
  files.set('tsdbt_project.yml', projectYml(name, plan));
  files.set('models/sources.yml', sourcesYml());
  for (const [f, text] of Object.entries(MACROS)) files.set(`macros/${f}`, text);

  const byFolder = new Map();
  const styles = { simple: 0, loop: 0, macro: 0, dynamic: 0 };
  let lines = 0;
  let edges = 0;
  for (const m of plan.models) {
    const sql = m.layer === 'staging' ? stagingSql(m, rng) : downstreamSql(m, plan, rng);
    styles[m.style]++;
    lines += sql.split('\n').length - 1;
    edges += m.upstream.length || 1;
    files.set(`models/${m.folder}/${m.name}.sql`, sql);
    if (!byFolder.has(m.folder)) byFolder.set(m.folder, []);
    byFolder.get(m.folder).push(m);
  }
  let described = 0;
  for (const [folder, ms] of byFolder) {
    const y = schemaYml(ms, rng);
    described += y.described;
    files.set(`models/${folder}/schema.yml`, y.text);
  }

  const dirs = new Set([...files.keys()].map((f) => path.dirname(path.join(outDir, f))));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  for (const [f, text] of files) writeFileSync(path.join(outDir, f), text);

  const meta = {
    generatorVersion: GENERATOR_VERSION,
    name,
    models: n,
    seed,
    layers: { staging: plan.staging.length, intermediate: plan.inter.length, marts: plan.marts.length },
    ephemeral: plan.models.filter((m) => m.ephemeral).length,
    styles,
    folders: byFolder.size,
    maxPerFolder: Math.max(...[...byFolder.values()].map((v) => v.length)),
    describedModels: described,
    sourceTables: SOURCE_TABLES.length,
    edges, // model→model refs + staging→source
    avgLines: +(lines / n).toFixed(1),
    files: files.size,
    seconds: +((performance.now() - t0) / 1000).toFixed(3),
  };
  writeFileSync(path.join(outDir, 'bench-meta.json'), JSON.stringify(meta, null, 2) + '\n');
  if (!quiet) console.log(`wrote ${outDir}: ${JSON.stringify(meta)}`);
  return meta;
}

/** True when `out` holds a project generated with these parameters by this generator version. */
export function isGenerated(out, n, seed = 1) {
  try {
    const meta = JSON.parse(readFileSync(path.join(path.resolve(out), 'bench-meta.json'), 'utf8'));
    return meta.generatorVersion === GENERATOR_VERSION && meta.models === n && meta.seed === seed;
  } catch {
    return false;
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  try {
    generateProject({ models: args.models, out: args.out, seed: args.seed, quiet: args.quiet });
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
