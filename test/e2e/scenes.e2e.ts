// In the browser: the playground's objective scenes (RLHF, …) against float64 references computed here, each
// scene's formula (typeset, hover → its chart element), and a screenshot of every scene in light and dark.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { TOKENS, VOCAB } from '../../src/webview/playground/scenes/bertObjectivesModel';
import { openWorkbench, type Workbench } from './workbench';

async function drag(view: FrameLocator, label: string, value: number): Promise<void> {
  await view.locator(`input[aria-label="${label}"]`).evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** The number after `name` in the numbers block (the line starting with it). */
const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(name)) ?? assert.fail(`no line "${name}" in\n${text}`);
const value = (text: string, name: string) => Number(line(text, name).trim().split(/\s+/).pop());
const list = (text: string, name: string) => JSON.parse(line(text, name).slice(name.length).trim()) as number[];

const logSoftmax = (z: number[]) => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};

describe('playground objective scenes (browser)', () => {
  let wb: Workbench;
  let view: FrameLocator;
  before(async () => {
    wb = await openWorkbench();
    await wb.runCommand('View: Toggle Primary Side Bar Visibility'); // the panel gets the window's width
    await wb.runCommand('Loss Lab: Open Playground');
    view = wb.webview();
    await view.locator('section[data-scene="softmax-ce"] .numbers', { hasText: 'loss' }).waitFor({ timeout: 60_000 });
  });
  after(() => wb?.close());

  it('every scene typesets its formula with live numbers and a note', async () => {
    for (const id of await view.locator('nav button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.scene!))) {
      await view.locator(`nav button[data-scene="${id}"]`).click();
      const formula = view.locator(`section[data-scene="${id}"] .formula`);
      await formula.locator('.formula-tex .katex').first().waitFor();
      assert.ok((await formula.locator('.notice').innerText()).length > 40, `${id}: what to notice`);
      assert.equal(await formula.locator('.katex-error').count(), 0, `${id}: a formula KaTeX could not parse`);
    }
    await view.locator('nav button[data-scene="softmax-ce"]').click();
    const live = await view.locator('section[data-scene="softmax-ce"] .formula-live').innerText();
    assert.match(live, /H\(q,p\)/, live);
    assert.deepEqual(wb.cspViolations, []);
  });

  it('RLHF objective: π* ∝ π_ref·e^{r/β} and J(π*) = β·log Z follow β, as in float64', async () => {
    await view.locator('nav button[data-scene="rlhf"]').click();
    const numbers = view.locator('section[data-scene="rlhf"] .numbers');
    await numbers.filter({ hasText: 'β·log Z' }).waitFor();
    const rewards = [0.5, -0.5, 1.5, 0.2, -1, 2];
    const refLogits = [1.2, 0.8, 0.3, 0, -0.4, -1];
    for (const logBeta of [-0.5, 1, -1.5]) {
      const beta = 10 ** logBeta;
      await drag(view, 'log₁₀ β', logBeta);
      await numbers.filter({ hasText: new RegExp(`^β\\s+${beta.toFixed(4)}$`, 'm') }).waitFor();
      const text = await numbers.innerText();
      const logRef = logSoftmax(refLogits);
      const star = logSoftmax(logRef.map((l, i) => l + rewards[i] / beta)).map(Math.exp);
      const logZ = Math.log(logRef.reduce((s, l, i) => s + Math.exp(l + rewards[i] / beta), 0));
      list(text, 'π*').forEach((p, i) => assert.ok(Math.abs(p - star[i]) < 1e-3, `β ${beta}: π*[${i}] ${p} vs ${star[i]}\n${text}`));
      list(text, 'π_ref').forEach((p, i) => assert.ok(Math.abs(p - Math.exp(logRef[i])) < 1e-3, `π_ref[${i}] ${p}`));
      assert.ok(Math.abs(value(text, 'β·log Z') - beta * logZ) < 1e-4 * Math.max(1, beta * logZ), `β log Z ${value(text, 'β·log Z')} vs ${beta * logZ}`);
      assert.ok(Math.abs(value(text, 'J(π*)') - beta * logZ) < 1e-4 * Math.max(1, beta * logZ), `J(π*) ${value(text, 'J(π*)')} vs ${beta * logZ}`);
      const expected = star.reduce((s, p, i) => s + p * rewards[i], 0);
      assert.ok(Math.abs(value(text, 'E_π*[r]') - expected) < 1e-4, `E[r] ${value(text, 'E_π*[r]')} vs ${expected}`);
    }
    // β → 0: π* is the argmax of r (response 6, reward 2).
    assert.ok(value(await numbers.innerText(), 'π*(y6)') > 0.99);
    // The DPO reading: r − β·log(π*/π_ref) is the same number for every response.
    const live = await view.locator('section[data-scene="rlhf"] .formula-live').innerText();
    assert.match(live, /r\(y\)/, live);
    // Hovering π* in the formula dims every other trace of the policies chart.
    await view.locator('section[data-scene="rlhf"] .formula [data-term="star"]').first().hover();
    const opacities = () => view.locator('[data-chart="rlhf-policies"]').evaluate((el) => (el as HTMLElement & { data: { opacity?: number }[] }).data.map((d) => d.opacity ?? 1));
    for (let i = 0; i < 20 && (await opacities())[0] === 1; i++) await wb.page.waitForTimeout(100);
    assert.deepEqual(await opacities(), [0.15, 1]);
    await view.locator('section[data-scene="rlhf"] .controls').hover();
    assert.deepEqual(await opacities(), [1, 1]);
    await drag(view, 'log₁₀ β', 0);
    await wb.screenshot('playground-rlhf');
  });

  it('length normalisation: Σ log p / |Y|^α and the winner follow α, as in float64', async () => {
    await view.locator('nav button[data-scene="length"]').click();
    const numbers = view.locator('section[data-scene="length"] .numbers');
    await numbers.filter({ hasText: 'winner' }).waitFor();
    const hypotheses = [[-1.2, -0.5], [-0.9, -0.4, -0.3, -0.5], [-0.9, -0.4, -0.3, -0.3, -0.2, -0.15, -0.15], [-0.9, -0.4, -0.3, -0.35, -0.3, -0.2, -0.2, -0.15, -0.2]];
    for (const [alpha, winner] of [[0, 'A'], [0.6, 'C'], [1, 'D'], [0.3, undefined]] as const) {
      await drag(view, 'length penalty α', alpha);
      await numbers.filter({ hasText: new RegExp(`^α = ${alpha}$`, 'm') }).waitFor();
      const text = await numbers.innerText();
      const want = hypotheses.map((h) => h.reduce((a, b) => a + b, 0) / h.length ** alpha);
      const got = ['A', 'B', 'C', 'D'].map((label) => Number(line(text, `${label} |Y|`).match(/score (\S+)/)![1]));
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4, `α ${alpha}: ${'ABCD'[i]} ${v} vs ${want[i]}`));
      const best = 'ABCD'[want.indexOf(Math.max(...want))];
      if (winner) assert.equal(best, winner);
      assert.match(line(text, 'winner'), new RegExp(`^winner\\s+${best}:`), text);
    }
    await view.locator('section[data-scene="length"] vscode-button', { hasText: 'GNMT' }).click();
    await numbers.filter({ hasText: /^α = 0.6$/m }).waitFor();
    await wb.screenshot('playground-length');
  });

  it('gradient clipping: clip_grad_norm_ keeps the direction, clip_grad_value_ turns it, spikes follow k, as in float64', async () => {
    await view.locator('nav button[data-scene="clipping"]').click();
    const numbers = view.locator('section[data-scene="clipping"] .numbers');
    await numbers.filter({ hasText: 'clip_coef' }).waitFor();
    // The scene's synthetic loss, and the spike rule written out here: L_t > mean + k·std of the previous ≤ 100.
    const loss = Array.from({ length: 300 }, (_, t) => 2.4 * Math.exp(-t / 70) + 0.45 + 0.04 * Math.sin(t * 1.7) + 0.03 * Math.cos(t * 0.61) + (({ 70: 0.9, 140: 0.35, 200: 1.6, 255: 0.2 } as Record<number, number>)[t] ?? 0));
    const spikesAt = (k: number) =>
      loss.flatMap((v, t) => {
        const h = loss.slice(Math.max(0, t - 100), t);
        if (h.length < 10) return [];
        const mean = h.reduce((a, b) => a + b, 0) / h.length;
        const std = Math.sqrt(h.reduce((a, b) => a + (b - mean) ** 2, 0) / h.length);
        return v > mean + k * std ? [t] : [];
      });
    const vector = (text: string, name: string) => JSON.parse(line(text, name).slice(name.length).trim()) as number[];
    for (const [g1, g2, maxNorm, clip, k] of [[3.2, 1.1, 1, 1, 2], [-4, 2.5, 2.5, 0.8, 3], [0.3, -0.4, 1, 0.2, 1.5]]) {
      await drag(view, 'g₁', g1);
      await drag(view, 'g₂', g2);
      await drag(view, 'max_norm', maxNorm);
      await drag(view, 'clip_value', clip);
      await drag(view, 'spike threshold k', k);
      await numbers.filter({ hasText: `(k = ${k})` }).filter({ hasText: `[${g1.toFixed(4)}, ${g2.toFixed(4)}]` }).waitFor();
      const text = await numbers.innerText();
      const total = Math.hypot(g1, g2);
      const coef = Math.min(1, maxNorm / (total + 1e-6));
      assert.ok(Math.abs(value(text, 'total_norm') - total) < 1e-4, `total_norm\n${text}`);
      assert.ok(Math.abs(value(text, 'clip_coef') - coef) < 1e-4, `clip_coef\n${text}`);
      vector(text, 'clip_grad_norm_').forEach((v, i) => assert.ok(Math.abs(v - [g1, g2][i] * coef) < 1e-4, `norm-clipped[${i}] ${v}\n${text}`));
      const byValue = [g1, g2].map((v) => Math.max(-clip, Math.min(clip, v)));
      vector(text, 'clip_grad_value_').forEach((v, i) => assert.ok(Math.abs(v - byValue[i]) < 1e-4, `value-clipped[${i}] ${v}\n${text}`));
      assert.ok(Math.abs(Number(line(text, 'turned by norm clip').match(/([\d.]+)°/)![1])) < 0.01, text);
      const turned = Math.abs(Math.atan2(byValue[1], byValue[0]) - Math.atan2(g2, g1)) * (180 / Math.PI);
      assert.ok(Math.abs(Number(line(text, 'turned by value clip').match(/([\d.]+)°/)![1]) - turned) < 0.02, `turn ${turned}\n${text}`);
      const want = spikesAt(k);
      assert.match(line(text, 'spikes'), new RegExp(`${want.length}: ${want.join(', ')}$`), text);
    }
    await drag(view, 'g₁', 3.2);
    await drag(view, 'g₂', 1.1);
    await drag(view, 'max_norm', 2);
    await drag(view, 'clip_value', 1);
    await drag(view, 'spike threshold k', 2);
    await numbers.filter({ hasText: '(k = 2)' }).filter({ hasText: '[3.2000, 1.1000]' }).waitFor();
    await wb.screenshot('playground-clipping');
  });

  it('BERT-family objectives: MLM, NSP, PLM and RTD losses and the tokens that get a gradient follow the controls, as in float64', async () => {
    await view.locator('nav button[data-scene="bert"]').click();
    const scene = view.locator('section[data-scene="bert"]');
    const numbers = scene.locator('.numbers');
    await numbers.filter({ hasText: 'L_MLM' }).waitFor();
    // The scene's stand-in models, written out here: an encoder that copies what it reads (not [MASK]) and leans to
    // the original word; XLNet's model surer the more of the order it has seen; ELECTRA's discriminator.
    const ids = TOKENS.map((w) => VOCAB.indexOf(w));
    const MASK = VOCAB.indexOf('[MASK]');
    const maskable = ids.flatMap((id, p) => (id > MASK ? [p] : []));
    const pattern = (p: number, v: number) => 0.5 * Math.sin(1.3 * p + 0.7 * v);
    const ce = (row: number[], y: number) => -logSoftmax(row)[y];
    const encoderCe = (input: number[], p: number) => ce(VOCAB.map((_, v) => pattern(p, v) + (input[p] !== MASK && v === input[p] ? 2.5 : 0) + (v === ids[p] ? 1.5 : 0)), ids[p]);
    const bce = (x: number, y: number) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const near = (got: number, want: number, what: string, text: string) => assert.ok(Math.abs(got - want) < 2e-4 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}\n${text}`);
    // What follows `name`, with the indented lines under it (a long list goes on over several lines).
    const after = (text: string, name: string) => {
      const rows = text.split('\n');
      const at = rows.indexOf(line(text, name));
      const more = rows.slice(at + 1).findIndex((r) => !/^\s/.test(r));
      return [rows[at].slice(name.length), ...rows.slice(at + 1, more < 0 ? undefined : at + 1 + more)].map((r) => r.trim()).join(' ');
    };
    const pairs = (text: string, name: string) => after(text, name).split(' ').map((x) => [Number(x.slice(0, x.indexOf(':'))), VOCAB.indexOf(x.slice(x.indexOf(':') + 1))]);
    const gradientCount = (text: string) => Number(line(text, 'tokens with a gradient').match(/(\d+) of 24/)![1]);
    const pick = (label: string, option: string) =>
      scene.locator(`vscode-dropdown[aria-label="${label}"]`).evaluate((el, v) => {
        (el as HTMLElement & { value: string }).value = v;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, option);
    const settled = async (has: RegExp) => {
      await numbers.filter({ hasText: has }).waitFor();
      return numbers.innerText();
    };

    // MLM: the count of predicted positions is round(rate · 21) (whole words only under whole-word masking).
    let seed = 1;
    let lastMlm = NaN;
    for (const [rate, wholeWord, resample] of [[0.15, false, false], [0.3, false, true], [0.4, true, false], [0.15, true, true]] as const) {
      const box = scene.locator('vscode-checkbox', { hasText: 'whole-word masking' });
      if ((await box.evaluate((el) => (el as HTMLInputElement).checked)) !== wholeWord) await box.click();
      await drag(view, 'mask rate', rate);
      if (resample) await scene.locator('vscode-button', { hasText: 'Re-sample' }).click(), seed++;
      const count = Math.max(1, Math.round(21 * rate));
      const text = await settled(new RegExp(`^seed\\s+${seed}\\nmask rate\\s+${rate.toFixed(2)}${wholeWord ? ' \\(whole' : '$'}`, 'm'));
      const predicted = after(text, 'predicted positions').split(', ').map(Number);
      if (wholeWord) {
        assert.ok(predicted.length <= count && predicted.length >= count - 2, `${predicted.length} of ${count}\n${text}`);
        for (const p of predicted) {
          if (TOKENS[p].startsWith('##')) assert.ok(predicted.includes(p - 1), `piece ${p} without its word\n${text}`);
          if (TOKENS[p + 1]?.startsWith('##')) assert.ok(predicted.includes(p + 1), `word at ${p} cut\n${text}`);
        }
      } else assert.equal(predicted.length, count, text);
      const input = [...ids];
      for (const [p, id] of pairs(text, 'input there')) input[p] = id;
      lastMlm = mean(predicted.map((p) => encoderCe(input, p)));
      near(value(text, 'L_MLM'), lastMlm, `L_MLM at rate ${rate}`, text);
      assert.equal(gradientCount(text), predicted.length, text);
      // The numbers block widens with the list of positions; the chart beside it redraws clear of it.
      await wb.page.waitForTimeout(400);
      const [plot, block] = await Promise.all([scene.locator('[data-chart="bert-loss"] .main-svg').first(), numbers].map((l) => l.evaluate((el) => JSON.parse(JSON.stringify(el.getBoundingClientRect())) as DOMRect)));
      assert.ok(plot.right <= block.left + 1 || plot.bottom <= block.top + 1, `the MLM chart runs under the numbers at rate ${rate}: ${JSON.stringify({ plot, block })}`);
    }

    // NSP: BCE with logits on the [CLS] score; BERT's loss is L_MLM + L_NSP.
    await pick('Objective', 'nsp');
    for (const [s, next] of [[1.5, true], [-2.3, false], [4, true]] as const) {
      await pick('sentence B', next ? 'next' : 'random');
      await drag(view, '[CLS] score s', s);
      const text = await settled(new RegExp(`y \\(IsNext\\)\\s+${next ? 1 : 0}\\n.*score s\\s+${s.toFixed(4)}`));
      near(value(text, 'L_NSP'), bce(s, next ? 1 : 0), `L_NSP at s = ${s}`, text);
      near(value(text, 'L_MLM + L_NSP'), lastMlm + bce(s, next ? 1 : 0), 'BERT’s L_MLM + L_NSP', text);
      assert.equal(gradientCount(text), 1, text);
    }

    // PLM: the loss over the last round(21/K) steps of the order, each seeing the steps before it.
    await pick('Objective', 'plm');
    for (const K of [1, 6, 3]) {
      await drag(view, 'PLM: predict the last n/K', K);
      const P = Math.max(1, Math.round(21 / K));
      const text = await settled(new RegExp(`last n/K\\)\\s+${P} / 21`));
      const order = after(text, 'factorisation order z').split(' ').map(Number);
      assert.deepEqual([...order].sort((a, b) => a - b), maskable, text);
      const losses = order.map((p, k) => ce(VOCAB.map((_, v) => pattern(p, v) + (v === ids[p] ? 0.5 + (3 * k) / 21 : 0)), ids[p]));
      near(value(text, 'L_PLM'), mean(losses.slice(21 - P)), `L_PLM at K = ${K}`, text);
      assert.equal(gradientCount(text), P, text);
    }
    assert.equal(await scene.locator('[data-chart="bert-visibility"]').isVisible(), true, 'the visibility matrix is drawn for PLM');

    // RTD: the generator's MLM loss (its input all [MASK]) + λ · the discriminator's BCE over all 24 tokens.
    await pick('Objective', 'rtd');
    for (const lambda of [50, 10, 100]) {
      await drag(view, 'λ', lambda);
      const text = await settled(new RegExp(`^λ\\s+${lambda}$`, 'm'));
      const samples = pairs(text, 'generator samples');
      const genInput = ids.map((id, p) => (samples.some(([q]) => q === p) ? MASK : id));
      const replaced = ids.map((id, p) => (samples.find(([q]) => q === p)?.[1] ?? id) !== id);
      const lG = mean(samples.map(([p]) => encoderCe(genInput, p)));
      const lD = mean(replaced.map((r, p) => bce((r ? 2 : -2) + 1.2 * Math.sin(2.1 * p + 0.5), r ? 1 : 0)));
      near(value(text, 'L_G (MLM)'), lG, 'L_G', text);
      near(value(text, 'L_D (BCE)'), lD, 'L_D', text);
      near(value(text, 'λ·L_D'), lambda * lD, `λ·L_D at λ = ${lambda}`, text);
      near(value(text, 'L = L_G + λ·L_D'), lG + lambda * lD, 'L', text);
      assert.equal(value(text, 'replaced tokens'), replaced.filter(Boolean).length, text);
      assert.equal(gradientCount(text), 24, text);
    }
    await drag(view, 'λ', 50);
    await settled(/L = L_G \+ λ·L_D/);
    await wb.screenshot('playground-bert-rtd');
    // The bar of the chosen objective stands out in the gradient-count chart, also once the numbers block beside
    // it has changed width (a redraw for the new width once brought back the previous objective's colours).
    const highlighted = async () => {
      await wb.page.waitForTimeout(800);
      const fills = await scene.locator('[data-chart="bert-gradients"] .point path').evaluateAll((ps) => ps.map((p) => getComputedStyle(p).fill));
      assert.equal(fills.length, 4, JSON.stringify(fills));
      return fills.findIndex((f) => fills.filter((g) => g === f).length === 1);
    };
    assert.equal(await highlighted(), 3, 'RTD highlighted');
    await pick('Objective', 'plm');
    await settled(/L_PLM/);
    assert.equal(await highlighted(), 2, 'PLM highlighted');
    await wb.screenshot('playground-bert-plm');
    await pick('Objective', 'mlm');
    await settled(/L_MLM/);
    assert.equal(await highlighted(), 0, 'MLM highlighted');
  });

  it('screenshots of every scene in the light and the dark theme', async () => {
    const ids = await view.locator('nav button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.scene!));
    const themeNow = () => view.locator('body').evaluate((b) => (b.classList.contains('vscode-dark') ? 'dark' : 'light'));
    for (let pass = 0; pass < 2; pass++) {
      const theme = await themeNow();
      for (const id of ids) {
        await view.locator(`nav button[data-scene="${id}"]`).click();
        await view.locator(`section[data-scene="${id}"] .formula .katex`).first().waitFor();
        await wb.page.waitForTimeout(800); // charts redrawn in the theme's colours
        await wb.screenshot(`scene-${id}-${theme}`);
      }
      await wb.runCommand('Preferences: Toggle between Light/Dark Themes');
      for (let i = 0; i < 50 && (await themeNow()) === theme; i++) await wb.page.waitForTimeout(100);
      assert.notEqual(await themeNow(), theme);
    }
    assert.deepEqual(wb.cspViolations, []);
  });
});
