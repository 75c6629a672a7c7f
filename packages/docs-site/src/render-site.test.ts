import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DocsNode, DocsSiteData } from '@tsdbt/core';
import { buildPayload } from './build-payload.js';
import { renderSite, scriptJson } from './render-site.js';

function node(name: string, extra: Partial<DocsNode> = {}): DocsNode {
  return {
    uniqueId: `model.p.${name}`, name, resourceType: 'model', packageName: 'p', path: `${name}.sql`, originalFilePath: `models/${name}.sql`,
    fqn: ['p', name], folder: '', description: '', tags: [], config: { materialized: 'view' }, columns: [], tests: [], ...extra,
  };
}

const site = (nodes: DocsNode[], edges: Array<[string, string]> = []): DocsSiteData => ({
  project: { name: 'p', generatedAt: '2025-01-01T00:00:00.000Z', target: 'dev', adapter: 'duckdb', tsdbtVersion: '0.1.0' },
  nodes,
  edges,
});

const between = (html: string, start: string) => {
  const from = html.indexOf(start) + start.length;
  return html.slice(from, html.indexOf('</script>', from));
};

describe('renderSite', () => {
  it('embeds data that cannot close its <script> early', () => {
    const evil = '</script><script>alert(1)</script><!--';
    const html = renderSite(site([node('a', { description: evil, rawCode: `select '${evil}'` })]));
    expect(html.match(/<\/script>/g)?.length).toBe(3); // index, details, app
    const index = JSON.parse(between(html, 'id="tsdbt-index">'));
    expect(index.nodes[0].description).toBe(evil);
    const details = JSON.parse(between(html, 'data-encoding="json">'));
    expect(details[0].rawCode).toBe(`select '${evil}'`);
    expect(scriptJson('\u2028')).toBe('"\\u2028"');
  });

  it('compresses large details (deflate-raw, base64)', () => {
    const big = 'select 1 as x -- padding\n'.repeat(20_000);
    const html = renderSite(site([node('a', { rawCode: big })]));
    const text = between(html, 'data-encoding="deflate-raw+base64">');
    expect(text.length).toBeLessThan(big.length / 10);
    expect(JSON.parse(inflateRawSync(Buffer.from(text, 'base64')).toString('utf8'))[0].rawCode).toBe(big);
  });

  it('is self-contained: no external script, style or link', () => {
    expect(renderSite(site([node('a')]))).not.toMatch(/<script[^>]+\bsrc=|<link[^>]+\bhref=/i);
  });
});

describe('buildPayload', () => {
  it('indexes edges, stores shared configs once and lays out only drawable nodes', () => {
    const test = node('not_null_a_id', { uniqueId: 'test.p.not_null_a_id', resourceType: 'test' });
    const a = node('a', { tests: [{ uniqueId: test.uniqueId, name: test.name, column: 'id', status: 'fail', failures: 2 }] });
    const { index, details } = buildPayload(site([a, node('b'), test], [['model.p.a', 'model.p.b'], ['model.p.a', 'test.p.not_null_a_id'], ['model.p.x', 'model.p.b']]));
    expect(index.edges).toEqual([[0, 1], [0, 2]]); // the edge to an unknown node is dropped
    expect(index.configs).toHaveLength(1);
    expect(index.nodes.map((n) => n.config)).toEqual([0, 0, 0]);
    expect(index.nodes[0]).toMatchObject({ tests: 1, failing: 1 });
    expect(index.overview.nodes).toEqual([0, 1]);
    expect(index.overview.engine).toBe('dagre');
    expect(index.overview.x[0]!).toBeLessThan(index.overview.x[1]!);
    expect(details[0]!.tests[0]!.status).toBe('fail');
  });
});
