// In the browser: open an example training log, run "Loss Lab: Plot Training Log", and read the charts.
import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './workbench';

describe('training-log view (browser)', () => {
  let wb: Workbench;
  before(async () => (wb = await openWorkbench()));
  after(() => wb?.close());

  it('charts a JSONL log with train and eval curves and a spike marker', async () => {
    // Open the log in an editor, then plot the active file.
    await wb.openFile('trainer_log.jsonl');
    await wb.runCommand('Loss Lab: Plot Training Log');

    const view = wb.webview();
    await view.locator('.chart[data-metric="loss"] .js-plotly-plot').waitFor({ timeout: 60_000 });
    const status = await view.locator('#status').innerText();
    assert.match(status, /1 run\(s\), 4 metric\(s\), 410 points/);
    // train (solid) and eval (dashed) of the loss, plus the spike at step 620.
    const legend = await view.locator('.chart[data-metric="loss"] .legendtext').allTextContents();
    assert.ok(legend.some((t) => t.endsWith('· loss')), legend.join(' | '));
    assert.ok(legend.some((t) => t.endsWith('· eval_loss')), legend.join(' | '));
    assert.ok(legend.some((t) => t.endsWith('loss spikes')), legend.join(' | '));
    await wb.screenshot('log-view');
    assert.deepEqual(wb.cspViolations, []);
  });
});
