// Relation values as templates see them: `{{ this }}`, `{{ ref('x') }}` render the quoted name,
// and `.schema` / `.identifier` / `.name` / `.database` work as in dbt.
import type { Dialect, RelationRef } from '../adapter/types.js';

export class RelationValue {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  readonly type: 'table' | 'view' | 'cte' | undefined;
  private readonly rendered: string;

  constructor(ref: RelationRef, rendered: string, type?: 'table' | 'view' | 'cte') {
    this.database = ref.database;
    this.schema = ref.schema;
    this.identifier = ref.identifier;
    this.type = type;
    this.rendered = rendered;
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
    return new RelationValue(ref, dialect.relationName(ref), type);
  }
}

/** The CTE name an ephemeral model compiles to. */
export function ephemeralCteName(modelName: string): string {
  return `__tsdbt__cte__${modelName}`;
}
