// Browser end-to-end harness: a real VS Code (code-server) with Loss Lab installed, driven by Debian's
// Chromium through playwright-core.
//
// To add a test: `const wb = await openWorkbench()` in a before() hook, `await wb.runCommand('Loss Lab: …')`,
// read what appears (`wb.page`, or `wb.webview()` for a webview panel's content frame), save a screenshot
// with `wb.screenshot('name')` (test-results/<name>.png), and `await wb.close()` in after(). Every test
// fails if the page logged a Content-Security-Policy violation (`wb.cspViolations`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
export const RESULTS = path.join(ROOT, 'test-results');

interface Tools {
  CACHE: string;
  VSCODE: Record<string, { codeServer: string }>;
  ensureCodeServer(version: string): { node: string; entry: string; version: string };
  freePort(): Promise<number>;
  isolatedEnv(dir: string): NodeJS.ProcessEnv;
  launchChromium(dir: string): Promise<BrowserContext>;
  startCodeServer(options: Record<string, unknown>): Promise<{ stop(): void; url: string; output: string[] }>;
  removeRunDir(dir: string): void;
}

export interface Workbench {
  page: Page;
  cspViolations: string[];
  runCommand(title: string): Promise<void>;
  /** Opens a workspace file in an editor through Quick Open. */
  openFile(name: string): Promise<void>;
  /**
   * Runs "Loss Lab: Plot Training Log" on a folder typed into its file dialog, until the tab `Training curves:
   * <name>` opens; resolves to the time (Date.now()) the dialog was accepted.
   */
  plotLogFolder(folder: string, name: string): Promise<number>;
  webview(): FrameLocator;
  screenshot(name: string): Promise<string>;
  /** Switches the colour theme ('Light Modern', 'Dark Modern') through "Preferences: Color Theme". */
  setColorTheme(theme: string): Promise<void>;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** 'latest' or '1.100' (default: $LOSSLAB_VSCODE or '1.100'). */
  version?: string;
  /** Install this VSIX with `--install-extension` instead of linking the checkout. */
  vsix?: string;
  /** The folder opened as the workspace (default: examples/). */
  workspace?: string;
}

/** Installs the built extension into a fresh code-server and opens examples/ (or `workspace`) in headless Chromium. */
export async function openWorkbench({ version = process.env.LOSSLAB_VSCODE ?? '1.100', vsix, workspace = path.join(ROOT, 'examples') }: WorkbenchOptions = {}): Promise<Workbench> {
  const tools = (await import(path.join(ROOT, 'scripts/vscode/tools.mjs'))) as Tools;
  const server = tools.ensureCodeServer(tools.VSCODE[version].codeServer);
  mkdirSync(path.join(tools.CACHE, 'runs'), { recursive: true });
  const runDir = mkdtempSync(path.join(tools.CACHE, 'runs', 'e2e-'));
  const extensionsDir = path.join(runDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  if (vsix) {
    execFileSync(server.node, [server.entry, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env: tools.isolatedEnv(runDir), stdio: 'pipe' });
  } else {
    const pkg = require(path.join(ROOT, 'package.json')) as { publisher: string; name: string; version: string };
    symlinkSync(ROOT, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
  }
  const port = await tools.freePort();
  const { stop, url } = await tools.startCodeServer({ server, port, stateDir: runDir, userDataDir: path.join(runDir, 'user-data'), extensionsDir, workspace });
  const browser = await tools.launchChromium(path.join(runDir, 'chromium'));
  const page = browser.pages()[0] ?? (await browser.newPage());
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForTimeout(1500); // let the extension host finish starting

  const workbench: Workbench = {
    page,
    cspViolations,
    async runCommand(title) {
      // On a cold start the extension's commands appear a few seconds after the workbench: retry.
      const deadline = Date.now() + 90_000;
      for (;;) {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill(`>${title}`);
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
        try {
          await row.waitFor({ timeout: 5_000 });
          await page.keyboard.press('Enter');
          return;
        } catch (error) {
          await page.keyboard.press('Escape');
          if (Date.now() > deadline) throw error;
          await page.waitForTimeout(1_000);
        }
      }
    },
    async openFile(name) {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(name);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: name }).waitFor();
    },
    async plotLogFolder(folder, name) {
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Loss Lab: Plot Training Log');
      const dialog = page.locator('.quick-input-widget', { hasText: 'Training log or folder of runs' });
      await dialog.waitFor();
      const input = dialog.locator('input');
      // The dialog shows the parent folder while it lists the workspace root, then moves there: wait for it to
      // settle, and type the folder again if the move overwrote it.
      const root = `${workspace}/`;
      for (let i = 0; i < 100 && (await input.inputValue()) !== root; i++) await page.waitForTimeout(100);
      const tab = page.locator('.tabs-container .tab', { hasText: `Training curves: ${name}` });
      let accepted = Date.now();
      for (let i = 0; i < 10 && !(await tab.isVisible()); i++) {
        if (await dialog.isVisible()) {
          if ((await input.inputValue()) !== `${folder}/`) await input.fill(`${folder}/`);
          await page.waitForTimeout(800);
          if ((await dialog.isVisible()) && (await input.inputValue()) === `${folder}/`) {
            accepted = Date.now();
            await input.press('Enter');
          }
        } else {
          await page.waitForTimeout(800);
        }
      }
      await tab.waitFor();
      return accepted;
    },
    webview() {
      return page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    },
    async screenshot(name) {
      mkdirSync(RESULTS, { recursive: true });
      const file = path.join(RESULTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async setColorTheme(theme) {
      const dark = /dark/i.test(theme);
      const applied = (d: boolean) => document.querySelector('.monaco-workbench')?.classList.contains(d ? 'vs-dark' : 'vs') ?? false;
      if (await page.evaluate(applied, dark)) return;
      const input = page.locator('.quick-input-widget input');
      const pick = async (text: string, label: string) => {
        await input.waitFor({ state: 'visible' });
        await input.fill(text);
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
        await row.waitFor({ timeout: 10_000 }).catch(async (error: Error) => {
          await page.screenshot({ path: path.join(RESULTS, 'color-theme-picker.png') });
          throw error;
        });
        await row.click();
      };
      await page.keyboard.press('F1');
      await pick('>Preferences: Color Theme', 'Preferences: Color Theme');
      await pick(theme, theme);
      await page.waitForFunction(applied, dark, { timeout: 30_000 });
    },
    async close() {
      await browser.close().catch(() => undefined);
      stop();
      tools.removeRunDir(runDir);
    },
  };
  return workbench;
}
