// In the browser: every legend, title and slider of the playground names the value it shows, and the options of
// the softmax scene say what they do (focal γ takes no label smoothing; weighted and focal gradients under their
// own formulas; naive softmax's NaN bars labelled). Values read from the drawn Plotly figures.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

interface Drawn {
  data: { name?: string; x?: unknown[]; y: number[]; line?: { dash?: string }; marker?: { color?: unknown } }[];
  layout: { title?: { text?: string }; annotations?: { text: string }[] };
}

/** The figure a chart slot drew (its traces and layout as Plotly holds them). */
function figure(view: FrameLocator, chart: string): Promise<Drawn> {
  return view.locator(`[data-chart="${chart}"].js-plotly-plot`).evaluate((el) => {
    const plot = el as unknown as Drawn;
    return JSON.parse(JSON.stringify({ data: plot.data, layout: { title: plot.layout.title, annotations: plot.layout.annotations } })) as Drawn;
  });
}

/** Polls `read` until `ok` holds (10 s), returning the last value; fails with it otherwise. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let v = await read();
  for (let i = 0; i < 100 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  assert.ok(ok(v), `${what}: ${JSON.stringify(v).slice(0, 1500)}`);
  return v;
}

async function drag(view: FrameLocator, scene: string, label: string, value: number): Promise<void> {
  await view.locator(`section[data-scene="${scene}"] input[aria-label="${label}"]`).evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

async function setField(view: FrameLocator, label: string, value: string): Promise<void> {
  const field = view.locator(`section[data-scene="softmax-ce"] input[aria-label="${label}"]`);
  await field.fill(value);
  await field.press('Enter');
}

const numbers = (view: FrameLocator, scene: string) => view.locator(`section[data-scene="${scene}"] .numbers`).first().innerText();
const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('playground labels (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  before(async () => {
    wb = await openWorkbench();
    await wb.runCommand('Loss Lab: Open Playground');
    view = wb.webview();
    await view.locator('[data-chart="softmax-ce"].js-plotly-plot').waitFor({ timeout: 60_000 });
  });
  after(() => wb?.close());

  it('softmax: the ±1000 preset moves the logit sliders to ±1000, and each shows its value', async () => {
    const scene = view.locator('section[data-scene="softmax-ce"]');
    await scene.locator('select[aria-label="Preset"]').selectOption('extreme ±1000');
    await scene.locator('.numbers', { hasText: /^loss \(cross-entropy\)\s+1999\.\d+/m }).waitFor();
    for (const [i, v] of [[0, -1000], [1, 999], [4, 996]] as const) {
      const slider = scene.locator(`input[aria-label="logit ${i}"]`);
      assert.equal(Number(await slider.inputValue()), v, `logit ${i}`);
      assert.equal(Number(await slider.locator('xpath=following-sibling::output').innerText()), v, `logit ${i} readout`);
    }
  });

  it('softmax: naive softmax marks its NaN bars and says it overflowed', async () => {
    const scene = view.locator('section[data-scene="softmax-ce"]');
    await scene.locator('vscode-checkbox', { hasText: 'naive softmax' }).click();
    const drawn = await until(() => figure(view, 'softmax-ce'), (f) => (f.layout.annotations ?? []).some((a) => /overflowed/.test(a.text)), 'an overflow note');
    const marks = (drawn.layout.annotations ?? []).filter((a) => a.text === 'NaN');
    assert.equal(marks.length, 4, 'one "NaN" over each of the 4 classes at +1000 (the target at −1000 has p = 0)');
    assert.ok((await scene.locator('.annotation-text', { hasText: 'NaN' }).count()) >= 4, 'the marks are drawn');
    await wb.screenshot('labels-naive-nan');
    await scene.locator('vscode-checkbox', { hasText: 'naive softmax' }).click();
    await scene.locator('select[aria-label="Preset"]').selectOption('uniform');
    await scene.locator('.numbers', { hasText: /^loss \(cross-entropy\)\s+1\.6094/m }).waitFor();
    assert.equal(Number(await scene.locator('input[aria-label="logit 0"]').getAttribute('min')), -10, 'the sliders go back to ±10');
  });

  it('softmax: focal γ with label smoothing says ε is not applied, and its gradient is k·(p − y) as titled', async () => {
    const scene = view.locator('section[data-scene="softmax-ce"]');
    await drag(view, 'softmax-ce', 'logit 0', 2);
    await drag(view, 'softmax-ce', 'logit 1', 1);
    await drag(view, 'softmax-ce', 'label smoothing ε', 0.2);
    await drag(view, 'softmax-ce', 'focal γ', 2);
    await scene.locator('.note', { hasText: "label smoothing ε = 0.2 is not applied: PyTorch's focal losses take no label smoothing" }).waitFor();
    await scene.locator('.numbers', { hasText: 'focal γ=2' }).waitFor();
    // The numbers and the chart are drawn from the same reply but read one after the other here: both are read
    // until they come from one state (under load the last drag's reply can land between the two reads).
    const focalFactor = async () => Number(/focal factor k\s+(\S+)/.exec(await scene.locator('.numbers', { hasText: 'focal γ=2' }).innerText())![1]);
    const { k, f } = await until(
      async () => ({ k: await focalFactor(), f: await figure(view, 'softmax-ce'), k2: await focalFactor() }),
      ({ k, f, k2 }) => k === k2 && (f.layout.annotations ?? []).some((a) => a.text.startsWith('focal gradient')) && f.data[2].y.every((g, j) => close(g, k * (f.data[0].y[j] - f.data[1].y[j]), 1e-3)),
      'a focal gradient title over k·(p − y), k as the numbers print it',
    );
    const [p, q, grad] = [f.data[0].y, f.data[1].y, f.data[2].y];
    assert.deepEqual(q, [1, 0, 0, 0, 0], 'q is the one-hot class: no smoothing applied');
    grad.forEach((g, j) => assert.ok(close(g, k * (p[j] - q[j]), 1e-3), `∂FL/∂z[${j}] = ${g} vs k·(p − y) = ${k * (p[j] - q[j])}`));
    assert.ok(/H\(q,p\) = H\(q\) \+ KL\(q‖p\)<br>unweighted: not the loss/.test(JSON.stringify(f.layout.annotations)), 'the decomposition says it is not the focal loss');
    await wb.screenshot('labels-focal');
    await drag(view, 'softmax-ce', 'focal γ', 0);
    await scene.locator('.note.warning').waitFor({ state: 'hidden' });
  });

  it('softmax: with class weights and a soft target the gradient is (Σa)·p − a, a = w ⊙ q, and the bar says it is not the loss', async () => {
    const scene = view.locator('section[data-scene="softmax-ce"]');
    await drag(view, 'softmax-ce', 'label smoothing ε', 0);
    await setField(view, 'Soft target', '0.7, 0.2, 0.1, 0, 0');
    await setField(view, 'Class weights', '3, 1, 1, 1, 1');
    const text = await scene.locator('.numbers', { hasText: 'weighted cross-entropy' }).innerText();
    const f = await until(() => figure(view, 'softmax-ce'), (d) => (d.layout.annotations ?? []).some((a) => a.text.startsWith('weighted gradient')), 'a weighted gradient title');
    const [p, q, grad] = [f.data[0].y, f.data[1].y, f.data[2].y];
    const w = [3, 1, 1, 1, 1];
    const a = q.map((v, i) => w[i] * v);
    const sum = a.reduce((x, y) => x + y);
    grad.forEach((g, j) => assert.ok(close(g, sum * p[j] - a[j], 1e-3), `∂L/∂z[${j}] = ${g} vs (Σa)p − a = ${sum * p[j] - a[j]}`));
    const loss = Number(text.match(/^loss \(weighted cross-entropy\)\s+(\S+)/m)![1]);
    const cross = Number(text.match(/^H\(q,p\) = H \+ KL\s+(\S+)/m)![1]);
    assert.ok(Math.abs(loss - cross) > 0.1, text);
    assert.match(text, /^loss − H\(q,p\)\s+\S+/m);
    assert.ok((f.layout.annotations ?? []).some((x) => /unweighted: not the loss/.test(x.text)));
    await wb.screenshot('labels-weighted');
    await setField(view, 'Class weights', '');
    await setField(view, 'Soft target', '');
    const plain = await until(() => figure(view, 'softmax-ce'), (d) => (d.layout.annotations ?? []).some((x) => x.text === 'cross-entropy = entropy + KL'), 'the plain decomposition title');
    assert.ok((plain.layout.annotations ?? []).some((x) => x.text.startsWith('gradient ∂L/∂(z/T) = p − q')));
  });

  it('backprop colours negative and positive gradients as the softmax scene does', async () => {
    const softmax = await figure(view, 'softmax-ce');
    const colorOf = (colors: string[], values: number[], negative: boolean) => colors[values.findIndex((v) => (negative ? v < 0 : v > 0))];
    const sColors = softmax.data[2].marker!.color as string[];
    await view.locator('nav button', { hasText: 'Backprop' }).click();
    const b = await until(() => figure(view, 'backprop-dz'), (d) => Array.isArray(d.data[0]?.marker?.color), 'per-bar colours');
    const bColors = b.data[0].marker!.color as string[];
    assert.equal(colorOf(bColors, b.data[0].y, true), colorOf(sColors, softmax.data[2].y, true), 'negative');
    assert.equal(colorOf(bColors, b.data[0].y, false), colorOf(sColors, softmax.data[2].y, false), 'positive');
    assert.notEqual(colorOf(bColors, b.data[0].y, true), colorOf(bColors, b.data[0].y, false));
  });

  it('DPO: the loss-vs-Δ legend names the loss type chosen', async () => {
    await view.locator('nav button', { hasText: 'Preferences' }).click();
    const select = view.locator('section[data-scene="preferences"] select[aria-label="Loss type"]');
    await view.locator('[data-chart="loss-vs-margin"].js-plotly-plot').waitFor();
    for (const type of ['hinge', 'ipo', 'robust', 'sigmoid']) {
      await select.selectOption(type);
      await until(() => figure(view, 'loss-vs-margin'), (f) => f.data[0].name === `${type} loss`, `legend for ${type}`);
      await view.locator('[data-chart="loss-vs-margin"] .legendtext', { hasText: `${type} loss` }).waitFor();
    }
  });

  it('other losses: Huber and smooth L1 are named by δ; at δ = β = 1 smooth L1 is dashed and said to coincide', async () => {
    await view.locator('nav button', { hasText: 'Other losses' }).click();
    await drag(view, 'other', 'Huber δ / β', 1);
    const one = await until(() => figure(view, 'regression'), (f) => /coincide/.test(f.layout.title?.text ?? ''), 'the coincide note at δ = 1');
    assert.equal(one.data[3].name, 'smooth L1 β=1 (= Huber δ=1)');
    assert.equal(one.data[3].line?.dash, 'dash');
    assert.equal(one.data[2].line?.dash, 'solid');
    await wb.screenshot('labels-huber');
    await drag(view, 'other', 'Huber δ / β', 2);
    const two = await until(() => figure(view, 'regression'), (f) => f.data[2].name === 'Huber δ=2', 'Huber δ=2');
    assert.equal(two.data[3].name, 'smooth L1 β=2');
    assert.ok(!/coincide/.test(two.layout.title?.text ?? ''));
    const grad = await until(() => figure(view, 'regression-grad'), (f) => f.data[2].name === 'Huber δ=2', 'gradient legend δ=2');
    assert.equal(grad.data[3].name, 'smooth L1 β=2');
  });

  it('other losses: InfoNCE has a chart, each query over the keys, that gives the loss shown', async () => {
    await drag(view, 'other', 'InfoNCE τ', 0.5);
    const text = await view.locator('section[data-scene="other"] .numbers', { hasText: /InfoNCE \(τ=0\.5\)/ }).innerText();
    const f = await until(() => figure(view, 'info-nce'), (d) => d.data.length === 4 && /τ = 0\.5/.test(d.layout.title?.text ?? ''), 'the InfoNCE chart at τ 0.5');
    for (let i = 0; i < 4; i++) assert.ok(close(f.data.reduce((s, trace) => s + trace.y[i], 0), 1), `query ${i} sums to 1`);
    const loss = -f.data.reduce((s, trace, j) => s + Math.log(trace.y[j]), 0) / 4; // −mean log p(positive)
    assert.ok(close(loss, Number(text.match(/InfoNCE \(τ=0\.5\)\s+(\S+)/)![1]), 1e-3), `${loss} vs ${text}`);
    await wb.screenshot('labels-info-nce');
  });

  it('KL: Fit Q fits until the gradient is small, and steps count across clicks', async () => {
    await view.locator('nav button', { hasText: 'KL' }).click();
    const scene = view.locator('section[data-scene="kl"]');
    const steps = async () => Number((await numbers(view, 'kl')).match(/steps\s+(\d+)/)![1]);
    const largestGradient = (text: string) => Math.max(...[...text.matchAll(/\((-?[\d.e+-]+), (-?[\d.e+-]+)\)/g)].flatMap((m) => [Math.abs(Number(m[1])), Math.abs(Number(m[2]))]));
    await scene.locator('vscode-button', { hasText: 'Reset Q' }).click();
    await scene.locator('.numbers', { hasText: /steps\s+0\b/ }).waitFor();
    const stepTicks = await until(
      () => view.locator('[data-chart="kl-curves"] .xtick text').allTextContents(),
      (ticks) => ticks.length > 1,
      'the loss chart before a fit has step ticks',
    );
    assert.ok(stepTicks.every((tick) => /^\d+$/.test(tick)), `steps are whole numbers before a fit: ${stepTicks.join(', ')}`);
    await wb.screenshot('labels-kl-before-fit');
    await scene.locator('vscode-button', { hasText: 'Fit Q' }).click();
    await scene.locator('.numbers', { hasText: /converged: every \|∂KL\/∂θ\| below 0\.001/ }).waitFor({ timeout: 120_000 });
    const first = await steps();
    const fitted = await numbers(view, 'kl');
    assert.ok(first > 80, fitted);
    assert.ok(largestGradient(fitted) < 1e-3, fitted);
    assert.ok(Math.abs(Number(fitted.match(/forward\s+\S+\s+μ (\S+)/)![1])) < 0.05, `forward KL centres Q between the bumps: ${fitted}`);
    await drag(view, 'kl', 'right bump centre', 6);
    await scene.locator('.numbers', { hasText: /fitting…|stopped|converged/ }).waitFor();
    await scene.locator('vscode-button', { hasText: 'Fit Q' }).click();
    await until(steps, (n) => n > first, 'the second fit counts on from the first');
    await scene.locator('.numbers', { hasText: /converged/ }).waitFor({ timeout: 120_000 });
    assert.ok((await steps()) > first);
    await wb.screenshot('labels-kl-fit');
    assert.deepEqual(wb.cspViolations, []);
  });
});
