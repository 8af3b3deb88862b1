// `npm start`: builds Loss Lab, installs code-server into .cache/ if missing, installs the freshly built
// extension into a project-local extensions folder and serves VS Code on 127.0.0.1:$PORT (8080) with
// examples/ open. Ctrl-C stops it. Everything it writes stays inside the project (.cache/start).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE, ROOT, VSCODE, ensureCodeServer, startCodeServer } from './vscode/tools.mjs';

const port = Number(process.env.PORT ?? 8080);
const version = process.env.LOSSLAB_VSCODE ?? '1.100';

execFileSync('node', [path.join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
const server = ensureCodeServer(VSCODE[version].codeServer);

const stateDir = path.join(CACHE, 'start');
const extensionsDir = path.join(stateDir, 'extensions');
mkdirSync(extensionsDir, { recursive: true });
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// The extension folder is this checkout, so every build is what VS Code runs after a window reload.
const link = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
if (existsSync(link)) rmSync(link, { recursive: false, force: true });
symlinkSync(ROOT, link);

const workspace = path.join(ROOT, 'examples');
const { child, stop, url } = await startCodeServer({ server, port, stateDir, userDataDir: path.join(stateDir, 'user-data'), extensionsDir, workspace });
process.stdout.write(`\nLoss Lab is running in VS Code (code-server ${server.version}):\n\n    ${url}/?folder=${workspace}\n\nOpen it in a browser; press Ctrl-C to stop.\n`);
const shutdown = () => {
  stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
child.on('exit', (code) => {
  process.stderr.write(`code-server exited (${code})\n`);
  process.exit(code ?? 1);
});
