// In the browser: open an example notebook; its outputs are drawn by the Loss Lab renderer in the
// notebook's output webview (plotly, themed), with no CSP violation.
import * as assert from 'node:assert/strict';
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
