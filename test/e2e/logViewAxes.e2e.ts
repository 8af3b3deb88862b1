// In the browser: the log view's x axis (step, wall time, relative time, a logged series) on real logs from
// test/fixtures/curves/axes; the x-axis title clear of the legend however many entries it holds; and a hidden
// view that comes back with its filters, grouping and x axis.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from './workbench';

const AXES = path.resolve(__dirname, '../fixtures/curves/axes');
/**
 * The Trainer's own event file (t5-tensorboard): train/loss from step 500 at wall time 1742826365.0545628 to
 * step 215000 at 1742880860.5488567, 430 points (read off the file with TensorBoard's reader when it was added).
 */
const T5 = { firstStep: 500, lastStep: 215_000, firstWall: 1742826365.0545628, lastWall: 1742880860.5488567, points: 430 };

type Gd = { data: { name?: string; x: (number | string | null)[] }[]; layout: { xaxis: { type?: string; title?: { text?: string } } } };

/**
 * `runs` JSONL runs of 150 steps (6 configs × seeds), each logging train/loss, train/grad_norm and
 * train/learning_rate every step and eval/loss, test/loss every 50: four entries per run on the loss chart.
 */
function writeManyRuns(root: string, runs: number): void {
  for (let r = 0; r < runs; r++) {
    const dir = path.join(root, `config-${String.fromCharCode(97 + (r % 6))}`, `seed-${Math.floor(r / 6)}`);
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    for (let step = 1; step <= 150; step++) {
      const loss = 0.4 + 0.05 * (r % 6) + 2 * Math.exp(-step / 40) + 0.03 * Math.sin(step + r);
      lines.push(JSON.stringify({ step, 'train/loss': Number(loss.toFixed(4)), 'train/grad_norm': 1 + 0.01 * r + 0.1 * Math.cos(step), 'train/learning_rate': 1e-3 * (1 - step / 150) }));
      if (step % 50 === 0) lines.push(JSON.stringify({ step, 'eval/loss': Number((loss + 0.1).toFixed(4)), 'test/loss': Number((loss + 0.12).toFixed(4)) }));
    }
    writeFileSync(path.join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  }
}

describe('training-log view: x axes, legend layout, a hidden view (browser)', () => {
  let wb: Workbench;
  let tmp: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'losslab-e2e-axes-'));
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const chart = (metric: string) => wb.webview().locator(`.chart[data-metric="${metric}"] .js-plotly-plot`);
  const figure = (metric: string) =>
    chart(metric).evaluate((gd) => {
      const g = gd as unknown as Gd;
      return { traces: g.data.map((t) => ({ name: t.name, x: t.x })), type: g.layout.xaxis.type, title: g.layout.xaxis.title?.text };
    });
  async function chooseX(label: string): Promise<void> {
    const view = wb.webview();
    await view.locator('vscode-dropdown[aria-label="X axis"]').click();
    await view.locator('vscode-option', { hasText: label }).first().click();
  }
  async function waitForTitle(metric: string, title: string | RegExp): Promise<void> {
    await chart(metric).locator('.g-xtitle text').filter({ hasText: title }).waitFor({ timeout: 20_000 });
  }

  it('puts the loss on wall time, relative time and a logged series (train/epoch) of a TensorBoard run', async () => {
    await wb.plotLogFolder(path.join(AXES, 't5-tensorboard'), 't5-tensorboard');
    const view = wb.webview();
    await chart('loss').waitFor({ timeout: 60_000 });
    await waitForTitle('loss', /^step$/);
    const lossLine = (f: Awaited<ReturnType<typeof figure>>) => f.traces.find((t) => t.name === 't5-tensorboard · train/loss')!;
    const onSteps = lossLine(await figure('loss'));
    assert.equal(onSteps.x.length, T5.points);
    assert.deepEqual([onSteps.x[0], onSteps.x.at(-1)], [T5.firstStep, T5.lastStep]);

    await chooseX('Wall time');
    await waitForTitle('loss', /^wall time$/);
    const wall = await figure('loss');
    assert.equal(wall.type, 'date');
    assert.deepEqual([lossLine(wall).x[0], lossLine(wall).x.at(-1)], [new Date(T5.firstWall * 1000).toISOString(), new Date(T5.lastWall * 1000).toISOString()]);
    // Date ticks (2025), not step numbers.
    assert.ok((await chart('loss').locator('.xtick text').allTextContents()).some((t) => /2025|Mar/.test(t)));
    await wb.screenshot('log-view-x-wall-time');

    await chooseX('Relative time');
    // The run spans about 15 hours: the axis is in hours, from its first point.
    await waitForTitle('loss', 'relative time (h)');
    const relative = lossLine(await figure('loss')).x as number[];
    assert.ok(Math.abs(relative[0]) < 1e-9, String(relative[0]));
    assert.ok(Math.abs(relative.at(-1)! - (T5.lastWall - T5.firstWall) / 3600) < 1e-6, String(relative.at(-1)));

    await chooseX('train/epoch');
    await waitForTitle('loss', /^train\/epoch$/);
    const epoch = lossLine(await figure('loss')).x as number[];
    // The Trainer logs epoch = step / steps per epoch (215337 steps over 3 epochs), at the same steps.
    const perEpoch = 215_337 / 3;
    assert.ok(Math.abs(epoch[0] - T5.firstStep / perEpoch) < 1e-6, String(epoch[0]));
    assert.ok(Math.abs(epoch.at(-1)! - T5.lastStep / perEpoch) < 1e-6, String(epoch.at(-1)));
    assert.ok(epoch.every((v, i) => i === 0 || v >= epoch[i - 1]), 'epoch never decreases');
    await wb.screenshot('log-view-x-epoch');
    assert.match(await view.locator('#status').innerText(), /^1 run\(s\)/);
  });

  it('puts a Hugging Face run on num_input_tokens_seen, each point at the tokens logged with its step', async () => {
    await wb.plotLogFolder(path.join(AXES, 'tokens'), 'tokens');
    await chart('loss').waitFor({ timeout: 60_000 });
    // The x-axis choice is the view's own: a new view starts on the step axis.
    await waitForTitle('loss', /^step$/);
    await chooseX('num_input_tokens_seen');
    await waitForTitle('loss', /^num_input_tokens_seen$/);
    const history = (JSON.parse(readFileSync(path.join(AXES, 'tokens/trainer_state.json'), 'utf8')) as { log_history: Record<string, number>[] }).log_history;
    const tokensAt = new Map(history.filter((e) => 'num_input_tokens_seen' in e).map((e) => [e.step, e.num_input_tokens_seen]));
    const { traces } = await figure('loss');
    const train = traces.find((t) => t.name === 'trainer_state.json · loss')!;
    assert.deepEqual(train.x, history.filter((e) => 'loss' in e).map((e) => tokensAt.get(e.step)));
    const evalLoss = traces.find((t) => t.name === 'trainer_state.json · eval_loss')!;
    assert.deepEqual(evalLoss.x, history.filter((e) => 'eval_loss' in e).map((e) => tokensAt.get(e.step)));
    await chooseX('Step');
    await waitForTitle('loss', /^step$/);
  });

  it('keeps every x-axis title clear of the legends with many runs and tags, light and dark', async () => {
    const root = path.join(tmp, 'many-runs');
    writeManyRuns(root, 18);
    await wb.plotLogFolder(root, 'many-runs');
    const view = wb.webview();
    await view.locator('#status').filter({ hasText: /^18 run\(s\), 3 metric\(s\)/ }).waitFor({ timeout: 60_000 });
    assert.ok((await chart('loss').locator('.legend .traces').count()) >= 18 * 3, 'train, eval and test loss of every run in the legend');
    for (const theme of ['Light Modern', 'Dark Modern']) {
      await wb.setColorTheme(theme);
      await chart('loss').locator('.legend .traces').first().waitFor();
      await wb.page.waitForTimeout(500);
      for (const metric of ['loss', 'grad_norm', 'learning_rate']) {
        // Charts are drawn as they come near the viewport.
        await wb.webview().locator(`.chart[data-metric="${metric}"]`).scrollIntoViewIfNeeded();
        await chart(metric).locator('.legend .traces').first().waitFor();
        // Each chart's x-axis title against every legend entry of the page (its own and those of the charts around it).
        const clashes = await chart(metric).evaluate((gd) => {
          const title = gd.querySelector('.g-xtitle text')!.getBoundingClientRect();
          const plot = gd.querySelector('.nsewdrag')!.getBoundingClientRect();
          const entries = Array.from(document.querySelectorAll('.legend .traces')).map((e) => e.getBoundingClientRect());
          const own = Array.from(gd.querySelectorAll('.legend .traces')).map((e) => e.getBoundingClientRect());
          const hit = entries.filter((b) => title.left < b.right && b.left < title.right && title.top < b.bottom && b.top < title.bottom);
          return { hits: hit.length, entries: own.length, ownBelowPlotTop: own.filter((b) => b.bottom > plot.top + 1).length };
        });
        assert.ok(clashes.entries > 0, `${metric}: legend drawn`);
        assert.equal(clashes.hits, 0, `${metric}: the x-axis title overlaps ${clashes.hits} legend entries`);
        assert.equal(clashes.ownBelowPlotTop, 0, `${metric}: legend entries reach into the plot`);
      }
      await chart('loss').scrollIntoViewIfNeeded();
      await wb.screenshot(`log-view-many-runs-${/dark/i.test(theme) ? 'dark' : 'light'}`);
    }
    await wb.setColorTheme('Light Modern');
  });

  it('comes back with its filters, grouping and x axis after it was hidden', async () => {
    const view = wb.webview();
    await view.locator('input[aria-label="Tags"]').fill('train/');
    await view.locator('input[aria-label="Runs"]').fill('config-[ab]');
    await view.locator('input[aria-label="Group by"]').fill('seed-\\d+');
    await view.locator('#status').filter({ hasText: '2 group(s)' }).waitFor();
    const before = await view.locator('#status').innerText();
    assert.match(before, /^18 run\(s\), 3 metric\(s\).*12 hidden by the filters · 2 group\(s\)/);
    const legend = async () => (await chart('loss').locator('.legendtext').allTextContents()).sort();
    const bands = await legend();
    assert.deepEqual(bands, ['config-a/*/metrics.jsonl (n=3) · train/loss', 'config-b/*/metrics.jsonl (n=3) · train/loss']);
    await chooseX('Relative time');
    // JSONL without timestamps on a grouped view: bands are drawn over steps, whatever the choice.
    const xValue = () => view.locator('vscode-dropdown[aria-label="X axis"]').evaluate((d) => (d as HTMLElement & { value: string }).value);
    assert.equal(await xValue(), 'relative');

    // Another editor in the same group hides the panel (its page is dropped); its tab shows it again.
    await wb.openFile('README.md');
    await view.locator('#status').waitFor({ state: 'detached' });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Training curves: many-runs' }).click();
    await view.locator('#status').filter({ hasText: '2 group(s)' }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#status').innerText(), before);
    assert.equal(await view.locator('input[aria-label="Tags"]').inputValue(), 'train/');
    assert.equal(await view.locator('input[aria-label="Runs"]').inputValue(), 'config-[ab]');
    assert.equal(await view.locator('input[aria-label="Group by"]').inputValue(), 'seed-\\d+');
    assert.equal(await xValue(), 'relative');
    await chart('loss').locator('.legendtext').first().waitFor();
    assert.deepEqual(await legend(), bands);
    await wb.screenshot('log-view-restored');
    assert.deepEqual(wb.cspViolations, []);
  });
});
