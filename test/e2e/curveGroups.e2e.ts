// In the browser: a sweep of 12 runs (3 learning rates × 4 seeds, Lightning-style metrics.csv + hparams.yaml,
// written by this test) in the log view: grouped into 3 bands by a regex, a tag filter that hides a chart,
// colours that match the exported HTML, the runs table sorted, and the scalars exported as CSV.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from './workbench';

const LRS = ['1e-3', '3e-4', '1e-4'];
const SEEDS = [0, 1, 2, 3];
const STEPS = 60;

/** train_loss and train_acc every step, val_loss and val_acc every 10 steps (CSVLogger's sparse rows). */
function writeSweep(root: string): void {
  for (const [k, lr] of LRS.entries()) {
    for (const seed of SEEDS) {
      const dir = path.join(root, `lr=${lr}`, `seed=${seed}`);
      mkdirSync(dir, { recursive: true });
      const rows = ['epoch,step,train_acc,train_loss,val_acc,val_loss'];
      for (let step = 0; step < STEPS; step++) {
        const loss = (0.5 + k * 0.4) + 2 * Math.exp(-step / 15) + 0.12 * Math.sin(step * (seed + 1)) + 0.1 * (seed - 1.5);
        rows.push(`${Math.floor(step / 30)},${step},${(1 - loss / 3).toFixed(4)},${loss.toFixed(4)},,`);
        if (step % 10 === 9) rows.push(`${Math.floor(step / 30)},${step},,,${(1 - loss / 2.8).toFixed(4)},${(loss + 0.1).toFixed(4)}`);
      }
      writeFileSync(path.join(dir, 'metrics.csv'), rows.join('\n') + '\n');
      writeFileSync(path.join(dir, 'hparams.yaml'), `batch_size: 32\nlr: ${Number(lr)}\nmodel:\n  hidden: ${128 * (k + 1)}\nseed: ${seed}\n`);
    }
  }
}

type Trace = { name?: string; line?: { color?: string }; fill?: string };

describe('training curves of a sweep: bands, filters, colours, runs table, export (browser)', () => {
  let wb: Workbench;
  let tmp: string;
  let sweep: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'losslab-e2e-sweep-'));
    sweep = path.join(tmp, 'sweep');
    writeSweep(sweep);
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Presses the view's button, accepts the save dialog's proposal `name` and returns the written file's text. */
  async function saveThrough(buttonText: string, name: string): Promise<{ file: string; text: string }> {
    await wb.webview().locator('vscode-button', { hasText: buttonText }).click();
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor();
    for (let i = 0; i < 50 && !(await input.inputValue()).endsWith(name); i++) await wb.page.waitForTimeout(100);
    const file = await input.inputValue();
    assert.ok(file.endsWith(name), file);
    rmSync(file, { force: true });
    await input.press('Enter');
    for (let i = 0; i < 100; i++) {
      try {
        return { file, text: readFileSync(file, 'utf8') };
      } catch {
        await wb.page.waitForTimeout(100);
      }
    }
    throw new Error(`${file} was not written`);
  }

  const traces = (metric: string) => wb.webview().locator(`.chart[data-metric="${metric}"] .js-plotly-plot`).evaluate((gd) => (gd as unknown as { data: Trace[] }).data.map((t) => ({ name: t.name, color: t.line?.color, fill: t.fill })));

  it('opens the folder: 12 runs listed with colours and counts, the runs table shows the swept hyperparameters', async () => {
    await wb.plotLogFolder(sweep, 'sweep');
    const view = wb.webview();
    const status = view.locator('#status');
    await status.filter({ hasText: '12 run(s)' }).waitFor({ timeout: 60_000 });
    // loss (train and val), acc (train and val) and the epoch counter.
    assert.match(await status.innerText(), /^12 run\(s\), 3 metric\(s\), 2376 points/);
    assert.equal(await view.locator('.run-list .run-row').count(), 12);
    assert.match(await view.locator('details.runs summary').innerText(), /12 of 12 run\(s\) shown/);
    const first = view.locator('.run-row[data-run="lr=1e-3/seed=0/metrics.csv"]');
    assert.match(await first.locator('.count').innerText(), /^198 points$/);
    // Swept hyperparameters only (batch_size is the same everywhere).
    const headers = (await view.locator('table.runs th').allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
    assert.deepEqual(headers.slice(0, 4), ['run', 'lr', 'model/hidden', 'seed']);
    assert.ok(headers.includes('train_loss (min)') && !headers.includes('batch_size'), headers.join(' | '));
    await wb.screenshot('curves-sweep-ungrouped');
  });

  it('groups the runs into 3 bands by a regex, member counts in the legend; Ungroup brings back every run', async () => {
    const view = wb.webview();
    await view.locator('input[aria-label="Group by"]').fill('seed=\\d+');
    const legend = view.locator('.chart[data-metric="loss"] .legendtext');
    await legend.filter({ hasText: '(n=4)' }).first().waitFor();
    const names = (await legend.allTextContents()).sort();
    assert.deepEqual(names, LRS.flatMap((lr) => [`lr=${lr}/*/metrics.csv (n=4) · train_loss`, `lr=${lr}/*/metrics.csv (n=4) · val_loss`]).sort());
    const loss = await traces('loss');
    assert.equal(loss.filter((t) => t.fill === 'tonexty').length, 6, 'a band under each group mean (train and val)');
    assert.match(await view.locator('#status').innerText(), /· 3 group\(s\)/);
    assert.equal(await view.locator('.run-list .run-row').count(), 3);
    await wb.screenshot('curves-bands-light');
    await wb.setColorTheme('Dark Modern');
    await view.locator('.chart[data-metric="loss"] .legendtext').first().waitFor();
    await wb.page.waitForTimeout(500);
    await wb.screenshot('curves-bands-dark');
    await wb.setColorTheme('Light Modern');
    await view.locator('#ungroup').click();
    await legend.filter({ hasText: 'seed=3/metrics.csv · train_loss' }).first().waitFor();
    assert.equal(await view.locator('.run-list .run-row').count(), 12);
    await view.locator('input[aria-label="Group by"]').fill('seed=\\d+');
    await legend.filter({ hasText: '(n=4)' }).first().waitFor();
  });

  it('a tag filter hides the charts whose tags it drops, and says how many runs the run filter hides', async () => {
    const view = wb.webview();
    assert.equal(await view.locator('.chart[data-metric="acc"]').count(), 1);
    await view.locator('input[aria-label="Tags"]').fill('loss');
    await view.locator('.chart[data-metric="acc"]').waitFor({ state: 'detached' });
    assert.equal(await view.locator('.chart[data-metric="loss"]').count(), 1);
    await view.locator('input[aria-label="Runs"]').fill('!1e-4');
    await view.locator('#status').filter({ hasText: '4 hidden by the filters' }).waitFor();
    assert.equal((await traces('loss')).filter((t) => t.fill === 'tonexty').length, 4);
    await view.locator('input[aria-label="Runs"]').fill('');
    await view.locator('#status').filter({ hasNotText: 'hidden by the filters' }).waitFor();
    await view.locator('input[aria-label="Runs"]').fill('[');
    await view.locator('#status').filter({ hasText: 'Invalid run filter "["' }).waitFor();
    assert.equal(await view.locator('input[aria-label="Runs"].invalid').count(), 1);
    await view.locator('input[aria-label="Runs"]').fill('');
  });

  it('the exported HTML report draws the same bands in the same colours as the chart', async () => {
    const means = <T extends { name?: string; fill?: string }>(ts: T[]) => ts.filter((t) => t.name?.includes('(n=4)') && !t.fill && !t.name.endsWith('lower'));
    const shown = means(await traces('loss'));
    assert.equal(shown.length, 6);
    const { file, text } = await saveThrough('Export HTML report', 'training-report.html');
    try {
      const json = /const figures = (.*);\n/.exec(text);
      assert.ok(json, 'the report embeds its figures');
      const figures = JSON.parse(json[1]) as { metric: string; data: Trace[] }[];
      assert.deepEqual(figures.map((f) => f.metric), ['loss'], 'the tag filter applies to the report too');
      // Band fills too: the same traces in the same order.
      assert.equal(figures[0].data.filter((t) => t.fill === 'tonexty').length, 6);
      const exported = means(figures[0].data.map((t) => ({ name: t.name, color: t.line?.color, fill: t.fill })));
      assert.deepEqual(exported, shown);
      assert.equal(new Set(shown.map((t) => t.color)).size, 3, 'each group its own colour');
      // The run list's swatch is the chart's colour.
      const swatch = await wb.webview().locator('.run-row[data-run="lr=3e-4/*/metrics.csv"] input[type=color]').inputValue();
      assert.equal(swatch, shown.find((t) => t.name?.startsWith('lr=3e-4/'))!.color);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('sorts the runs table by a column, both ways', async () => {
    const view = wb.webview();
    const order = async () => view.locator('table.runs tr[data-run]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run!));
    await view.locator('table.runs th[data-key="hparam:lr"] button').click();
    await view.locator('table.runs th[data-key="hparam:lr"][aria-sort="ascending"]').waitFor();
    const ascending = await order();
    assert.equal(ascending.length, 12);
    assert.deepEqual(ascending.slice(0, 4).map((r) => r.split('/')[0]), Array(4).fill('lr=1e-4'));
    assert.deepEqual(ascending.slice(8).map((r) => r.split('/')[0]), Array(4).fill('lr=1e-3'));
    await view.locator('table.runs th[data-key="hparam:lr"] button').click();
    await view.locator('table.runs th[data-key="hparam:lr"][aria-sort="descending"]').waitFor();
    assert.deepEqual((await order()).slice(0, 4).map((r) => r.split('/')[0]), Array(4).fill('lr=1e-3'));
    // By the best validation loss: the smallest learning rate's runs end highest.
    await view.locator('table.runs th[data-key="min:val_loss"] button').click();
    await view.locator('table.runs th[data-key="min:val_loss"][aria-sort="ascending"]').waitFor();
    const best = await order();
    assert.deepEqual(best.slice(0, 4).map((r) => r.split('/')[0]), Array(4).fill('lr=1e-3'));
    assert.equal(await view.locator('.parallel.js-plotly-plot').count(), 1, 'the parallel-coordinates chart is drawn');
    await view.locator('#runs-table').scrollIntoViewIfNeeded();
    await wb.screenshot('curves-runs-table-light');
  });

  it('exports the scalars of the visible runs and tags as one long CSV', async () => {
    const view = wb.webview();
    await view.locator('input[aria-label="Runs"]').fill('seed=[01]');
    await view.locator('#status').filter({ hasText: '6 hidden by the filters' }).waitFor();
    const { file, text } = await saveThrough('Export CSV', 'scalars.csv');
    try {
      const lines = text.trimEnd().split('\n');
      assert.equal(lines[0], 'run,tag,step,wall_time,value');
      const rows = lines.slice(1).map((l) => l.split(','));
      // 6 runs × (60 train_loss + 6 val_loss) points; acc is filtered out by the tag filter.
      assert.equal(rows.length, 6 * (STEPS + STEPS / 10));
      assert.deepEqual([...new Set(rows.map((r) => r[1]))].sort(), ['train_loss', 'val_loss']);
      assert.equal(new Set(rows.map((r) => r[0])).size, 6);
      assert.ok(rows.every((r) => /seed=[01]\//.test(r[0]) && r[3] === ''), 'no wall times in a Lightning CSV');
      const loss = 0.5 + 0.4 + 2 * Math.exp(-10 / 15) + 0.12 * Math.sin(10 * 2) + 0.1 * (1 - 1.5);
      assert.deepEqual(rows.find((r) => r[0] === 'lr=3e-4/seed=1/metrics.csv' && r[1] === 'train_loss' && r[2] === '10'), ['lr=3e-4/seed=1/metrics.csv', 'train_loss', '10', '', loss.toFixed(4).replace(/0+$/, '')]);
    } finally {
      rmSync(file, { force: true });
    }
    assert.deepEqual(wb.cspViolations, []);
  });
});
