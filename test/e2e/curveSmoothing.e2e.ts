// In the browser: the log view's three smoothers on a loss logged at uneven steps, against NumPy float64
// references (test/fixtures/curves/smoothing.json), the raw value under each smoothed point for the hover, and
// the view's state (smoother, charts) kept while its tab is hidden behind another editor.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from './workbench';

interface Fixture {
  steps: number[];
  values: (number | null)[];
  cases: ({ weight: number } & Record<'ema' | 'time_ema' | 'moving_average', (number | null)[]>)[];
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/curves/smoothing.json'), 'utf8')) as Fixture;
/** The view's default smoothing weight. */
const reference = fixture.cases.find((c) => c.weight === 0.6)!;

type Trace = { name?: string; x?: number[]; y?: number[]; customdata?: number[] };

describe('training-curve smoothing: EMA, time-weighted EMA, centred moving average (browser)', () => {
  let wb: Workbench;
  let tmp: string;
  let folder: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'losslab-e2e-smooth-'));
    folder = path.join(tmp, 'uneven');
    mkdirSync(folder);
    // The NaN point is left out: a CSV cannot log it, and it takes no part in the smoothing.
    const rows = fixture.steps.flatMap((s, i) => (fixture.values[i] === null ? [] : [`${s},${fixture.values[i]}`]));
    writeFileSync(path.join(folder, 'metrics.csv'), ['step,loss', ...rows].join('\n') + '\n');
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const lossLine = () =>
    wb.webview().locator('.chart[data-metric="loss"] .js-plotly-plot').evaluate((gd) => {
      const data = (gd as unknown as { data: Trace[] }).data;
      const t = data.find((d) => d.name?.endsWith('· loss'))!;
      return { x: Array.from(t.x ?? []), y: Array.from(t.y ?? []), raw: Array.from(t.customdata ?? []) };
    });

  /** Waits until the chart's smoothed line is the fixture's `kind` curve at every logged step. */
  async function expectCurve(kind: 'ema' | 'time_ema' | 'moving_average'): Promise<void> {
    const expected = new Map(fixture.steps.map((s, i) => [s, reference[kind][i]]));
    let mismatch = '';
    for (let attempt = 0; attempt < 50; attempt++) {
      const line = await lossLine();
      mismatch = line.x.length !== expected.size - 1 ? `${line.x.length} points` : '';
      line.x.forEach((s, i) => {
        const e = expected.get(s);
        if (!mismatch && (e === null || e === undefined || Math.abs(line.y[i] - e) > 1e-6 * Math.max(1, Math.abs(e)))) mismatch = `step ${s}: ${line.y[i]}, expected ${e}`;
      });
      if (!mismatch) {
        // The hover shows the raw logged value under each smoothed point (held in float32, as TensorBoard holds
        // scalars; the smoothed line is compared with the float64 reference within float32's precision).
        const raw = new Map(fixture.steps.map((s, i) => [s, fixture.values[i] === null ? null : Math.fround(fixture.values[i]!)]));
        line.x.forEach((s, i) => assert.equal(line.raw[i], raw.get(s), `raw value at step ${s}`));
        return;
      }
      await wb.page.waitForTimeout(100);
    }
    assert.fail(`${kind}: ${mismatch}`);
  }

  async function choose(label: string): Promise<void> {
    const view = wb.webview();
    await view.locator('vscode-dropdown[aria-label="Smoother"]').click();
    await view.locator('vscode-option', { hasText: label }).click();
  }

  it("draws TensorBoard's debiased EMA by default, with the raw value in the hover", async () => {
    await wb.plotLogFolder(folder, 'uneven');
    await wb.webview().locator('.chart[data-metric="loss"] .js-plotly-plot').waitFor({ timeout: 60_000 });
    await expectCurve('ema');
    const template = await wb.webview().locator('.chart[data-metric="loss"] .js-plotly-plot').evaluate((gd) => (gd as unknown as { data: { name?: string; hovertemplate?: string }[] }).data.find((d) => d.name?.endsWith('· loss'))?.hovertemplate);
    assert.match(template ?? '', /smoothed, %\{customdata:\.6g\} raw/);
  });

  it('draws the time-weighted EMA (weight s^(Δstep / median Δstep)) and the centred moving average', async () => {
    await choose('Time-weighted EMA');
    await expectCurve('time_ema');
    await wb.screenshot('curves-time-weighted-ema');
    await choose('Centred moving average');
    await expectCurve('moving_average');
  });

  it('keeps its smoother and charts while its tab is hidden behind another editor', async () => {
    const { page } = wb;
    await wb.runCommand('File: New Untitled Text File');
    await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor();
    await page.waitForTimeout(500);
    await page.locator('.tabs-container .tab', { hasText: 'Training curves: uneven' }).click();
    const dropdown = wb.webview().locator('vscode-dropdown[aria-label="Smoother"]');
    await dropdown.waitFor();
    await expectCurve('moving_average');
    assert.equal(await dropdown.evaluate((el) => (el as HTMLElement & { value: string }).value), 'moving_average');
    await wb.screenshot('curves-smoothing-after-hidden');
    assert.deepEqual(wb.cspViolations, []);
  });
});
