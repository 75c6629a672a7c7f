import { describe, expect, it } from 'vitest';
import { relationParts, relationResolver } from './resolve-lineage.js';
import type { GraphNode } from '../parse/nodes.js';

describe('relation names in compiled SQL', () => {
  it('splits quoted and unquoted parts', () => {
    expect(relationParts('"DB"."main"."Orders"')).toEqual(['db', 'main', 'orders']);
    expect(relationParts('main.orders')).toEqual(['main', 'orders']);
    expect(relationParts('"we""ird"."a.b"')).toEqual(['we"ird', 'a.b']);
    expect(relationParts('`s`.`t`')).toEqual(['s', 't']);
    expect(relationParts('[s].[t]')).toEqual(['s', 't']);
  });

  it('resolves 1–3 part names to nodes, ephemeral CTE names included; an ambiguous bare name to none', () => {
    const node = (uniqueId: string, resourceType: string, schema: string, identifier: string, materialized = 'table') =>
      ({ uniqueId, resourceType, name: identifier, relation: { schema, identifier }, config: { materialized } }) as unknown as GraphNode;
    const resolve = relationResolver([
      node('model.p.orders', 'model', 'marts', 'orders'),
      node('source.p.raw.orders', 'source', 'raw', 'orders'),
      node('model.p.stg', 'model', 'staging', 'stg'),
      node('model.p.eph', 'model', 'main', 'eph', 'ephemeral'),
    ]);
    expect(resolve('"marts"."orders"')).toBe('model.p.orders');
    expect(resolve('"shop"."raw"."orders"')).toBe('source.p.raw.orders');
    expect(resolve('orders')).toBeUndefined();
    expect(resolve('stg')).toBe('model.p.stg');
    expect(resolve('"__tsdbt__cte__eph"')).toBe('model.p.eph');
    expect(resolve('nowhere.t')).toBeUndefined();
    expect(resolve('other.stg')).toBeUndefined(); // not `staging.stg`: a relation no node builds
  });
});
