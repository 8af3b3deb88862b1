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

describe('training scene: Stop and Clear curves (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it('stops within one metrics batch of the Stop click', async () => {
    await wb.runCommand('Loss Lab: Open Playground');
    const view = wb.webview();
    await view.locator('[role="tab"]', { hasText: 'Training' }).click();
    const scene = view.locator('section[data-scene="training"]');
    await scene.locator('input[aria-label="steps"]').fill('100000');
    await scene.locator('input[aria-label="learning rate"]').fill('0.01');
    await scene.locator('select[aria-label="optimizer"]').selectOption('adam');
    // The size of every metrics batch the page gets: what "one batch" means at this machine's pace.
    await scene.evaluate(() => {
      const sizes: number[] = ((window as unknown as { batchSizes: number[] }).batchSizes = []);
      window.addEventListener('message', (e: MessageEvent<{ type?: string; batch?: { steps: number[] } }>) => void (e.data?.type === 'trainingMetrics' && sizes.push(e.data.batch!.steps.length)));
    });
    await scene.locator('vscode-button', { hasText: 'Train' }).click();
    const running = scene.locator('.numbers', { hasText: /\(adam, lr 0\.01, token\)\n\s+step (\d{4,}) of 100000/ });
    await running.waitFor({ timeout: 120_000 });
    // The step the page shows when Stop is clicked, read in the same task as the click.
    const { shown, batch } = await scene.locator('vscode-button', { hasText: 'Stop' }).evaluate((stop) => {
      const numbers = document.querySelector('section[data-scene="training"] .numbers')!.textContent ?? '';
      const steps = [...numbers.matchAll(/step (\d+) of 100000/g)].map((m) => Number(m[1]));
      (stop as HTMLElement).click();
      return { shown: steps.at(-1)!, batch: Math.max(...(window as unknown as { batchSizes: number[] }).batchSizes) };
    });
    const clicked = Date.now();
    const stopped = scene.locator('.numbers', { hasText: /\(adam, lr 0\.01, token\)\n\s+stopped at \d+ steps\/s/ });
    await stopped.waitFor({ timeout: 30_000 });
    const seconds = (Date.now() - clicked) / 1000;
    // The last step drawn (a long curve is drawn with fewer points than steps).
    const final = await view.locator('[data-chart="training-loss"].js-plotly-plot').evaluate((el) => {
      const traces = (el as unknown as { data: { name?: string; x: number[] }[] }).data;
      return Math.max(...traces.filter((t) => t.name?.startsWith('MLP on two moons (adam, lr 0.01, token)')).map((t) => t.x.at(-1)!));
    });
    // The run computes one batch beyond those the page has taken, and the page may not have drawn the last batch
    // it took: two batches at most (a batch is ~50 ms of steps).
    const allowed = 2 * batch;
    assert.ok(final - shown <= allowed, `stopped at step ${final}, ${final - shown} steps after the click at step ${shown} (largest batch ${batch} steps; allowed ${allowed}); "stopped" shown ${seconds.toFixed(1)} s after the click`);
    console.log(`      stop: ${final - shown} steps after the click at step ${shown} (largest batch ${batch}), shown stopped ${seconds.toFixed(1)} s later`);
  });

  it('"Clear curves" sticks: the next "Train a Model" run is shown alone', async () => {
    const view = wb.webview();
    const scene = view.locator('section[data-scene="training"]');
    await scene.locator('vscode-button', { hasText: 'Clear curves' }).click();
    // An empty chart column says what will appear there.
    await scene.locator('.numbers', { hasText: 'Press Train: the loss curves of every run are drawn here' }).waitFor();
    // Another editor hides the panel, whose page goes; "Train a Model" shows it again and the host replays its runs.
    await wb.openFile('README.md');
    await wb.runCommand('Loss Lab: Train a Model');
    // Not Enter: the list opens on its first preset, MLP on two moons.
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Softmax regression on blobs' }).first().click();
    await scene.locator('.numbers', { hasText: /Softmax regression on blobs.*\n\s+completed at \d+ steps\/s/ }).waitFor({ timeout: 120_000 });
    const numbers = await scene.locator('.numbers').innerText();
    assert.doesNotMatch(numbers, /MLP on two moons/, numbers);
    const runs = await view.locator('[data-chart="training-loss"].js-plotly-plot').evaluate((el) => [...new Set((el as unknown as { data: { name?: string }[] }).data.map((t) => t.name?.split(' · ')[0]))]);
    assert.deepEqual(runs.filter((r) => r && !r.startsWith('Softmax regression on blobs')), []);
    await wb.screenshot('training-after-clear');
  });
});
