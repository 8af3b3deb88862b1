// In the browser: open an example notebook; its outputs are drawn by the Loss Lab renderer in the
// notebook's output webview (plotly, themed), with no CSP violation.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from './workbench';

describe('notebook renderer (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it('draws the distribution chart of an example notebook', async () => {
    await wb.openFile('01-entropy-cross-entropy-kl.lossnb');
    const output = wb.webview();
    const chart = output.locator('.losslab-chart .main-svg').first();
    await chart.waitFor({ timeout: 60_000 });
    const legend = await output.locator('.losslab-chart .legendtext').allTextContents();
    assert.deepEqual(legend.slice(0, 2), ['target q', 'model p']);
    const bars = await output.locator('.losslab-chart .point').count();
    assert.equal(bars, 6);
    await wb.screenshot('notebook');
    assert.deepEqual(wb.cspViolations, []);
  });
});

/** The height of every chart in the notebook's output webview, once `count` charts are drawn. */
async function chartHeights(wb: Workbench, count: number): Promise<number[]> {
  const charts = wb.webview().locator('.losslab-chart');
  for (let i = 0; i < 600 && (await charts.locator('.main-svg').count()) < count; i++) await wb.page.waitForTimeout(100);
  return charts.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().height)));
}

/** Heights now and 10 s later: equal, and no taller than a chart is drawn. */
async function assertStable(wb: Workbench, count: number, what: string): Promise<void> {
  const before = await chartHeights(wb, count);
  assert.ok(before.length >= count, `${what}: ${before.length} charts`);
  await wb.page.waitForTimeout(10_000);
  const after = await chartHeights(wb, count);
  assert.deepEqual(after, before, `${what}: chart heights ${before.join(', ')} → ${after.join(', ')} px`);
  assert.ok(after.every((h) => h > 100 && h < 600), `${what}: ${after.join(', ')} px`);
}

describe('notebook chart heights (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it("keeps every saved chart of 07-bce-and-pos-weight at its height for 10 s, and after running it", async () => {
    const file = path.resolve(__dirname, '../../examples/notebooks/07-bce-and-pos-weight.lossnb');
    const saved = readFileSync(file, 'utf8');
    await wb.openFile('07-bce-and-pos-weight.lossnb');
    await assertStable(wb, 1, 'saved outputs');
    await wb.runCommand('Notebook: Run All');
    const kernel = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Loss Lab' }).first();
    if (await kernel.isVisible({ timeout: 5_000 }).catch(() => false)) await wb.page.keyboard.press('Enter');
    await wb.page.locator('.notebook-editor .cell-status-item .codicon-notebook-state-success').first().waitFor({ timeout: 120_000 });
    await wb.page.waitForTimeout(2_000);
    await assertStable(wb, 1, 'after Run All');
    await wb.screenshot('notebook-07-heights');
    // Running it may change the outputs in the editor (last float32 bits): revert, and the example on disk is untouched.
    await wb.runCommand('File: Revert File');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: '07-bce-and-pos-weight' }).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(readFileSync(file, 'utf8'), saved, 'the example notebook was written by the test');
  });

  it("keeps a new notebook's starter chart at its height for 10 s", async () => {
    await wb.runCommand('Loss Lab: New Notebook');
    await wb.page.locator('.notebook-editor .view-line', { hasText: 'cross_entropy' }).first().waitFor({ timeout: 30_000 });
    await wb.runCommand('Notebook: Run All');
    const kernel = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Loss Lab' }).first();
    if (await kernel.isVisible({ timeout: 5_000 }).catch(() => false)) await wb.page.keyboard.press('Enter');
    await assertStable(wb, 1, 'starter chart');
    await wb.screenshot('notebook-new-heights');
  });
});
