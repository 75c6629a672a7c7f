// renderSite: DocsSiteData → one self-contained HTML page (styles, app and data inlined; no network).
import { readFileSync } from 'node:fs';
import type { DocsSiteData } from '@tsdbt/core';
import { buildPayload } from './build-payload.js';

interface AppBundle {
  js: string;
  css: string;
}

let bundle: AppBundle | undefined;

/** dist/app.js and dist/app.css, built by esbuild from src/app (build-app.mjs). */
function appBundle(): AppBundle {
  if (bundle) return bundle;
  const read = (file: string) => {
    try {
      return readFileSync(new URL(file, import.meta.url), 'utf8');
    } catch (e) {
      throw new Error(`@tsdbt/docs-site: ${file} is missing next to ${new URL('.', import.meta.url).pathname}; run \`npm run build\` (${(e as Error).message})`);
    }
  };
  bundle = { js: read('./app.js'), css: read('./app.css') };
  return bundle;
}

/** JSON that is safe inside <script>: no `<` (so no `</script>` or `<!--`), no raw U+2028/9. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A script body that cannot end its own element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The docs site for `data` as one HTML page that works opened from disk (file://). */
export function renderSite(data: DocsSiteData): string {
  const { js, css } = appBundle();
  const { index, details } = buildPayload(data);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="tsdbt ${escapeHtml(data.project.tsdbtVersion)}">`,
    `<title>${escapeHtml(data.project.name)} · tsdbt docs</title>`,
    `<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body>',
    '<div id="app"><p class="boot">Loading the project…</p></div>',
    `<script type="application/json" id="tsdbt-index">${scriptJson(index)}</script>`,
    `<script type="application/json" id="tsdbt-details">${scriptJson(details)}</script>`,
    `<script>${scriptText(js)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
