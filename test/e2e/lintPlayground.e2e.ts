// In the browser: a loss-lint warning's hover link opens the playground with the scene set to show the bug —
// LL007 (detached focal weight) at focal γ = 2, LL003 (log of softmax) with the naive softmax on.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

const FILE = 'loss_bugs.py';

// Skipped: the hover over the warning does not open where the test moves the mouse (the hover never shows), so the
// scene state the link carries (γ = 2, naive softmax) is not yet proven in the browser; it stays open.
describe.skip('loss linter → playground (browser)', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    await wb.openFile(FILE);
    await wb.page.locator('.squiggly-warning').first().waitFor({ timeout: 90_000 });
  });
  after(() => wb?.close());

  /** Hovers the editor text `text` (first line holding it, `offset` characters in) and follows the hover's Open in Playground link. */
  async function openFromHover(text: string, offset: number, code: string): Promise<FrameLocator> {
    const page = wb.page;
    const line = page.locator('.view-lines .view-line', { hasText: text }).first();
    const content = line.locator('> span');
    const box = (await content.boundingBox())!;
    const full = await content.innerText();
    const width = box.width / full.length;
    const column = full.indexOf(text) + offset;
    await page.mouse.move(0, 0);
    await page.mouse.move(box.x + (column + 0.5) * width, box.y + box.height / 2, { steps: 4 });
    const hover = page.locator('.monaco-hover', { hasText: code });
    await hover.waitFor({ timeout: 20_000 });
    await wb.screenshot(`lint-hover-${code}`);
    await hover.locator('a', { hasText: 'Open in Playground' }).click();
    const view = wb.webview();
    await view.locator('section[data-scene="softmax-ce"]:not([hidden]) .numbers', { hasText: 'loss' }).waitFor({ timeout: 60_000 });
    return view;
  }

  it('LL007: the softmax & cross-entropy scene opens at focal γ = 2', async () => {
    const view = await openFromHover('(1 - p_t) ** gamma', 5, 'LL007');
    const scene = view.locator('section[data-scene="softmax-ce"]');
    assert.equal(await scene.locator('input[aria-label="focal γ"]').inputValue(), '2');
    await scene.locator('.numbers', { hasText: 'focal factor' }).waitFor();
    await wb.screenshot('lint-playground-focal');
  });

  it('LL003: the same scene opens with the naive softmax on, the focal γ back at 0', async () => {
    await wb.openFile(FILE);
    const view = await openFromHover('torch.log(F.softmax', 3, 'LL003');
    const scene = view.locator('section[data-scene="softmax-ce"]');
    const naive = scene.locator('vscode-checkbox', { hasText: 'naive softmax' });
    assert.equal(await naive.evaluate((el) => (el as HTMLElement & { checked: boolean }).checked), true);
    await scene.locator('.numbers', { hasText: 'naive softmax → log' }).waitFor();
    assert.equal(await scene.locator('input[aria-label="focal γ"]').inputValue(), '0');
    assert.equal(await view.locator('section[data-scene="softmax-ce"]').count(), 1, 'the scene is built once, not twice');
    await wb.screenshot('lint-playground-naive');
  });
});
