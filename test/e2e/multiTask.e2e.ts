// In the browser: the multi-task balancing scene against a float64 reference written here (the LM and MLM heads'
// gradients in closed form, the contrastive loss's by central differences, the three combinations and the SGD
// runs), after moving the weight sliders and ε; screenshots in the light and the dark theme.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { MT_LM, MT_MLM, MT_STEPS, MT_TEMPERATURE, MT_VIEWS, MT_W0 } from '../../src/webview/playground/scenes/multiTaskCode';
import { openWorkbench, type Workbench } from './workbench';

async function drag(view: FrameLocator, label: string, value: number): Promise<void> {
  await view.locator(`input[aria-label="${label}"]`).evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

// ---- float64 reference: W is [5, 3] as nested arrays ----
type M = number[][];
const logSoftmax = (z: number[]) => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
/** mean −log softmax(h·Wᵀ)[y] and its gradient (softmax − onehot)ᵀ·h / N. */
function head(W: M, hidden: M, target: number[]): { loss: number; grad: M } {
  const grad = W.map((r) => r.map(() => 0));
  let loss = 0;
  hidden.forEach((h, n) => {
    const lp = logSoftmax(W.map((w) => dot(h, w)));
    loss -= lp[target[n]] / hidden.length;
    lp.forEach((l, v) => h.forEach((x, d) => (grad[v][d] += ((Math.exp(l) - (v === target[n] ? 1 : 0)) * x) / hidden.length)));
  });
  return { loss, grad };
}
const unit = (r: number[]) => r.map((x) => x / Math.hypot(...r));
function contrastive(W: M): number {
  const q = W.map(unit);
  const k = MT_VIEWS.map(unit);
  return -q.reduce((s, qi, i) => s + logSoftmax(k.map((kj) => dot(qi, kj) / MT_TEMPERATURE))[i], 0) / q.length;
}
function contrastiveGrad(W: M): M {
  const h = 1e-6;
  return W.map((r, i) =>
    r.map((_, d) => {
      const at = (delta: number) => contrastive(W.map((row, a) => row.map((x, b) => (a === i && b === d ? x + delta : x))));
      return (at(h) - at(-h)) / (2 * h);
    }),
  );
}
function tasks(W: M): { losses: number[]; grads: number[][] } {
  const lm = head(W, MT_LM.hidden, MT_LM.target);
  const mlm = head(W, MT_MLM.hidden, MT_MLM.target);
  return { losses: [lm.loss, mlm.loss, contrastive(W)], grads: [lm.grad.flat(), mlm.grad.flat(), contrastiveGrad(W).flat()] };
}
function combine(grads: number[][], strategy: string, w: number[], eps: number): { c: number[]; total: number[] } {
  const norms = grads.map((g) => Math.hypot(...g));
  const c = norms.map((nk, k) => (strategy === 'weighted' ? w[k] : strategy === 'normalized' ? w[k] / nk : 1 / (nk + eps)));
  return { c, total: grads[0].map((_, j) => grads.reduce((s, g, k) => s + c[k] * g[j], 0)) };
}
function run(strategy: string, w: number[], eps: number, lr: number): number[] {
  let W = MT_W0.map((r) => [...r]);
  for (let step = 0; step < MT_STEPS; step++) {
    const { total } = combine(tasks(W).grads, strategy, w, eps);
    W = W.map((r, i) => r.map((x, d) => x - lr * total[i * 3 + d]));
  }
  return tasks(W).losses;
}

const line = (text: string, start: string | RegExp) => text.split('\n').find((l) => (typeof start === 'string' ? l.startsWith(start) : start.test(l))) ?? assert.fail(`no line "${start}" in\n${text}`);
const numbersIn = (l: string) => [...l.matchAll(/-?\d+\.\d+(?:e[-+]\d+)?/g)].map((m) => Number(m[0]));
const near = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs float64 ${want}`);

describe('playground multi-task balancing scene (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  before(async () => {
    wb = await openWorkbench();
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
    await wb.runCommand('Loss Lab: Open Playground');
    view = wb.webview();
    await view.locator('section[data-scene="softmax-ce"] .numbers', { hasText: 'loss' }).waitFor({ timeout: 60_000 });
  });
  after(() => wb?.close());

  it('the gradients, the total under each strategy and the SGD runs follow the weights and ε, as in float64', async () => {
    await view.locator('nav button[data-scene="multi-task"]').click();
    const numbers = view.locator('section[data-scene="multi-task"] .numbers');
    await numbers.filter({ hasText: '‖g_total‖' }).waitFor();
    const step0 = tasks(MT_W0);
    const norms = step0.grads.map((g) => Math.hypot(...g));
    for (const [w, logEps] of [[[1, 0.5, 0.2], -1], [[0.3, 2, 1], -3], [[2, 1, 0.05], 0.5]] as [number[], number][]) {
      await drag(view, 'w_LM', w[0]);
      await drag(view, 'w_MLM', w[1]);
      await drag(view, 'w_contrastive', w[2]);
      await drag(view, 'log₁₀ ε', logEps);
      const eps = 10 ** logEps;
      await numbers.filter({ hasText: `c [${w.map((v) => v.toFixed(4)).join(', ')}]` }).filter({ hasText: new RegExp(`^ε\\s+${eps < 1e-3 ? eps.toExponential(4) : eps.toFixed(4)}$`, 'm') }).waitFor({ timeout: 60_000 });
      const text = await numbers.innerText();
      ['LM', 'MLM', 'contrastive'].forEach((task, k) => near(numbersIn(line(text, `‖g_${task}‖`))[0], norms[k], 1e-4, `‖g_${task}‖`));
      near(numbersIn(line(text, 'cos(g_LM, g_MLM)'))[0], dot(step0.grads[0], step0.grads[1]) / (norms[0] * norms[1]), 1e-4, 'cos');
      for (const strategy of ['weighted', 'normalized', 'adaptive']) {
        const want = combine(step0.grads, strategy, w, eps);
        const got = numbersIn(line(text, new RegExp(`^${strategy}\\s+c `)));
        want.c.forEach((c, k) => near(got[k], c, 2e-4, `${strategy} c[${k}]`));
        near(got[3], Math.hypot(...want.total), 2e-4, `${strategy} ‖g_total‖`);
        const after = numbersIn(line(text, new RegExp(`^${strategy}\\s+step `)));
        run(strategy, w, eps, 0.2).forEach((l, k) => near(after[k], l, 2e-3, `${strategy}: task ${k} after ${MT_STEPS} steps`));
      }
      numbersIn(line(text, 'losses at step 0')).forEach((l, k) => near(l, step0.losses[k], 1e-4, `loss ${k} at step 0`));
    }
    // Hovering the normalised total in the formula dims every other arrow.
    await view.locator('section[data-scene="multi-task"] .formula [data-term="normalized"]').first().hover();
    const opacities = () => view.locator('[data-chart="multi-task-vectors"]').evaluate((el) => (el as HTMLElement & { data: { opacity?: number }[] }).data.map((d) => d.opacity ?? 1));
    for (let i = 0; i < 20 && (await opacities())[0] === 1; i++) await wb.page.waitForTimeout(100);
    assert.deepEqual(await opacities(), [0.15, 0.15, 0.15, 0.15, 1, 0.15]);
    await view.locator('section[data-scene="multi-task"] .controls').hover();
    const curves = await view.locator('[data-chart="multi-task-training"]').evaluate((el) => (el as HTMLElement & { data: { y: number[] }[] }).data.map((d) => d.y.length));
    assert.deepEqual(curves, new Array(9).fill(MT_STEPS + 1), 'one curve per task and strategy, every step drawn');

    await drag(view, 'w_LM', 1);
    await drag(view, 'w_MLM', 1);
    await drag(view, 'w_contrastive', 1);
    await drag(view, 'log₁₀ ε', -1);
    await numbers.filter({ hasText: 'c [1.0000, 1.0000, 1.0000]' }).filter({ hasText: /^ε\s+0\.1000$/m }).waitFor();
    const themeNow = () => view.locator('body').evaluate((b) => (b.classList.contains('vscode-dark') ? 'dark' : 'light'));
    for (let pass = 0; pass < 2; pass++) {
      const theme = await themeNow();
      await wb.page.waitForTimeout(800);
      await wb.screenshot(`scene-multi-task-${theme}`);
      await wb.runCommand('Preferences: Toggle between Light/Dark Themes');
      for (let i = 0; i < 50 && (await themeNow()) === theme; i++) await wb.page.waitForTimeout(100);
    }
    assert.deepEqual(wb.cspViolations, []);
  });
});
