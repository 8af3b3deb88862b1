// In the browser: "Loss Lab: Open Playground"; each scene answers a control with the engine's numbers.
// Also measures input → charts painted (reported, not asserted: a benchmark figure).
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

async function numbers(view: FrameLocator, scene: string): Promise<string> {
  return view.locator(`section[data-scene="${scene}"] .numbers`).innerText();
}

/** Sets a range input (by its label) and fires its input event, as dragging does. */
async function drag(view: FrameLocator, label: string, value: number): Promise<void> {
  await view.locator(`input[aria-label="${label}"]`).evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

describe('playground (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  before(async () => {
    wb = await openWorkbench();
    await wb.runCommand('Loss Lab: Open Playground');
    view = wb.webview();
    await view.locator('section[data-scene="softmax-ce"] .numbers', { hasText: 'loss' }).waitFor({ timeout: 60_000 });
  });
  after(() => wb?.close());

  it('softmax & cross-entropy: H(q,p) = H(q) + KL, and label smoothing changes the loss', async () => {
    const before = await numbers(view, 'softmax-ce');
    const value = (text: string, name: string) => Number(text.split('\n').find((l) => l.startsWith(name))!.trim().split(/\s+/).pop());
    assert.ok(Math.abs(value(before, 'loss') - value(before, 'H(q,p)')) < 1e-4, before);
    await drag(view, 'label smoothing ε', 0.2);
    await view.locator('section[data-scene="softmax-ce"] .numbers', { hasText: /H\(q\)\s+0\.[1-9]/ }).waitFor();
    const after = await numbers(view, 'softmax-ce');
    assert.notEqual(value(after, 'loss'), value(before, 'loss'));
    assert.ok(Math.abs(value(after, 'loss') - value(after, 'H(q,p)')) < 1e-4, after);
    await wb.screenshot('playground-softmax');
  });

  it('naive vs stable: softmax-then-log overflows at ±1000 where log-sum-exp does not', async () => {
    const scene = view.locator('section[data-scene="softmax-ce"]');
    await scene.locator('select[aria-label="Preset"]').selectOption('extreme ±1000');
    await scene.locator('vscode-checkbox', { hasText: 'naive softmax' }).click();
    const text = await scene.locator('.numbers', { hasText: 'naive softmax → log' }).innerText();
    assert.match(text, /loss, naive softmax → log\s+(NaN|Infinity)/, text);
    assert.match(text, /^loss \(cross-entropy\)\s+\d{4}\.\d+/m, `the stable loss is finite, in the thousands: ${text}`);
    await wb.screenshot('playground-naive');
    await scene.locator('vscode-checkbox', { hasText: 'naive softmax' }).click();
    await scene.locator('select[aria-label="Preset"]').selectOption('uniform');
    await scene.locator('.numbers', { hasText: /^loss \(cross-entropy\)\s+1\.6094/m }).waitFor(); // log 5
  });

  it('reports bad input inline and keeps working', async () => {
    await view.locator('input[aria-label="Class weights"]').fill('1, x');
    await view.locator('input[aria-label="Class weights"]').press('Enter');
    await view.locator('section[data-scene="softmax-ce"] .message', { hasText: 'class weights' }).waitFor();
    await view.locator('input[aria-label="Class weights"]').fill('');
    await view.locator('input[aria-label="Class weights"]').press('Enter');
    await view.locator('section[data-scene="softmax-ce"] .message', { hasText: /^$/ }).waitFor();
  });

  it('KL forward vs reverse: fitting Q lowers both divergences, forward KL widens Q, reverse KL picks a mode', async () => {
    await view.locator('nav button', { hasText: 'KL' }).click();
    const scene = view.locator('section[data-scene="kl"] .numbers');
    await scene.filter({ hasText: 'KL(P‖Q)' }).waitFor();
    // One block per fit: the line that names it and the indented lines under it.
    const block = (text: string, name: string) => {
      const lines = text.split('\n');
      const start = lines.findIndex((l) => l.startsWith(name));
      assert.ok(start >= 0, `no line "${name}" in\n${text}`);
      const end = lines.findIndex((l, i) => i > start && !l.startsWith(' '));
      return lines.slice(start, end < 0 ? undefined : end).join(' ');
    };
    const read = (text: string, name: string, field: string) => Number(block(text, name).split(field)[1].trim().split(/\s+/)[0]);
    const before = await scene.innerText();
    await view.locator('section[data-scene="kl"] vscode-button', { hasText: 'Fit Q' }).click();
    await scene.filter({ hasText: /converged/ }).waitFor({ timeout: 120_000 });
    const after = await scene.innerText();
    assert.ok(read(after, 'KL(P‖Q)', 'forward') < read(before, 'KL(P‖Q)', 'forward'), after);
    assert.ok(read(after, 'KL(Q‖P)', 'reverse') < read(before, 'KL(Q‖P)', 'reverse'), after);
    // Bumps at ±4: the mode-covering fit sits between them and is wide; the mode-seeking fit is narrow on one.
    assert.ok(read(after, 'KL(P‖Q)', 'σ') > 2 * read(after, 'KL(Q‖P)', 'σ'), after);
    assert.ok(Math.abs(read(after, 'KL(Q‖P)', 'μ')) > 3, after);
    await wb.screenshot('playground-kl');
  });

  it('preferences: DPO loss and rewards follow β', async () => {
    await view.locator('nav button', { hasText: 'Preferences' }).click();
    await view.locator('section[data-scene="preferences"] .numbers', { hasText: 'DPO loss' }).waitFor();
    const before = await numbers(view, 'preferences');
    await drag(view, 'β', 0.5);
    await view.locator('section[data-scene="preferences"] .numbers', { hasText: /chosen reward\s+β·Δ⁺\s+0\.5000/ }).waitFor();
    assert.notEqual(await numbers(view, 'preferences'), before);
    await wb.screenshot('playground-preferences');
  });

  it('masks & denominators: prompt masking changes N and the loss; local means equal the global mean only for one group', async () => {
    await view.locator('nav button', { hasText: 'Masks' }).click();
    const scene = view.locator('section[data-scene="masks"] .numbers');
    await scene.filter({ hasText: 'counted tokens' }).waitFor();
    const value = (text: string, name: string) => Number(text.split('\n').find((l) => l.trim().startsWith(name))!.trim().split(/\s+/).pop());
    const masked = await scene.innerText();
    assert.equal(value(masked, 'counted tokens N'), 15, masked); // answers only: 6 + 2 + 3 + 4
    assert.ok(Math.abs(value(masked, 'mean of local means') - value(masked, 'global sum / N')) > 1e-3, masked);
    await view.locator('section[data-scene="masks"] vscode-checkbox', { hasText: 'mask the prompt' }).click();
    await scene.filter({ hasText: /counted tokens N\s+25/ }).waitFor();
    assert.notEqual(value(await scene.innerText(), 'token-normalized loss'), value(masked, 'token-normalized loss'));
    await drag(view, 'micro-batches m', 1);
    await drag(view, 'data-parallel ranks k', 1);
    await scene.filter({ hasText: /groups G = m·k\s+1/ }).waitFor();
    const one = await scene.innerText();
    assert.ok(Math.abs(value(one, 'mean of local means') - value(one, 'global sum / N')) < 1e-6, one);
    await wb.screenshot('playground-masks');
  });

  it('backprop: an SGD step lowers the loss, and finite differences agree with ∂L/∂W and ∂L/∂b', async () => {
    await view.locator('nav button', { hasText: 'Backprop' }).click();
    const scene = view.locator('section[data-scene="backprop"]');
    await scene.locator('.numbers', { hasText: 'L = −log' }).first().waitFor();
    const loss = async () => Number((await scene.locator('.results > .numbers').innerText()).match(/L = −log ŷ\[\d\]\s+(\S+)/)![1]);
    const before = await loss();
    await scene.locator('vscode-button', { hasText: 'Step (SGD)' }).click();
    await wb.page.waitForFunction(() => true);
    for (let i = 0; i < 50 && (await loss()) === before; i++) await wb.page.waitForTimeout(100);
    assert.ok((await loss()) < before, `loss ${before} → ${await loss()}`);
    await scene.locator('vscode-button', { hasText: 'Check gradients' }).click();
    const table = scene.locator('.charts .numbers', { hasText: 'finite difference' });
    await table.waitFor();
    const pairs = [...(await table.innerText()).matchAll(/(-?[\d.e-]+) \((-?[\d.e-]+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(pairs.length, 12); // 9 weights + 3 biases
    for (const [analytic, numeric] of pairs) assert.ok(Math.abs(analytic - numeric) < 1e-3, `${analytic} vs ${numeric}`);
    await wb.screenshot('playground-backprop');
  });

  it('other losses: BCE at the logit set by the slider', async () => {
    await view.locator('nav button', { hasText: 'Other losses' }).click();
    await view.locator('section[data-scene="other"] .numbers', { hasText: 'BCE' }).waitFor();
    await drag(view, 'BCE logit x', 0);
    // BCE(0, y=1) = log 2
    await view.locator('section[data-scene="other"] .numbers', { hasText: /BCE\(x=0, y=1\)\s+0\.6931/ }).waitFor();
    await wb.screenshot('playground-other');
    assert.deepEqual(wb.cspViolations, []);
  });

  it('measures slider input → charts painted (p50 / p95)', async () => {
    await view.locator('nav button', { hasText: 'Softmax' }).click();
    await view.locator('input[aria-label="Number of classes"]').fill('50');
    await view.locator('input[aria-label="Number of classes"]').dispatchEvent('input');
    await view.locator('input[aria-label="logit 49"]').waitFor();
    await wb.page.waitForTimeout(1000); // let the 50-class redraw finish before measuring
    await view.locator('body').evaluate(() => ((window as unknown as { lossLabLatencies: number[] }).lossLabLatencies.length = 0, performance.clearMeasures()));
    for (let i = 0; i < 60; i++) {
      await drag(view, 'logit 3', -5 + (i % 20) * 0.5);
      await wb.page.waitForTimeout(16);
    }
    await wb.page.waitForTimeout(500);
    const samples = await view.locator('body').evaluate(() => [...(window as unknown as { lossLabLatencies: number[] }).lossLabLatencies].sort((a, b) => a - b));
    assert.ok(samples.length > 0);
    const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1);
    console.log(`      playground latency, 50 classes: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms over ${samples.length} paints`);
    const phases = await view.locator('body').evaluate(() => {
      const by = new Map<string, number[]>();
      for (const m of performance.getEntriesByType('measure')) by.set(m.name, [...(by.get(m.name) ?? []), m.duration]);
      return [...by].map(([name, d]) => `${name} ×${d.length} p50 ${d.sort((a, b) => a - b)[Math.floor(d.length / 2)].toFixed(1)} ms`).join(', ');
    });
    console.log(`      (${phases})`);
  });

  it('keeps each scene\'s settings when the panel is hidden and when the window reloads', async () => {
    const input = (scene: string, label: string) => view.locator(`section[data-scene="${scene}"] input[aria-label="${label}"]`);
    const set = (scene: string, label: string, value: number) =>
      input(scene, label).evaluate((el, v) => {
        (el as HTMLInputElement).value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, value);
    await view.locator('nav button', { hasText: 'Softmax' }).click();
    await set('softmax-ce', 'label smoothing ε', 0.37);
    await view.locator('nav button', { hasText: 'Backprop' }).click();
    await set('backprop', 'x1', 2.5);
    await view.locator('nav button', { hasText: 'Softmax' }).click();
    await wb.page.waitForTimeout(300);
    await wb.openFile('README.md'); // the panel is hidden: VS Code drops its page
    await wb.runCommand('Loss Lab: Open Playground');
    await view.locator('section[data-scene="softmax-ce"] .numbers', { hasText: 'loss' }).waitFor({ timeout: 30_000 });
    assert.equal(await input('softmax-ce', 'label smoothing ε').inputValue(), '0.37');
    await wb.runCommand('Developer: Reload Window');
    await wb.page.waitForTimeout(2000);
    await view.locator('section[data-scene="softmax-ce"] .numbers', { hasText: 'loss' }).waitFor({ timeout: 60_000 });
    assert.equal(await input('softmax-ce', 'label smoothing ε').inputValue(), '0.37');
    await view.locator('nav button', { hasText: 'Backprop' }).click();
    assert.equal(await input('backprop', 'x1').inputValue(), '2.5');
    await view.locator('nav button', { hasText: 'Softmax' }).click();
  });

  it('"Open in notebook" sends the scene to a new notebook, drawn by the renderer', async () => {
    await view.locator('nav button', { hasText: 'Softmax' }).click();
    await view.locator('section[data-scene="softmax-ce"] vscode-button', { hasText: 'Open in notebook' }).click();
    // The notebook's output webview is another iframe.webview: find the one holding the snapshot.
    let found = false;
    for (let attempt = 0; attempt < 60 && !found; attempt++) {
      for (let i = 0; i < 3 && !found; i++) {
        const frame = wb.page.frameLocator(`iframe.webview >> nth=${i}`).frameLocator('iframe#active-frame');
        found = (await frame.locator('strong', { hasText: 'Loss Playground snapshot' }).count().catch(() => 0)) > 0 && (await frame.locator('.losslab-chart .main-svg').count().catch(() => 0)) >= 2;
      }
      if (!found) await wb.page.waitForTimeout(500);
    }
    assert.ok(found, 'a notebook output shows the scene snapshot with its two charts');
    await wb.screenshot('playground-to-notebook');
  });
});
