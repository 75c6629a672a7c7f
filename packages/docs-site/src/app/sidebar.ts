// The searchable list: resource types → folders (bronze/silver/gold first, as layers), built
// lazily per folder so a 10,000-model project costs nothing until a folder is opened.
import { LAYER_COLORS } from './graph-view.js';
import { count, h } from './dom.js';
import type { Site } from './site.js';

const SECTIONS: Array<[type: string, title: string]> = [
  ['model', 'Models'],
  ['seed', 'Seeds'],
  ['snapshot', 'Snapshots'],
  ['source', 'Sources'],
  ['test', 'Data tests'],
  ['unit_test', 'Unit tests'],
];
const LAYER_ORDER = ['bronze', 'silver', 'gold'];
const MAX_RESULTS = 60;

interface Folder {
  name: string;
  folders: Map<string, Folder>;
  items: number[];
  size: number;
}

export class Sidebar {
  readonly element: HTMLElement;
  private readonly results: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly input: HTMLInputElement;
  private haystack: string[] | undefined;
  private active: string | undefined;

  constructor(
    private readonly site: Site,
    private readonly onOpen: (id: string) => void,
  ) {
    this.input = h('input', {
      id: 'search',
      type: 'search',
      placeholder: `Search ${count(site.nodes.length)} nodes…  ( / )`,
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': 'Search models, sources, seeds, snapshots and tests',
    });
    this.input.addEventListener('input', () => this.search(this.input.value));
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') (this.results.querySelector('a.item') as HTMLAnchorElement | null)?.click();
      if (e.key === 'Escape') {
        this.input.value = '';
        this.search('');
      }
    });
    this.results = h('div', { id: 'search-results', class: 'results', hidden: true });
    this.tree = h('nav', { id: 'tree', class: 'tree', 'aria-label': 'Project tree' });
    this.element = h('aside', { class: 'sidebar' }, h('div', { class: 'search-box' }, this.input), this.results, this.tree);
    this.buildTree();
  }

  focusSearch(): void {
    this.input.focus();
    this.input.select();
  }

  setActive(id: string | undefined): void {
    this.active = id;
    for (const el of this.element.querySelectorAll('a.item.active')) el.classList.remove('active');
    if (id) for (const el of this.element.querySelectorAll(`a.item[data-id="${CSS.escape(id)}"]`)) el.classList.add('active');
  }

  private item(i: number, withFolder: boolean): HTMLAnchorElement {
    const n = this.site.nodes[i]!;
    const a = h(
      'a',
      { class: `item${n.id === this.active ? ' active' : ''}`, href: `#node=${encodeURIComponent(n.id)}`, 'data-id': n.id, title: n.id },
      h('span', { class: `dot t-${n.type}${n.layer ? ` l-${n.layer}` : ''}` }),
      h('span', { class: 'name' }, this.site.label(i)),
      n.failing > 0 || n.status === 'error' || n.status === 'fail' ? h('span', { class: 'flag', title: 'failing tests or last run failed' }, '!') : null,
      withFolder && n.folder ? h('span', { class: 'where' }, n.folder) : null,
    );
    a.addEventListener('click', (e) => {
      e.preventDefault();
      this.onOpen(n.id);
    });
    return a;
  }

  // ------------------------------------------------------------------ tree

  private buildTree(): void {
    for (const [type, title] of SECTIONS) {
      const members: number[] = [];
      this.site.nodes.forEach((n, i) => n.type === type && members.push(i));
      if (members.length === 0) continue;
      const root = this.folderTree(members);
      const section = h('details', { class: 'section', 'data-type': type, open: type === 'model' || type === 'source' || type === 'seed' },
        h('summary', null, title, h('span', { class: 'n' }, count(members.length))));
      this.lazyFill(section, () => this.folderContents(root, type === 'model', 0));
      this.tree.append(section);
    }
  }

  private folderTree(members: number[]): Folder {
    const root: Folder = { name: '', folders: new Map(), items: [], size: 0 };
    for (const i of members) {
      const n = this.site.nodes[i]!;
      let f = root;
      f.size++;
      for (const part of this.folderOf(i).split('/').filter((p) => p !== '')) {
        let next = f.folders.get(part);
        if (!next) f.folders.set(part, (next = { name: part, folders: new Map(), items: [], size: 0 }));
        f = next;
        f.size++;
      }
      f.items.push(i);
    }
    return root;
  }

  /** Tests sit in the folder of the node they test (their own fqn has no folder). */
  private folderOf(i: number): string {
    const n = this.site.nodes[i]!;
    if (n.type !== 'test' && n.type !== 'unit_test') return n.folder;
    const parent = this.site.parents[i]![0];
    return parent === undefined ? n.folder : this.site.nodes[parent]!.folder;
  }

  private folderContents(folder: Folder, layers: boolean, depth: number): HTMLElement[] {
    const layerRank = (name: string) => (layers && depth === 0 && LAYER_ORDER.includes(name.toLowerCase()) ? LAYER_ORDER.indexOf(name.toLowerCase()) : 99);
    const subfolders = [...folder.folders.values()].sort((a, b) => layerRank(a.name) - layerRank(b.name) || a.name.localeCompare(b.name));
    const out: HTMLElement[] = [];
    for (const sub of subfolders) {
      const layer = layerRank(sub.name) < 99 ? sub.name.toLowerCase() : undefined;
      const summary = h('summary', null,
        layer ? h('span', { class: 'layer-pill', style: `background:${LAYER_COLORS[layer]}` }, layer) : h('span', { class: 'folder-name' }, sub.name),
        h('span', { class: 'n' }, count(sub.size)));
      const el = h('details', { class: `folder${layer ? ' layer' : ''}`, 'data-folder': sub.name, open: !!layer || (depth === 0 && folder.folders.size <= 3 && sub.size <= 50) });
      el.append(summary);
      this.lazyFill(el, () => this.folderContents(sub, layers, depth + 1));
      out.push(el);
    }
    const items = [...folder.items].sort((a, b) => this.site.label(a).localeCompare(this.site.label(b)));
    for (const i of items) out.push(this.item(i, false));
    return out;
  }

  /** Fill a <details> the first time it opens (or now, when it starts open). */
  private lazyFill(el: HTMLDetailsElement, contents: () => HTMLElement[]): void {
    let filled = false;
    const fill = () => {
      if (filled || !el.open) return;
      filled = true;
      el.append(h('div', { class: 'children' }, contents()));
    };
    el.addEventListener('toggle', fill);
    fill();
  }

  // ------------------------------------------------------------------ search

  private search(query: string): void {
    const q = query.trim().toLowerCase();
    if (q === '') {
      this.results.hidden = true;
      this.tree.hidden = false;
      return;
    }
    this.haystack ??= this.site.nodes.map((n, i) => `${this.site.label(i)} ${n.id} ${n.folder} ${n.tags.join(' ')}`.toLowerCase());
    const tokens = q.split(/\s+/);
    const hits: Array<[number, number]> = [];
    this.haystack.forEach((text, i) => {
      if (!tokens.every((t) => text.includes(t))) return;
      const name = this.site.label(i).toLowerCase();
      const score = name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : 3;
      hits.push([i, score * 1000 + Math.min(name.length, 999)]);
    });
    hits.sort((a, b) => a[1] - b[1]);
    this.results.replaceChildren(
      h('div', { class: 'results-head' }, hits.length === 0 ? 'No match' : `${count(hits.length)} match${hits.length === 1 ? '' : 'es'}${hits.length > MAX_RESULTS ? ` · first ${MAX_RESULTS}` : ''}`),
      ...hits.slice(0, MAX_RESULTS).map(([i]) => this.item(i, true)),
    );
    this.results.hidden = false;
    this.tree.hidden = true;
  }
}
