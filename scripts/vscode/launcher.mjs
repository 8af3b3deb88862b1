#!/usr/bin/env node
// Stands in for "a VS Code executable" for @vscode/test-electron: reads the arguments it passes
// (--extensionDevelopmentPath, --extensionTestsPath, --user-data-dir, --extensions-dir, a folder), starts
// code-server with them, opens the workbench in headless Chromium with code-server's `payload` parameter so
// the Node extension host loads the extension and runs the tests, relays the console, and exits with the
// code the workbench reports through window.codeAutomationExit.
// LOSSLAB_VSCODE selects the VS Code version ('1.100' or 'latest').
import { mkdirSync, mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { CACHE, VSCODE, ensureCodeServer, freePort, launchChromium, removeRunDir, startCodeServer } from './tools.mjs';

/** Extension-host output (mocha's spec reporter) as opposed to the workbench's own chatter. */
const EXTENSION_HOST_LOG = /✔|passing|failing|pending|^\s*\d+\) |Error:|Loss Lab|^\s+at /;

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const folder = args.find((a) => !a.startsWith('--'));
const developmentPath = option('extensionDevelopmentPath');
const testsPath = option('extensionTestsPath');
const vscode = VSCODE[process.env.LOSSLAB_VSCODE ?? '1.100'];
if (!vscode) throw new Error(`LOSSLAB_VSCODE must be one of ${Object.keys(VSCODE).join(', ')}`);

mkdirSync(path.join(CACHE, 'runs'), { recursive: true });
const runDir = mkdtempSync(path.join(CACHE, 'runs', `it-${vscode.codeServer}-`));
const server = ensureCodeServer(vscode.codeServer);
const port = await freePort();
const userDataDir = option('user-data-dir') ?? path.join(runDir, 'user-data');
const extensionsDir = option('extensions-dir') ?? path.join(runDir, 'extensions');
mkdirSync(extensionsDir, { recursive: true });
const { stop, url, output } = await startCodeServer({ server, port, stateDir: runDir, userDataDir, extensionsDir, workspace: folder });

let code = 1;
const browser = await launchChromium(path.join(runDir, 'chromium'));
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  const exited = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (c) => resolve(Number(c))));
  // Mocha's report comes through the workbench console as the extension host's log lines.
  page.on('console', async (message) => {
    let values = await Promise.all(message.args().map((a) => a.jsonValue().catch(() => '')));
    // The workbench prefixes extension-host lines with a styled "%c INFO" and its CSS argument.
    if (typeof values[0] === 'string' && values[0].startsWith('%c')) values = values.slice(2);
    const text = values.length ? format(...values) : message.text();
    if (EXTENSION_HOST_LOG.test(text) && !text.includes('ENOTFOUND')) process.stdout.write(`${text}\n`);
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(developmentPath)],
    ['extensionTestsPath', remote(testsPath)],
  ]);
  const query = new URLSearchParams({ payload });
  if (folder) query.set('folder', folder);
  await page.goto(`${url}/?${query}`);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10 * 60_000));
  const result = await Promise.race([exited, timeout]);
  if (result === 'timeout') {
    process.stderr.write(`integration tests did not finish within 10 minutes\n${output.join('')}`);
  } else {
    code = result;
  }
} finally {
  await browser.close().catch(() => undefined);
  stop();
}
// A failed run keeps its folder (code-server's logs are in it).
if (code === 0) removeRunDir(runDir);
process.exit(code);
