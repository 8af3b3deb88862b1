// In the browser: a large bf16 batch (written here with the streaming writer) opens in the Loss Inspector;
// Cancel in its progress notification stops the run. The view then says the inspection was cancelled (said
// only once the worker has stopped), keeps the tensors and roles, shows no further progress, and "Run again"
// starts the run once more.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { writeSafetensors } from '../../src/tensorfile/safetensors';
import { openWorkbench, type Workbench } from './workbench';

const [B, T, V] = [4, 2048, 50257];

/** bf16 logits [B, T, V], one position at a time (the upper halves of float32 values in [−4, 4]). */
function* logitRows(): Generator<Uint16Array> {
  const f32 = new Float32Array(V);
  const halves = new Uint16Array(f32.buffer);
  for (let row = 0; row < B * T; row++) {
    for (let v = 0; v < V; v++) f32[v] = Math.sin((row * V + v) * 0.37) * 4;
    yield Uint16Array.from({ length: V }, (_, v) => halves[2 * v + 1]);
  }
}

describe('Loss Inspector: cancelling a large inspection (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  let dir: string;
  let file: string;
  before(async function () {
    this.timeout(600_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-cancel-'));
    file = path.join(dir, 'large-batch.safetensors');
    const labels = BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7919) % V));
    writeSafetensors(file, {
      logits: { dtype: 'bfloat16', shape: [B, T, V], chunks: logitRows() },
      labels: { dtype: 'int64', shape: [B, T], chunks: [labels] },
    });
    wb = await openWorkbench();
    view = wb.webview();
  });
  after(async () => {
    await wb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the file by its absolute path through Quick Open, and waits until the view reports progress. */
  async function openAndWaitForProgress(): Promise<void> {
    await wb.page.keyboard.press('Control+P');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(file);
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'large-batch.safetensors' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    await view.locator('#status', { hasText: /Inspecting… \d+%/ }).waitFor({ timeout: 120_000 });
  }

  const notification = () => wb.page.locator('.notification-toast', { hasText: 'Inspecting large-batch.safetensors' });

  async function cancelFromNotification(): Promise<void> {
    await notification().locator('.monaco-button', { hasText: 'Cancel' }).click({ timeout: 30_000 });
  }

  it('Cancel in the notification stops the run: the view says so, keeps the tensors and roles, and shows no more progress', async () => {
    await openAndWaitForProgress();
    await cancelFromNotification();
    const status = view.locator('#status');
    await view.locator('#status #run-again').waitFor({ timeout: 60_000 });
    const said = await status.innerText();
    const match = /Inspection cancelled at (\d+)% of the rows\./.exec(said);
    assert.ok(match, said);
    assert.ok(Number(match[1]) < 100, `cancelled at ${match[1]}%`);
    await notification().waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(await view.locator('.tensors tbody tr td:first-child').allTextContents(), ['logits', 'labels']);
    assert.equal(await view.locator('#role-logits').inputValue(), 'logits');
    assert.equal(await view.locator('#role-labels').inputValue(), 'labels');
    assert.equal(await view.locator('#report').innerHTML(), '', 'no report of a run that did not finish');
    await wb.screenshot('inspector-cancelled');
    // The worker has stopped: the status stays as it is, with no progress arriving after the cancel.
    await wb.page.waitForTimeout(4000);
    assert.equal(await status.innerText(), said);
    assert.deepEqual(wb.cspViolations, []);
  });

  it('"Run again" starts the inspection once more, and it can be cancelled again', async () => {
    await view.locator('#run-again').click();
    await view.locator('#status', { hasText: /Inspecting… \d+%/ }).waitFor({ timeout: 120_000 });
    await cancelFromNotification();
    await view.locator('#status #run-again').waitFor({ timeout: 60_000 });
    assert.match(await view.locator('#status').innerText(), /Inspection cancelled at \d+% of the rows\./);
    assert.deepEqual(wb.cspViolations, []);
  });
});
