import { describe, expect, it } from 'vitest';
import { formatLineage } from './text-lineage.js';

describe('formatLineage', () => {
  const graph = {
    nodes: [
      { uniqueId: 'seed.p.my-seed', name: 'my "seed"', resourceType: 'seed' },
      { uniqueId: 'seed.p.my_seed', name: 'my_seed', resourceType: 'seed' },
      { uniqueId: 'snapshot.p.snap', name: 'snap', resourceType: 'snapshot' },
    ],
    edges: [['seed.p.my-seed', 'snapshot.p.snap'] as [string, string]],
  };

  it('sanitises and de-duplicates Mermaid ids and escapes labels', () => {
    expect(formatLineage(graph, 'mermaid')).toBe(
      ['flowchart LR', '  seed_p_my_seed[("my #quot;seed#quot;")]', '  seed_p_my_seed_2[("my_seed")]', '  snapshot_p_snap[["snap"]]', '  seed_p_my_seed --> snapshot_p_snap'].join('\n'),
    );
  });

  it('quotes DOT ids and labels', () => {
    expect(formatLineage(graph, 'dot')).toBe(
      [
        'digraph lineage {',
        '  rankdir=LR;',
        '  node [shape=box];',
        '  "seed.p.my-seed" [label="my \\"seed\\"", shape=cylinder];',
        '  "seed.p.my_seed" [label="my_seed", shape=cylinder];',
        '  "snapshot.p.snap" [label="snap", shape=box3d];',
        '  "seed.p.my-seed" -> "snapshot.p.snap";',
        '}',
      ].join('\n'),
    );
  });
});
