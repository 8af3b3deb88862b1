// In the browser: run "Loss Lab: Check Engine" from the command palette and read the engine's answer —
// with the checkout linked as the extension, and with the linux-x64 VSIX installed by --install-extension.
// The VSIX is packaged from a fresh copy of the checkout (what git would clone, node_modules linked in): no
// .cache/ or dist/ left over from earlier runs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { freshCopy } from '../support/freshCopy';
import { openWorkbench, type Workbench, type WorkbenchOptions } from './workbench';

const ROOT = path.resolve(__dirname, '../..');

async function checkEngineFromPalette(wb: Workbench, screenshot: string): Promise<void> {
  await wb.runCommand('Loss Lab: Check Engine');
  const toast = wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'Loss Lab engine' });
  await toast.waitFor({ timeout: 60_000 });
  assert.match(await toast.innerText(), /cross_entropy\(\[2, 1, 0\.1\], 0\) = 0\.4170, gradient \[-0\.3410, 0\.2424, 0\.0986\]/);
  await wb.screenshot(screenshot);
  assert.deepEqual(wb.cspViolations, []);
}

function scenario(title: string, options: () => WorkbenchOptions, screenshot: string): void {
  describe(title, () => {
    let wb: Workbench;
    before(async () => (wb = await openWorkbench(options())));
    after(() => wb?.close());
    it('computes cross-entropy on ONNX Runtime from the command palette', () => checkEngineFromPalette(wb, screenshot));
  });
}

scenario('command palette → engine (browser)', () => ({}), 'check-engine');

describe('linux-x64 VSIX', () => {
  let vsix = '';
  before(function () {
    this.timeout(600_000);
    const clone = freshCopy(ROOT);
    assert.ok(!existsSync(path.join(clone, '.cache')) && !existsSync(path.join(clone, 'dist')));
    const out = execFileSync('npm', ['run', '--silent', 'package', '--', '--target', 'linux-x64'], { cwd: clone, encoding: 'utf8' });
    vsix = out.trim().split('\n').pop()!;
    assert.equal(path.dirname(vsix), clone);
  });

  it('is under 25 MB', () => {
    const mb = statSync(vsix).size / 2 ** 20;
    assert.ok(mb < 25, `${path.basename(vsix)} is ${mb.toFixed(1)} MB`);
  });

  scenario('installed with --install-extension', () => ({ vsix }), 'vsix-check-engine');
});
