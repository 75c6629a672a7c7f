import { describe, expect, it } from 'vitest';
import { SqlDialect } from '../adapter/sql-dialect.js';
import { TemplateEngine } from '../template/engine.js';
import { RelationValue } from './relation.js';

class Ansi extends SqlDialect {
  readonly name = 'ansi';
  readonly capabilities = { transactionalDdl: true, createOrReplace: true, merge: true };
}

describe('relation values in templates', () => {
  const rel = RelationValue.of(new Ansi(), { database: 'db', schema: 'main', identifier: 'orders' }, 'table');
  const render = (src: string) => new TemplateEngine().render('m.sql', src, { rel }).trim();

  it('answer is_table / is_view as dbt relations do', () => {
    expect(render('{{ rel.is_table }} {{ rel.is_view }} {{ rel.is_cte }}')).toBe('True False False');
  });

  it('include() drops parts, incorporate() replaces them', () => {
    expect(render('{{ rel.include(database=False) }}')).toBe('"main"."orders"');
    expect(render('{{ rel.include(database=False, schema=False) }}')).toBe('"orders"');
    expect(render("{{ rel.incorporate(path={'identifier': 'orders__dbt_tmp'}) }}")).toBe('"db"."main"."orders__dbt_tmp"');
    expect(render("{{ rel.incorporate(type='view').is_view }}")).toBe('True');
  });
});
