// In the browser: open examples/inspector/batch.safetensors (a causal LM batch with its tokenizer.json) in the
// Loss Inspector, read the checks, turn on the label shift, draw the reliability diagram (15 bins), hover the
// token strip, and take screenshots in the light and the dark theme. The CSP stays without violation.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

interface PlotDiv {
  data: { type: string; x: number[]; y: number[] }[];
  layout: { paper_bgcolor: string };
}

describe('Loss Inspector (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  let lightBackground = '';
  before(async () => {
    wb = await openWorkbench();
    await wb.setColorTheme('Light Modern');
    await wb.openFile('batch.safetensors');
    view = wb.webview();
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the tensors, the guessed roles and the unshifted-labels check with its playground link', async () => {
    await view.locator('#status', { hasText: 'tokens scored' }).waitFor({ timeout: 120_000 });
    const tensors = await view.locator('.tensors tbody tr td:first-child').allTextContents();
    assert.deepEqual(tensors, ['logits', 'input_ids', 'labels', 'attention_mask']);
    assert.equal(await view.locator('#role-logits').inputValue(), 'logits');
    assert.equal(await view.locator('#role-labels').inputValue(), 'labels');
    assert.equal(await view.locator('#role-mask').inputValue(), 'attention_mask');
    assert.equal(await view.locator('#ignore-index').inputValue(), '-100');
    assert.match(await view.locator('#status').innerText(), /ids shown as text by tokenizer\.json/);
    const warning = view.locator('.warning[data-code="unshifted-labels"]');
    assert.match(await warning.innerText(), /'labels' equals 'input_ids' at all 55 counted positions/);
    assert.equal(await warning.locator('a.scene').getAttribute('data-scene'), 'masks');
    await wb.screenshot('inspector-unshifted-light');
  });

  it('with "shift by one" the totals change and the reliability diagram has its 15 bins', async () => {
    await view.locator('#shift').check();
    await view.locator('#apply').click();
    await view.locator('#status', { hasText: '51 tokens scored' }).waitFor({ timeout: 120_000 });
    assert.equal(await view.locator('[data-total="tokens counted"]').innerText(), '51 of 68');
    assert.equal(await view.locator('.warning[data-code="unshifted-labels"]').count(), 0);
    const reliability = view.locator('[data-figure="reliability"].js-plotly-plot');
    await reliability.locator('.main-svg').first().waitFor();
    const gd = await reliability.evaluate((d) => ({ data: (d as unknown as PlotDiv).data.map((t) => ({ type: t.type, x: t.x, y: t.y })), layout: { paper_bgcolor: (d as unknown as PlotDiv).layout.paper_bgcolor } }));
    assert.equal(gd.data[0].type, 'bar');
    assert.equal(gd.data[0].x.length, 15);
    assert.ok(gd.data[0].y.some((v) => v > 0), 'some bin has counted tokens');
    assert.deepEqual(gd.data[1].x, [0, 1], 'the diagonal of perfect calibration');
    lightBackground = gd.layout.paper_bgcolor;
    assert.ok(lightBackground, 'a background from the theme');
    assert.ok((await reliability.locator('.bars path').count()) >= 1, 'bars drawn');
    for (const figure of ['by-position', 'histogram']) {
      assert.ok((await view.locator(`[data-figure="${figure}"] .main-svg`).count()) >= 1, `${figure} drawn`);
    }
  });

  it('hovering a token shows its text, loss, p, rank and top-5', async () => {
    const token = view.locator('.strip .tok[data-i]').nth(1);
    const shown = await token.innerText();
    await token.hover();
    const tip = view.locator('#token-tip');
    await tip.waitFor({ state: 'visible' });
    const text = await tip.innerText();
    assert.ok(text.includes(JSON.stringify(shown)), `${shown} in ${text}`);
    for (const field of ['loss', 'p', 'rank', 'top-5']) assert.match(text, new RegExp(`^${field}\\b`, 'm'), text);
    assert.equal(await tip.locator('li').count(), 5);
    await wb.screenshot('inspector-light');
    // The card sits inside the view, below or above its token, never off the page.
    const box = await tip.boundingBox();
    assert.ok(box && box.width > 40 && box.height > 40, JSON.stringify(box));
  });

  it('redraws in the dark theme', async () => {
    await wb.setColorTheme('Dark Modern');
    const reliability = view.locator('[data-figure="reliability"].js-plotly-plot');
    const background = () => reliability.evaluate((d) => (d as unknown as PlotDiv).layout.paper_bgcolor);
    const editor = () => view.locator('body').evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-editor-background').trim());
    for (let i = 0; i < 50 && (await background()) !== (await editor()); i++) await wb.page.waitForTimeout(100);
    assert.notEqual(await background(), lightBackground, 'the charts follow the theme');
    assert.equal(await background(), await editor());
    await view.locator('.strip .tok[data-i]').nth(4).hover();
    await view.locator('#token-tip').waitFor({ state: 'visible' });
    await wb.page.waitForTimeout(300);
    await wb.screenshot('inspector-dark');
    assert.deepEqual(wb.cspViolations, []);
  });

  it('"open in playground" opens the scene that explains the check', async () => {
    await view.locator('#shift').uncheck();
    await view.locator('#apply').click();
    await view.locator('#status', { hasText: '55 tokens scored' }).waitFor({ timeout: 120_000 });
    await view.locator('.warning[data-code="unshifted-labels"] a.scene').click();
    await wb.page.locator('.tabs-container .tab', { hasText: 'Loss Playground' }).waitFor({ timeout: 60_000 });
    let selected: string | null = null;
    for (let i = 0; i < 100 && selected !== 'masks'; i++) {
      for (const frame of wb.page.frames()) {
        const button = frame.locator('nav button[aria-selected="true"]');
        if ((await button.count().catch(() => 0)) === 1) selected = await button.getAttribute('data-scene').catch(() => null);
      }
      if (selected !== 'masks') await wb.page.waitForTimeout(200);
    }
    assert.equal(selected, 'masks');
    await wb.screenshot('inspector-to-playground');
    assert.deepEqual(wb.cspViolations, []);
  });
});
