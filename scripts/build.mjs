// Builds one esbuild bundle per runtime into dist/. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

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
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['src/kernel/worker.ts'], outfile: 'dist/kernel-worker.js' },
  { ...node, entryPoints: ['src/bench/main.ts'], outfile: 'dist/bench.js' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { logView: 'src/webview/logView/main.ts', playground: 'src/webview/playground/main.ts' },
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

const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
