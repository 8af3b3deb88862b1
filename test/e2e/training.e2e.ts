// In the browser: "Loss Lab: Train a Model" → MLP on two moons opens the playground's Training scene; the
// loss curve drawn there falls. Then a second run from the scene's own controls (SGD, sequence reduction).
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

async function curve(view: FrameLocator, metric: string, run: string): Promise<number[]> {
  return view.locator(`[data-chart="training-${metric}"].js-plotly-plot`).evaluate((el, r) => {
    const traces = (el as unknown as { data: { name?: string; y: number[] }[] }).data;
    return traces.find((t) => t.name?.startsWith(r) && t.name.endsWith('· loss'))?.y ?? [];
  }, run);
}

describe('training scene (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it('"Train a Model" trains an MLP on the engine in the playground and shows the loss falling', async () => {
    await wb.runCommand('Loss Lab: Train a Model');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'MLP on two moons' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    const view = wb.webview();
    const scene = view.locator('section[data-scene="training"]');
    await scene.locator('.numbers', { hasText: /completed at \d+ steps\/s/ }).waitFor({ timeout: 120_000 });
    await view.locator('[data-chart="training-loss"].js-plotly-plot').waitFor();
    const loss = await curve(view, 'loss', 'MLP on two moons');
    assert.equal(loss.length, 500, 'every step arrived');
    const head = loss.slice(0, 20).reduce((a, b) => a + b) / 20;
    const tail = loss.slice(-20).reduce((a, b) => a + b) / 20;
    assert.ok(tail < head / 2, `smoothed loss ${head} → ${tail}`);
    for (const metric of ['accuracy', 'grad_norm', 'lr', 'perplexity', 'top5_accuracy']) await view.locator(`[data-chart="training-${metric}"].js-plotly-plot`).waitFor();
    await wb.screenshot('training');
  });

  it('trains again from the scene with the choices made there, overlaid on the first run', async () => {
    const view = wb.webview();
    const scene = view.locator('section[data-scene="training"]');
    await scene.locator('select[aria-label="optimizer"]').selectOption('sgd');
    await scene.locator('input[aria-label="steps"]').fill('200');
    await scene.locator('input[aria-label="learning rate"]').fill('0.3');
    await scene.locator('vscode-button', { hasText: 'Train' }).click();
    await scene.locator('.numbers', { hasText: /\(sgd, lr 0\.3, token\)\n\s+completed/ }).waitFor({ timeout: 120_000 });
    assert.equal((await curve(view, 'loss', 'MLP on two moons (sgd, lr 0.3')).length, 200);
    await scene.locator('input[aria-label="steps"]').fill('-3');
    await scene.locator('vscode-button', { hasText: 'Train' }).click();
    await scene.locator('.message', { hasText: /steps must be a whole number from 1/ }).waitFor();
    await scene.locator('input[aria-label="steps"]').fill('200');
    await scene.locator('vscode-button', { hasText: 'Open in notebook' }).click();
    await wb.page.locator('.notebook-editor .view-line', { hasText: 'await train(' }).first().waitFor({ timeout: 30_000 });
    const cell = await wb.page.locator('.notebook-editor .view-line', { hasText: 'await train(' }).first().innerText();
    assert.match(cell.replace(/\s+/g, ' '), /"optimizer":"sgd"/);
    assert.deepEqual(wb.cspViolations, []);
  });
});
