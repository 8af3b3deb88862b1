// `npm run test:integration`: the mocha suites of test/integration inside the extension host of a real
// VS Code (code-server, driven by Chromium through launcher.mjs), on VS Code 1.100 and on the latest.
// LOSSLAB_VSCODE=1.100|latest limits the run to one version.
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { ROOT, VSCODE } from './tools.mjs';

await esbuild.build({
  entryPoints: [path.join(ROOT, 'test/integration/index.ts')],
  outfile: path.join(ROOT, 'dist/test/integration.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

const versions = process.env.LOSSLAB_VSCODE ? [process.env.LOSSLAB_VSCODE] : Object.keys(VSCODE);
let failed = 0;
for (const version of versions) {
  process.stdout.write(`\n== integration tests on VS Code ${version} (code-server ${VSCODE[version].codeServer}) ==\n`);
  try {
    await runTests({
      vscodeExecutablePath: path.join(ROOT, 'scripts/vscode/launcher.mjs'),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'dist/test/integration.js'),
      launchArgs: [path.join(ROOT, 'examples')],
      extensionTestsEnv: { LOSSLAB_VSCODE: version },
    });
  } catch (error) {
    failed++;
    process.stdout.write(`integration tests failed on VS Code ${version}: ${error instanceof Error ? error.message : error}\n`);
  }
}
process.exit(failed ? 1 : 0);
