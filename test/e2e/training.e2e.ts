// In the browser: "Loss Lab: Train a Model" → MLP on two moons; the loss curve drawn in the view falls.
import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './workbench';

describe('training view (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it('trains an MLP on the engine and shows the loss falling', async () => {
    await wb.runCommand('Loss Lab: Train a Model');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'MLP on two moons' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    const view = wb.webview();
    const plot = view.locator('.chart[data-metric="loss"] .js-plotly-plot');
    await plot.waitFor({ timeout: 60_000 });
    // 500 steps × 6 per-step metrics + 20 evaluations × 2 metrics: the whole run has arrived.
    await view.locator('#status', { hasText: /3040 points/ }).waitFor({ timeout: 120_000 });
    const loss = await plot.evaluate((el) => {
      const traces = (el as unknown as { data: { name?: string; y: number[] }[] }).data;
      return traces.find((t) => t.name?.endsWith('· loss'))!.y;
    });
    const head = loss.slice(0, 20).reduce((a, b) => a + b) / 20;
    const tail = loss.slice(-20).reduce((a, b) => a + b) / 20;
    assert.ok(tail < head / 2, `smoothed loss ${head} → ${tail}`);
    for (const metric of ['accuracy', 'grad_norm', 'lr', 'perplexity', 'top5_accuracy']) {
      await view.locator(`.chart[data-metric="${metric}"] .js-plotly-plot`).waitFor();
    }
    await wb.screenshot('training');
    assert.deepEqual(wb.cspViolations, []);
  });
});
