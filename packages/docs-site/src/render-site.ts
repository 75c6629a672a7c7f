// renderSite: DocsSiteData → one self-contained HTML page (styles, app and data inlined; no network).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import type { DocsSiteData } from '@tsdbt/core';
import { buildPayload } from './build-payload.js';
import type { DetailsEncoding } from './payload.js';

/** Details larger than this are embedded compressed (SQL shrinks ~10×, and the page parses faster). */
const COMPRESS_ABOVE = 256 * 1024;

interface AppBundle {
  js: string;
  css: string;
}

let bundle: AppBundle | undefined;

/** dist/app.js and dist/app.css, built by esbuild from src/app (build-app.mjs); from src/ (tests) in ../dist/. */
function appBundle(): AppBundle {
  if (bundle) return bundle;
  const dirs = ['./', '../dist/'].map((d) => new URL(d, import.meta.url));
  const dir = dirs.find((d) => existsSync(new URL('app.js', d)));
  if (!dir) throw new Error(`@tsdbt/docs-site: app.js is missing from ${fileURLToPath(dirs[0]!)}; run \`npm run build\``);
  bundle = { js: readFileSync(new URL('app.js', dir), 'utf8'), css: readFileSync(new URL('app.css', dir), 'utf8') };
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
  const detailsJson = scriptJson(details);
  const encoding: DetailsEncoding = detailsJson.length > COMPRESS_ABOVE ? 'deflate-raw+base64' : 'json';
  const detailsText = encoding === 'json' ? detailsJson : deflateRawSync(Buffer.from(JSON.stringify(details)), { level: 6 }).toString('base64');
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
    `<script type="application/json" id="tsdbt-details" data-encoding="${encoding}">${detailsText}</script>`,
    `<script>${scriptText(js)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
