// Bundles the browser app (src/app/main.ts, with sigma, graphology, dagre and core's selector)
// into dist/app.js + dist/app.css, which renderSite inlines into index.html.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

await build({
  entryPoints: { app: here('./src/app/main.ts') },
  outdir: here('./dist'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  // NO_MINIFY=1 node build-app.mjs: readable stack traces while debugging the page.
  minify: process.env.NO_MINIFY !== '1',
  legalComments: 'none',
  // The selector module (packages/core/src/graph/select.ts) is imported by relative path.
  tsconfig: here('./src/app/tsconfig.json'),
  logLevel: 'warning',
});
