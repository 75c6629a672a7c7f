// esbuild bundles the stylesheet into dist/app.css.
declare module '*.css';
