// In the browser: run "Loss Lab: Check Engine" from the command palette and read the engine's answer.
import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './workbench';

describe('command palette → engine (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it('shows the cross-entropy computed by ONNX Runtime', async () => {
    await wb.runCommand('Loss Lab: Check Engine');
    const toast = wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'Loss Lab engine' });
    await toast.waitFor({ timeout: 30_000 });
    const text = await toast.innerText();
    assert.match(text, /cross_entropy\(\[2, 1, 0\.1\], 0\) = 0\.4170, gradient \[-0\.3410, 0\.2424, 0\.0986\]/);
    await wb.screenshot('check-engine');
    assert.deepEqual(wb.cspViolations, []);
  });
});
