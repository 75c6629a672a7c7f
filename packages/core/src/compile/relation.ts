// Relation values as templates see them: `{{ this }}`, `{{ ref('x') }}` render the quoted name,
// and `.schema` / `.identifier` / `.name` / `.database` work as in dbt.
import type { Dialect, RelationRef } from '../adapter/types.js';
import { splitArgs } from '../template/jinja-function.js';

export class RelationValue {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  readonly type: 'table' | 'view' | 'cte' | undefined;
  private readonly rendered: string;
  /** Quotes one name part; present when the relation came from a dialect (include/incorporate need it). */
  private readonly quote: ((part: string) => string) | undefined;

  constructor(ref: RelationRef, rendered: string, type?: 'table' | 'view' | 'cte', quote?: (part: string) => string) {
    this.database = ref.database;
    this.schema = ref.schema;
    this.identifier = ref.identifier;
    this.type = type;
    this.rendered = rendered;
    this.quote = quote;
  }

  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }

  /** dbt's `relation.include(database=False, schema=False)`: the same relation rendered without those parts. */
  include(...raw: unknown[]): RelationValue {
    const { kwargs } = splitArgs(raw);
    const keep = (k: string) => kwargs[k] === undefined || kwargs[k] === null || kwargs[k] === true;
    return this.rebuild({ database: keep('database') ? this.database : undefined, schema: keep('schema') ? this.schema : '', identifier: keep('identifier') ? this.identifier : '' }, this.type);
  }

  /** dbt's `relation.incorporate(path={'identifier': …}, type='table')`: a copy with those parts changed. */
  incorporate(...raw: unknown[]): RelationValue {
    const { kwargs } = splitArgs(raw);
    const path = (kwargs['path'] ?? {}) as Record<string, unknown>;
    const part = (k: 'database' | 'schema' | 'identifier', current: string | undefined) => (typeof path[k] === 'string' ? (path[k] as string) : current);
    const type = kwargs['type'] === 'table' || kwargs['type'] === 'view' || kwargs['type'] === 'cte' ? (kwargs['type'] as 'table' | 'view' | 'cte') : this.type;
    return this.rebuild({ database: part('database', this.database), schema: part('schema', this.schema) ?? '', identifier: part('identifier', this.identifier) ?? '' }, type);
  }

  private rebuild(ref: RelationRef, type: 'table' | 'view' | 'cte' | undefined): RelationValue {
    if (!this.quote) return new RelationValue(ref, this.rendered, type);
    const quote = this.quote;
    const rendered = [ref.database, ref.schema, ref.identifier].filter((p): p is string => p !== undefined && p !== '').map((p) => quote(p)).join('.');
    return new RelationValue(ref, rendered, type, quote);
  }

  get name(): string {
    return this.identifier;
  }
  get table(): string {
    return this.identifier;
  }

  render(): string {
    return this.rendered;
  }
  toString(): string {
    return this.rendered;
  }
  toJSON(): string {
    return this.rendered;
  }

  static of(dialect: Dialect, ref: RelationRef, type?: 'table' | 'view'): RelationValue {
    return new RelationValue(ref, dialect.relationName(ref), type, (p) => dialect.quoteIdentifier(p));
  }
}

/** The CTE name an ephemeral model compiles to. */
export function ephemeralCteName(modelName: string): string {
  return `__tsdbt__cte__${modelName}`;
}
