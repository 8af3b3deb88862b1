// In the browser: the log view follows a folder of runs: runs created after it was opened appear in the run
// list and on the charts; a folder of 1,000 event files (2,000,000 points in 20,000 tags) is listed at once,
// only its first runs are read (the rest when ticked), only the charts near the viewport are drawn, and the
// first chart is painted within 3 s of the open command (asserted on a quiet machine).
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LARGE_SWEEP, sweepRunName, sweepTag, writeEventFolder } from '../../src/bench/eventFolder';
import { fileVersionEvent, scalarEvent, tfrecords } from '../../src/logs/eventWriter';
import { openWorkbench, type Workbench } from './workbench';

const jsonl = (from: number, to: number, offset: number) => Array.from({ length: to - from + 1 }, (_, i) => JSON.stringify({ step: from + i, loss: offset + 2 / (from + i) })).join('\n') + '\n';

describe('training-log view of a followed folder: live and lazy (browser)', () => {
  let wb: Workbench;
  let tmp: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'losslab-e2e-folder-'));
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const legend = (metric: string) => wb.webview().locator(`.chart[data-metric="${metric}"] .legendtext`);

  it('picks up runs created after the folder was opened (JSONL and event files in new folders), and points appended', async () => {
    const root = path.join(tmp, 'live');
    mkdirSync(path.join(root, 'run-a'), { recursive: true });
    writeFileSync(path.join(root, 'run-a', 'metrics.jsonl'), jsonl(1, 20, 1));
    await wb.plotLogFolder(root, 'live');
    const view = wb.webview();
    const status = view.locator('#status');
    await status.filter({ hasText: /^1 run\(s\), 1 metric\(s\), 20 points/ }).waitFor({ timeout: 60_000 });

    // A second run starts writing in a new folder: a JSONL log.
    mkdirSync(path.join(root, 'run-b'));
    writeFileSync(path.join(root, 'run-b', 'metrics.jsonl'), jsonl(1, 10, 1.5));
    await status.filter({ hasText: /^2 run\(s\), 1 metric\(s\), 30 points/ }).waitFor({ timeout: 30_000 });
    await legend('loss').filter({ hasText: 'run-b/metrics.jsonl · loss' }).first().waitFor();
    assert.equal(await view.locator('.run-row[data-run="run-b/metrics.jsonl"] input[type=checkbox]').isChecked(), true);

    // A third, a TensorBoard run: an event file in a new folder two levels down.
    const events = path.join(root, 'tb', 'seed-0');
    mkdirSync(events, { recursive: true });
    const records = [fileVersionEvent(), ...Array.from({ length: 15 }, (_, i) => scalarEvent(i + 1, 1.7e9 + i, 'train/loss', 2 + 1 / (i + 1)))];
    writeFileSync(path.join(events, 'events.out.tfevents.1700000000.host.1.0'), tfrecords(records));
    await status.filter({ hasText: /^3 run\(s\), 1 metric\(s\), 45 points/ }).waitFor({ timeout: 30_000 });
    await legend('loss').filter({ hasText: 'tb/seed-0 · train/loss' }).first().waitFor();
    assert.equal(await view.locator('.run-list .run-row').count(), 3);

    // The first run writes on: its new points are drawn.
    appendFileSync(path.join(root, 'run-a', 'metrics.jsonl'), jsonl(21, 30, 1));
    await status.filter({ hasText: /^3 run\(s\), 1 metric\(s\), 55 points/ }).waitFor({ timeout: 30_000 });
    const xs = await view.locator('.chart[data-metric="loss"] .js-plotly-plot').evaluate((gd) => (gd as unknown as { data: { name?: string; x: number[] }[] }).data.find((t) => t.name === 'run-a/metrics.jsonl · loss')!.x);
    assert.deepEqual([xs.length, xs.at(-1)], [30, 30]);
    await wb.screenshot('log-view-live-folder');
  });

  it('lists 1,000 event-file runs (20,000 tags, 2,000,000 points) at once, reads the first 20, draws only the charts in view, reads a run when ticked', async () => {
    const root = path.join(tmp, 'sweep');
    writeEventFolder(root);
    const accepted = await wb.plotLogFolder(root, 'sweep');
    const view = wb.webview();
    // The first chart painted: plotly's SVG drawn, then the frame after it.
    const first = view.locator('.chart .js-plotly-plot .main-svg').first();
    await first.waitFor({ timeout: 60_000 });
    await first.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const paintedMs = Date.now() - accepted;
    // The goal is 3 s from the open command, asserted on a quiet machine (load at most half its cores). On a
    // busier one the time grows with the load (2.3–3.0 s measured at loads 2–4.5 on 2 cores): the test says the
    // goal is not asserted and holds it to 3 s × (1 + load / cores) (before the first screen was drawn at once, it
    // took 8 s at load 4.5 and 29–43 s at loads 11–13).
    const [load] = os.loadavg();
    const cores = os.cpus().length;
    const quiet = load <= cores / 2;
    const limit = quiet ? 3000 : Math.round(3000 * (1 + load / cores));
    console.log(`      1,000 event files, 2,000,000 points: first chart painted ${paintedMs} ms after the open command (load ${load.toFixed(1)} on ${cores} cores${quiet ? '' : `: the 3 s goal is not asserted at this load, ${limit} ms is`})`);
    assert.ok(paintedMs <= limit, `first chart painted ${paintedMs} ms after the open command at load ${load.toFixed(1)} (limit ${limit} ms)`);

    const status = view.locator('#status');
    const shown = 20;
    const points = shown * LARGE_SWEEP.tagsPerRun * LARGE_SWEEP.steps;
    await status.filter({ hasText: `${shown} run(s), ${shown * LARGE_SWEEP.tagsPerRun} metric(s), ${points} points` }).waitFor({ timeout: 30_000 });
    assert.match(await status.innerText(), /980 more listed, not read \(tick one to read it\)/);
    // Every run listed; the first 20 (in path order) ticked and read, the rest unticked with their size.
    assert.equal(await view.locator('.run-list .run-row').count(), LARGE_SWEEP.runs);
    assert.match(await view.locator('details.runs summary').innerText(), /^20 of 1000 run\(s\) shown/);
    const names = Array.from({ length: LARGE_SWEEP.runs }, (_, r) => sweepRunName(r)).sort();
    const row = (name: string) => view.locator(`.run-row[data-run="${name}"]`);
    assert.equal(await row(names[19]).locator('input[type=checkbox]').isChecked(), true);
    assert.match(await row(names[19]).locator('.count').innerText(), /^2000 points$/);
    assert.equal(await row(names[20]).locator('input[type=checkbox]').isChecked(), false);
    assert.match(await row(names[20]).locator('.count').innerText(), /^\d+ kB, not read$/);
    // Charts off screen wait as placeholders: far fewer drawn than there are charts.
    const drawn = await view.locator('.chart .js-plotly-plot').count();
    assert.equal(await view.locator('.chart').count(), shown * LARGE_SWEEP.tagsPerRun);
    assert.ok(drawn > 0 && drawn < 100, `${drawn} charts drawn`);
    await wb.screenshot('log-view-large-folder');

    // Ticking a listed run reads it: its charts appear.
    const r = Number(/seed=(\d+)/.exec(names[500])![1]);
    await view.locator('input[aria-label="Tags"]').fill(`^run${r}/`);
    await row(names[500]).locator('input[type=checkbox]').check();
    await view.locator(`.chart[data-metric="${sweepTag(r, 0)}"] .js-plotly-plot .main-svg`).first().waitFor({ timeout: 30_000 });
    await status.filter({ hasText: /^21 run\(s\)/ }).waitFor();
    assert.equal(await view.locator('.chart').count(), LARGE_SWEEP.tagsPerRun);
    assert.match(await row(names[500]).locator('.count').innerText(), /^2000 points$/);
    await wb.screenshot('log-view-large-folder-ticked');
    assert.deepEqual(wb.cspViolations, []);
  });
});
