// In the browser: what a user sees of each scene's layout — nothing overlaps or is cut, readouts stay in view,
// the Training scene shows its preset's values, and native controls follow a dark theme in every webview.
// Ends with screenshots of every scene (and the log view) in the light and the dark theme.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Locator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

type Box = { left: number; right: number; top: number; bottom: number };
const overlap = (a: Box, b: Box) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
const box = (l: Locator): Promise<Box> => l.evaluate((el) => JSON.parse(JSON.stringify(el.getBoundingClientRect())) as Box);

/** Each chart's legend: its box, the x-axis title's and the main title's, and whether its entries overflow it (a scroll box). */
function legends(scope: Locator): Promise<{ legend: Box; xtitle?: Box; title?: Box; hidden: number }[]> {
  // No named inner functions: the test bundler would wrap them in a helper the page does not have.
  return scope.locator('.js-plotly-plot').evaluateAll((plots) =>
    plots
      .filter((p) => p.querySelector('.legend .bg'))
      .map((p) => {
        const [legend, xtitle, title] = ['.legend .bg', '.g-xtitle text', '.g-gtitle text'].map((s) => {
          const el = p.querySelector(s);
          return el ? (JSON.parse(JSON.stringify(el.getBoundingClientRect())) as { left: number; right: number; top: number; bottom: number }) : undefined;
        });
        const hidden = Array.from(p.querySelectorAll('.legend .traces')).filter((t) => t.getBoundingClientRect().bottom > legend!.bottom + 1).length;
        return { legend: legend!, xtitle, title, hidden };
      }),
  );
}

async function checkLegends(scope: Locator, what: string): Promise<void> {
  for (const l of await legends(scope)) {
    assert.equal(l.hidden, 0, `${what}: every legend entry shows, no scroll box`);
    if (l.xtitle) assert.ok(!overlap(l.legend, l.xtitle), `${what}: legend over the x-axis title ${JSON.stringify(l)}`);
    if (l.title) assert.ok(!overlap(l.legend, l.title), `${what}: legend over the title ${JSON.stringify(l)}`);
  }
}

/** No text cut at the right of the numbers block, and every select/text field inside the controls column. */
async function checkControls(scene: Locator, what: string): Promise<void> {
  const numbers = scene.locator('.numbers').first();
  const [scroll, client] = await numbers.evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(scroll <= client + 1, `${what}: numbers cut (${scroll} > ${client}): ${await numbers.innerText()}`);
  const column = await box(scene.locator('.controls').first());
  const charts = await box(scene.locator('.charts'));
  for (const field of await scene.locator('.controls select, .controls input[type="text"]').all()) {
    const b = await box(field);
    assert.ok(b.right <= column.right + 1 && b.right <= charts.left, `${what}: ${await field.getAttribute('aria-label')} runs into the charts (${b.right} > ${column.right})`);
  }
}

describe('playground layout and themes (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  const scene = (id: string) => view.locator(`section[data-scene="${id}"]`);
  before(async () => {
    wb = await openWorkbench();
    await wb.setColorTheme('Light Modern');
    await wb.runCommand('Loss Lab: Open Playground');
    view = wb.webview();
    await view.locator('[data-chart="softmax-ce"].js-plotly-plot').waitFor({ timeout: 60_000 });
  });
  after(() => wb?.close());

  it('softmax with 50 classes keeps the loss readout in view', async () => {
    await view.locator('input[aria-label="Number of classes"]').fill('50');
    await view.locator('input[aria-label="logit 49"]').waitFor();
    const numbers = scene('softmax-ce').locator('.numbers');
    await numbers.filter({ hasText: 'loss' }).waitFor();
    const [bottom, height] = await numbers.evaluate((el) => [el.getBoundingClientRect().bottom, window.innerHeight]);
    assert.ok(bottom <= height, `the readout ends at y = ${bottom} in a ${height}-px view`);
    await wb.screenshot('layout-softmax-50');
    await view.locator('input[aria-label="Number of classes"]').fill('5');
    await view.locator('input[aria-label="logit 5"]').waitFor({ state: 'detached' });
  });

  it('masks: a wide chart with its legend clear of the title and readable labels', async () => {
    await view.locator('nav button', { hasText: 'Masks' }).click();
    const chart = scene('masks').locator('[data-chart="token-weights"].js-plotly-plot');
    await chart.locator('.legend').waitFor();
    await checkLegends(scene('masks'), 'masks');
    const [width, whole] = [(await box(chart)).right - (await box(chart)).left, (await box(scene('masks'))).right - (await box(scene('masks'))).left];
    assert.ok(width > 0.6 * whole, `chart ${width} px of ${whole}`);
    const sizes = await chart.locator('.xaxislayer-above text, .xtick text').evaluateAll((ts) => ts.map((t) => parseFloat(getComputedStyle(t).fontSize)));
    assert.ok(sizes.length > 0 && Math.min(...sizes) >= 11, `tick labels ${Math.min(...sizes)} px`);
    await wb.screenshot('layout-masks');
  });

  it('preferences: the loss-type dropdown stays in the controls column', async () => {
    await view.locator('nav button', { hasText: 'Preferences' }).click();
    await scene('preferences').locator('.numbers', { hasText: 'DPO loss' }).waitFor();
    await checkControls(scene('preferences'), 'preferences');
  });

  it('training: every field shows the preset\'s value, editable; legends, status and dropdowns fit with three runs', async () => {
    await view.locator('nav button', { hasText: 'Training' }).click();
    const training = scene('training');
    const value = (label: string) => training.locator(`[aria-label="${label}"]`).inputValue();
    assert.equal(await value('optimizer'), 'adam');
    assert.equal(await value('loss reduction'), 'token');
    assert.equal(Number(await value('learning rate')), 0.01);
    assert.equal(Number(await value('steps')), 500);
    for (const field of await training.locator('input[type="text"]').all()) assert.notEqual(await field.inputValue(), '', `${await field.getAttribute('aria-label')} is empty`);
    assert.equal(await training.locator('option', { hasText: /^preset$/ }).count(), 0);
    for (const [i, lr] of ['0.01', '0.03', '0.1'].entries()) {
      await training.locator('input[aria-label="steps"]').fill('120');
      await training.locator('input[aria-label="learning rate"]').fill(lr);
      await training.locator('vscode-button', { hasText: 'Train' }).click();
      await training.locator('.numbers', { hasText: new RegExp(`lr ${lr}, token\\)\\n\\s+completed`) }).waitFor({ timeout: 120_000 });
      assert.equal(await training.locator('.numbers', { hasText: /completed/ }).innerText().then((t) => t.match(/completed/g)?.length), i + 1);
    }
    await training.locator('[data-chart="training-accuracy"] .legend').waitFor();
    await wb.page.waitForTimeout(500);
    await checkLegends(training, 'training');
    await checkControls(training, 'training');
    await wb.screenshot('layout-training');
  });

  it('dark theme: text fields and selects take the theme\'s colours, and the charts its background', async () => {
    await wb.setColorTheme('Dark Modern');
    await view.locator('body.vscode-dark').waitFor();
    await view.locator('nav button', { hasText: 'Softmax' }).click();
    const luminance = (l: Locator) =>
      l.evaluate((el) => {
        const [r, g, b] = getComputedStyle(el).backgroundColor.match(/[\d.]+/g)!.map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      });
    for (const selector of ['input[aria-label="Class weights"]', 'input[aria-label="Number of classes"]', 'select[aria-label="Target class"]']) {
      assert.ok((await luminance(scene('softmax-ce').locator(selector))) < 0.3, `${selector} is dark`);
    }
    assert.equal(await view.locator('body').evaluate((b) => getComputedStyle(b).colorScheme), 'dark');
    // The chart follows the theme too: its background is the editor's.
    const paper = await scene('softmax-ce').locator('.main-svg rect.bg, .main-svg .bglayer rect').first().evaluate((r) => getComputedStyle(r).fill);
    assert.ok(!/255, 255, 255/.test(paper), `chart background ${paper}`);
  });

  it('the scene tabs stay on one line, in groups, and every tab scrolls into view when chosen', async () => {
    const nav = view.locator('nav[role="tablist"]');
    const tabs = nav.locator('button[role="tab"]');
    const tops = await tabs.evaluateAll((bs) => bs.map((b) => Math.round(b.getBoundingClientRect().top)));
    assert.ok(tops.length >= 10, `${tops.length} tabs`);
    assert.equal(new Set(tops).size, 1, `tabs on ${new Set(tops).size} lines: ${tops.join(', ')}`);
    const [navHeight, tabHeight] = await nav.evaluate((n) => [n.getBoundingClientRect().height, n.querySelector('button')!.getBoundingClientRect().height]);
    assert.ok(navHeight < tabHeight * 1.6, `the strip is ${navHeight} px high for ${tabHeight}-px tabs`);
    assert.ok((await nav.locator('.tab-group').count()) >= 3, 'the tabs come in groups');
    const ids = await tabs.evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.scene!));
    for (const id of [ids[ids.length - 1], ids[0], ids[Math.floor(ids.length / 2)]]) {
      await nav.locator(`button[data-scene="${id}"]`).click();
      await scene(id).waitFor();
      await wb.page.waitForTimeout(300);
      const [strip, tab] = await Promise.all([box(nav), box(nav.locator(`button[data-scene="${id}"]`))]);
      assert.ok(tab.left >= strip.left - 1 && tab.right <= strip.right + 1, `${id}: the chosen tab is outside the strip ${JSON.stringify({ strip, tab })}`);
    }
    // The arrow keys move to the next tab, as in the editor's tab lists.
    await nav.locator(`button[data-scene="${ids[0]}"]`).click();
    await nav.locator(`button[data-scene="${ids[0]}"]`).press('ArrowRight');
    await scene(ids[1]).waitFor();
    assert.equal(await nav.locator(`button[data-scene="${ids[1]}"]`).getAttribute('aria-selected'), 'true');
    await wb.screenshot('layout-scene-tabs');
    await nav.locator('button[data-scene="softmax-ce"]').click();
  });

  it('a narrow panel: the tab strip fades at an edge with more tabs and its chevron buttons scroll it', async () => {
    const size = wb.page.viewportSize() ?? { width: 1400, height: 900 };
    await wb.page.setViewportSize({ width: 760, height: size.height });
    try {
      const strip = view.locator('.tab-strip');
      const nav = strip.locator('nav[role="tablist"]');
      const [left, right] = [strip.locator('button.tab-scroll.left'), strip.locator('button.tab-scroll.right')];
      await nav.locator('button[data-scene="softmax-ce"]').click();
      await nav.evaluate((n) => n.scrollTo({ left: 0 }));
      await right.waitFor({ state: 'visible' });
      const cue = () => Promise.all([strip.getAttribute('class'), nav.evaluate((n) => getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage), nav.evaluate((n) => [n.scrollLeft, n.scrollWidth - n.clientWidth])]);
      let [classes, mask, [at, max]] = await cue();
      assert.ok(max > 100, `the tabs overflow the strip by ${max} px at this width`);
      assert.match(classes!, /more-right/);
      assert.doesNotMatch(classes!, /more-left/);
      assert.match(mask, /linear-gradient/, `the right edge fades: ${mask}`);
      assert.equal(await left.isVisible(), false, 'no left button at the start');
      // The buttons stand outside the tablist, beside it.
      const [r, n] = await Promise.all([box(right), box(nav)]);
      assert.ok(r.left >= n.right - 1, `the right button overlaps the tabs ${JSON.stringify({ r, n })}`);
      await wb.screenshot('layout-scene-tabs-narrow');
      await right.click();
      await left.waitFor({ state: 'visible' });
      [classes, mask, [at, max]] = await cue();
      assert.ok(at > 100, `one click scrolled ${at} px`);
      assert.match(classes!, /more-left/);
      for (let i = 0; i < 20 && (await right.isVisible()); i++) await right.click().catch(() => undefined), await wb.page.waitForTimeout(400);
      [classes, , [at, max]] = await cue();
      assert.ok(Math.abs(at - max) <= 1, `at the end (${at} of ${max})`);
      assert.doesNotMatch(classes!, /more-right/);
      await wb.screenshot('layout-scene-tabs-narrow-end');
      await left.click();
      await wb.page.waitForTimeout(500);
      assert.ok((await nav.evaluate((n) => n.scrollLeft)) < at - 100, 'the left button scrolls back');
      assert.deepEqual(wb.cspViolations, []);
    } finally {
      await wb.page.setViewportSize(size);
    }
  });

  it('takes a screenshot of every scene in the light and the dark theme', async () => {
    const ids = await view.locator('nav button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.scene!));
    assert.ok(ids.length >= 7, ids.join(', '));
    for (const theme of ['Light Modern', 'Dark Modern']) {
      await wb.setColorTheme(theme);
      const kind = /Dark/.test(theme) ? 'dark' : 'light';
      await view.locator(`body.vscode-${kind}`).waitFor();
      for (const id of ids) {
        await view.locator(`nav button[data-scene="${id}"]`).click();
        await scene(id).waitFor();
        if (id !== 'training') await scene(id).locator('.js-plotly-plot .main-svg').first().waitFor({ timeout: 30_000 });
        await wb.page.waitForTimeout(700);
        await checkControls(scene(id), `${id} (${kind})`);
        await wb.screenshot(`scene-${id}-${kind}`);
      }
    }
  });

  it('dark theme: the log view\'s controls and charts follow it too', async () => {
    await wb.setColorTheme('Dark Modern');
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('trainer_log.jsonl');
    await wb.runCommand('Loss Lab: Plot Training Log');
    const logView = wb.webview();
    await logView.locator('.chart[data-metric="loss"] .js-plotly-plot').waitFor({ timeout: 60_000 });
    assert.equal(await logView.locator('body').evaluate((b) => getComputedStyle(b).colorScheme), 'dark');
    await checkLegends(logView.locator('body'), 'log view');
    await wb.screenshot('layout-log-view-dark');
    await wb.setColorTheme('Light Modern');
    await logView.locator('body.vscode-light').waitFor();
    await wb.page.waitForTimeout(500);
    await wb.screenshot('layout-log-view-light');
    assert.deepEqual(wb.cspViolations, []);
  });
});
