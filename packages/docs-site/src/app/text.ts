// Descriptions (a safe subset of Markdown) and SQL (Jinja-aware highlighting), built as DOM nodes.
import { h } from './dom.js';

/** Paragraphs, `code`, **bold**, *italic*, [links](https://…) and "- " lists. No raw HTML. */
export function markdown(text: string): HTMLElement {
  const root = h('div', { class: 'md' });
  for (const block of text.trim().split(/\n\s*\n/)) {
    const lines = block.split('\n');
    if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
      root.append(h('ul', null, lines.map((l) => h('li', null, inline(l.replace(/^\s*[-*]\s+/, ''))))));
    } else if (/^#{1,4}\s/.test(block)) {
      root.append(h('h4', null, inline(block.replace(/^#{1,4}\s+/, ''))));
    } else {
      root.append(h('p', null, inline(block)));
    }
  }
  return root;
}

function inline(text: string): Node[] {
  const out: Node[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    if (m[1] !== undefined) out.push(h('code', null, m[1]));
    else if (m[2] !== undefined) out.push(h('strong', null, m[2]));
    else if (m[3] !== undefined) out.push(h('em', null, m[3]));
    else out.push(h('a', { href: m[5], target: '_blank', rel: 'noopener noreferrer' }, m[4]));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

const KEYWORDS = new Set(
  ('select from where group by order having limit offset join left right inner outer full cross on using as and or not in is null ' +
    'case when then else end with union all distinct insert into update delete create table view replace over partition ' +
    'rows range between preceding following unbounded current row cast coalesce true false asc desc exists like ilike interval ' +
    'qualify window filter lateral natural except intersect values set if endif for endfor macro endmacro config ref source var')
    .split(' '),
);

const SQL_TOKEN = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\})|(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)/g;

/** SQL with Jinja, comments, strings, numbers and keywords in spans. */
export function highlightSql(sql: string): HTMLElement {
  const code = h('code', { class: 'sql' });
  let last = 0;
  const text = (s: string) => code.append(document.createTextNode(s));
  for (let m = SQL_TOKEN.exec(sql); m; m = SQL_TOKEN.exec(sql)) {
    if (m.index > last) text(sql.slice(last, m.index));
    const [token, jinja, comment, str, ident, num, word] = m;
    if (jinja) code.append(h('span', { class: 'tk-jinja' }, token));
    else if (comment) code.append(h('span', { class: 'tk-comment' }, token));
    else if (str) code.append(h('span', { class: 'tk-string' }, token));
    else if (ident) code.append(h('span', { class: 'tk-ident' }, token));
    else if (num) code.append(h('span', { class: 'tk-number' }, token));
    else if (word && KEYWORDS.has(word.toLowerCase())) code.append(h('span', { class: 'tk-kw' }, token));
    else text(token);
    last = SQL_TOKEN.lastIndex;
  }
  if (last < sql.length) text(sql.slice(last));
  return h('pre', { class: 'code' }, code);
}
