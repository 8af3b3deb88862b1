// Builds one esbuild bundle per runtime into dist/. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'warning',
};

/** One entry per runtime; every bundle is self-contained except for vscode and onnxruntime-node. */
const bundles = [
  { ...node, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/engine/worker.ts'], outfile: 'dist/engine-worker.js' },
  { ...node, entryPoints: ['src/engine/rowsWorker.ts'], outfile: 'dist/engine-rows-worker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['src/kernel/worker.ts'], outfile: 'dist/kernel-worker.js' },
  { ...node, entryPoints: ['src/tensorfile/loadWorker.ts'], outfile: 'dist/tensorfile-worker.js' },
  { ...node, entryPoints: ['src/bench/main.ts'], outfile: 'dist/bench.js' },
  { ...node, entryPoints: ['src/lint/worker.ts'], outfile: 'dist/lint-worker.js' },
  { ...node, entryPoints: ['src/inspect/worker.ts'], outfile: 'dist/inspect-worker.js' },
  { ...node, entryPoints: ['src/tensor/backend/worker.ts'], outfile: 'dist/tensor-worker.js' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { logView: 'src/webview/logView/main.ts', playground: 'src/webview/playground/main.ts', inspector: 'src/webview/inspector/main.ts' },
    outdir: 'dist/webview',
  },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    define: { global: 'window' },
    entryPoints: ['src/renderer/main.ts'],
    outfile: 'dist/renderer.js',
  },
];

// plotly.js (basic bundle: scatter, bar), pinned, shipped beside the bundles: never from a CDN.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/plotly.js-basic-dist-min/plotly-basic.min.js', 'dist/plotly.min.js');

// The linter's parser: tree-sitter's runtime and the Python grammar (wasm), beside the bundles that load them.
mkdirSync('dist/tree-sitter', { recursive: true });
for (const f of ['tree-sitter.wasm', 'tree-sitter-python.wasm']) copyFileSync(`node_modules/@vscode/tree-sitter-wasm/wasm/${f}`, `dist/tree-sitter/${f}`);

// KaTeX's stylesheet and fonts for the playground's formulas, linked from the page (no inline styles). Only the
// woff2 fonts: the stylesheet lists them first and every browser a webview runs in reads them.
mkdirSync('dist/katex/fonts', { recursive: true });
copyFileSync('node_modules/katex/dist/katex.min.css', 'dist/katex/katex.min.css');
for (const font of readdirSync('node_modules/katex/dist/fonts').filter((f) => f.endsWith('.woff2'))) {
  copyFileSync(`node_modules/katex/dist/fonts/${font}`, `dist/katex/fonts/${font}`);
}

// The training-curve view's plotly.js: core (scatter) + scattergl for long curves + parcoords for the runs'
// hyperparameters, built from plotly.js's sources.
// scattergl's and parcoords' strict variants draw with precompiled regl shaders: nothing is compiled at run time, so the
// webview's CSP needs no 'unsafe-eval'. No map traces: plotly's dist bundles inject maplibre's CSS as an inline
// <style> when they register those, which the CSP refuses.
const plotlyGl = {
  stdin: {
    contents: `const Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/src/traces/scattergl/strict'), require('plotly.js/src/traces/parcoords/strict')]);
module.exports = Plotly;`,
    resolveDir: '.',
    sourcefile: 'plotly-gl.js',
  },
  bundle: true,
  platform: 'browser',
  format: 'iife',
  globalName: 'Plotly',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // As plotly.js's own build: one regl (its fork), `global` is the window, CSS imports (maplibre's, for map
  // traces only) dropped. A page has no node Buffers: typedarray-pool's `Buffer.isBuffer` is always false.
  alias: { regl: '@plotly/regl' },
  define: { global: 'window' },
  loader: { '.css': 'empty' },
  plugins: [
    {
      name: 'no-node-buffer',
      setup(build) {
        build.onResolve({ filter: /^buffer$/ }, () => ({ path: 'buffer', namespace: 'no-node-buffer' }));
        build.onLoad({ filter: /.*/, namespace: 'no-node-buffer' }, () => ({ contents: 'export const Buffer = { isBuffer: () => false };' }));
      },
    },
  ],
  outfile: 'dist/plotly-gl.min.js',
};
await esbuild.build(plotlyGl);

const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
