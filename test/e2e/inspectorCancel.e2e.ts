// In the browser: a 3.3 GB bf16 batch (written here with the streaming writer, into a folder opened as the
// workspace) opens in the Loss Inspector; Cancel in its progress notification stops the run. The view then says
// at what share of the rows the inspection was cancelled (said only once the worker has stopped), keeps the
// tensors and roles, shows no further progress, and "Run again" inspects the whole file, whose token-mean loss
// matches a float64 reference computed here.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { writeSafetensors } from '../../src/tensorfile/safetensors';
import { openWorkbench, type Workbench } from './workbench';

// Long enough to inspect (well over ten seconds on an idle machine) that a cancel lands mid-run.
const [B, T, V] = [16, 2048, 50257];
const DISTINCT = 64;

/** DISTINCT rows of bf16 logits (the upper halves of float32 values in [−4, 4]); position i holds row i mod DISTINCT. */
function distinctRows(): Uint16Array[] {
  const f32 = new Float32Array(V);
  const halves = new Uint16Array(f32.buffer);
  return Array.from({ length: DISTINCT }, (_, k) => {
    for (let v = 0; v < V; v++) f32[v] = Math.sin((k * V + v) * 0.37) * 4;
    return Uint16Array.from({ length: V }, (_, v) => halves[2 * v + 1]);
  });
}

function* logitRows(rows: Uint16Array[]): Generator<Uint16Array> {
  for (let i = 0; i < B * T; i++) yield rows[i % DISTINCT];
}

/** float64 token-mean cross-entropy of the bf16 logits as stored, every position counted. */
function referenceMean(rows: Uint16Array[], labels: BigInt64Array): number {
  const bits = new Uint32Array(1);
  const f32 = new Float32Array(bits.buffer);
  const values = rows.map((row) => Float64Array.from(row, (h) => ((bits[0] = h << 16), f32[0])));
  const lse = values.map((x) => {
    const max = x.reduce((m, v) => Math.max(m, v), -Infinity);
    return max + Math.log(x.reduce((s, v) => s + Math.exp(v - max), 0));
  });
  let total = 0;
  for (let i = 0; i < B * T; i++) total += lse[i % DISTINCT] - values[i % DISTINCT][Number(labels[i])];
  return total / (B * T);
}

describe('Loss Inspector: cancelling a large inspection (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  let dir: string;
  let mean: number;
  before(async function () {
    this.timeout(600_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-cancel-'));
    const rows = distinctRows();
    const labels = BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7919) % V));
    writeSafetensors(path.join(dir, 'large-batch.safetensors'), {
      logits: { dtype: 'bfloat16', shape: [B, T, V], chunks: logitRows(rows) },
      labels: { dtype: 'int64', shape: [B, T], chunks: [labels] },
    });
    mean = referenceMean(rows, labels);
    wb = await openWorkbench({ workspace: dir });
    view = wb.webview();
  });
  after(async () => {
    await wb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const notification = () => wb.page.locator('.notification-toast', { hasText: 'Inspecting large-batch.safetensors' });
  const status = () => view.locator('#status');

  /** Waits until the view reports progress, then cancels from the notification; the share of rows done before the click. */
  async function cancelMidRun(): Promise<number> {
    await view.locator('#status', { hasText: /Inspecting… \d+%/ }).waitFor({ timeout: 180_000 });
    const cancel = notification().locator('.monaco-button', { hasText: 'Cancel' });
    await cancel.waitFor({ timeout: 60_000 });
    const seen = Number(/(\d+)%/.exec(await status().innerText())![1]);
    await cancel.click();
    return seen;
  }

  /** The share of the rows the view says the run was cancelled at. */
  async function cancelledAt(): Promise<number> {
    await view.locator('#status #run-again').waitFor({ timeout: 60_000 });
    const said = await status().innerText();
    const match = /^Inspection cancelled at (\d+)% of the rows\./.exec(said);
    assert.ok(match, said);
    return Number(match[1]);
  }

  it('Cancel in the notification stops the run: the view says where, keeps the tensors and roles, and shows no more progress', async () => {
    await wb.openFile('large-batch.safetensors');
    const seen = await cancelMidRun();
    const at = await cancelledAt();
    assert.ok(at >= seen && at < 100, `progress ${seen}% before the cancel, cancelled at ${at}%`);
    await notification().waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(await view.locator('.tensors tbody tr td:first-child').allTextContents(), ['logits', 'labels']);
    assert.equal(await view.locator('#role-logits').inputValue(), 'logits');
    assert.equal(await view.locator('#role-labels').inputValue(), 'labels');
    assert.equal(await view.locator('#report').innerHTML(), '', 'no report of a run that did not finish');
    await wb.screenshot('inspector-cancelled');
    // The worker has stopped: the status stays as it is, with no progress arriving after the cancel.
    const said = await status().innerText();
    await wb.page.waitForTimeout(4000);
    assert.equal(await status().innerText(), said);
    assert.deepEqual(wb.cspViolations, []);
  });

  it('"Run again" inspects the whole file: its totals match the float64 reference', async () => {
    await view.locator('#run-again').click();
    await view.locator('#status', { hasText: /Inspecting…/ }).waitFor({ timeout: 10_000 });
    await view.locator('#status', { hasText: 'tokens scored' }).waitFor({ timeout: 280_000 });
    assert.equal(await view.locator('[data-total="tokens counted"]').innerText(), `${B * T} of ${B * T}`);
    const shown = Number(await view.locator('[data-total="loss, token mean"]').innerText());
    assert.ok(Math.abs(shown - mean) <= 1e-4, `shown ${shown}, float64 ${mean}`);
    await notification().waitFor({ state: 'hidden', timeout: 10_000 });
    await wb.screenshot('inspector-run-again');
    assert.deepEqual(wb.cspViolations, []);
  });
});
