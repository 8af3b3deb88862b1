// "Open in notebook" of the later playground scenes: the cell each scene writes runs in the notebook kernel
// (losslab run, the notebook tensor library on the engine) and prints the scene's numbers, checked here against
// float64 computed in this file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseNotebook, serializeNotebook } from '../../src/notebook/format';
import { bertNotebookCode } from '../../src/webview/playground/scenes/bertObjectivesCode';
import { IDS, MASK_ID, mlmLogits, mlmSample, T, V } from '../../src/webview/playground/scenes/bertObjectivesModel';
import { clippingNotebookCode } from '../../src/webview/playground/scenes/gradientClippingCode';
import { BEAM_HYPOTHESES, lengthNotebookCode } from '../../src/webview/playground/scenes/lengthNormalizationCode';
import { MT_LM, MT_MLM, MT_STEPS, MT_STRATEGIES, MT_TEMPERATURE, MT_VIEWS, MT_W0, multiTaskNotebookCode, type MultiTaskSettings } from '../../src/webview/playground/scenes/multiTaskCode';

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-scene-nb-'));

/** Runs one code cell with `losslab run`; its stdout and the kinds of its rich outputs. */
function runCell(name: string, code: string): { stdout: string; mimes: string[] } {
  const file = path.join(dir, `${name}.lossnb`);
  writeFileSync(file, serializeNotebook({ format: 'losslab-notebook/1', cells: [{ kind: 'code', language: 'javascript', source: code, outputs: [] }] }));
  execFileSync('node', [path.join(ROOT, 'bin/losslab.js'), 'run', file, '--out', file], { stdio: 'pipe' });
  const items = parseNotebook(readFileSync(file, 'utf8')).cells[0].outputs!.flatMap((o) => o.items);
  const error = items.find((i) => i.mime.endsWith('.error'));
  assert.equal(error, undefined, `${name}: ${JSON.stringify(error?.data)}`);
  return { stdout: items.filter((i) => i.mime.endsWith('stdout')).map((i) => String(i.data)).join(''), mimes: items.map((i) => i.mime) };
}

/** The numbers of the bracketed list printed after `name`. */
const listAfter = (text: string, name: string) => JSON.parse(text.slice(text.indexOf(name) + name.length).match(/\[[^\]]*\]/)![0]) as number[];
const close = (got: number[], want: number[], what: string) => {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${g} vs ${want[i]}`));
};

describe('scenes opened in a notebook recompute their numbers', () => {
  for (const alpha of [0, 0.6, 1]) {
    it(`length normalisation (α = ${alpha}): scores and winner`, () => {
      const { stdout, mimes } = runCell(`length-${alpha}`, lengthNotebookCode(alpha));
      const want = BEAM_HYPOTHESES.map((h) => h.logprobs.reduce((a, b) => a + b, 0) / h.logprobs.length ** alpha);
      close(listAfter(stdout, 'score'), want, 'score');
      assert.match(stdout, new RegExp(`winner ${'ABCD'[want.indexOf(Math.max(...want))]}`));
      assert.ok(mimes.some((m) => m.includes('distribution')), 'the cell draws the scores');
    });
  }

  for (const [g, maxNorm, normType, clipValue] of [[[3.2, 1.1], 1, 2, 1], [[-0.4, 0.3], 2, 2, 0.2], [[2, -3], 1.5, 1, 2.5]] as const) {
    it(`gradient clipping (g = [${g}], max_norm ${maxNorm}, norm_type ${normType}, clip_value ${clipValue}): F's ops and nn.utils agree with float64`, () => {
      const { stdout } = runCell(`clip-${g.join('_')}`, clippingNotebookCode({ g: [g[0], g[1]], maxNorm, normType, clipValue, spikeK: 2 }));
      const total = normType === 2 ? Math.hypot(...g) : Math.abs(g[0]) + Math.abs(g[1]);
      const coef = Math.min(1, maxNorm / (total + 1e-6));
      close(listAfter(stdout, 'clip_grad_norm_'), g.map((v) => v * coef), 'clip_grad_norm_');
      close(listAfter(stdout, 'nn.utils.clip_grad_norm_'), g.map((v) => v * coef), 'nn.utils.clip_grad_norm_');
      close(listAfter(stdout, 'clip_grad_value_'), g.map((v) => Math.max(-clipValue, Math.min(clipValue, v))), 'clip_grad_value_');
      const totals = [...stdout.matchAll(/total_norm (\S+)/g)].map((m) => Number(m[1]));
      close(totals, [total, total], 'total_norm');
    });
  }

  for (const [seed, rate, wholeWord, lambda] of [[1, 0.15, false, 50], [4, 0.3, true, 10]] as const) {
    it(`BERT-family objectives (seed ${seed}, rate ${rate}, whole-word ${wholeWord}, λ ${lambda}): the tensor-built models give the panel's losses, in float64`, () => {
      const m = mlmSample(seed, rate, wholeWord);
      const samples = m.predicted.map((_, k) => (k % 2 ? IDS[m.predicted[k]] : 5)); // one sampled back the original
      const { stdout } = runCell(`bert-${seed}`, bertNotebookCode({ objective: 'mlm', seed, rate, wholeWord, isNext: false, clsScore: -1.2, K: 3, lambda }, samples));
      const num = (name: string) => Number(stdout.match(new RegExp(`${name.replace(/[+]/g, '\\+')} (-?[\\d.]+)`))![1]);
      const ce = (logits: number[], p: number) => {
        const row = logits.slice(p * V, (p + 1) * V);
        const mx = Math.max(...row);
        return mx + Math.log(row.reduce((a, z) => a + Math.exp(z - mx), 0)) - row[IDS[p]];
      };
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const mlm = mean(m.predicted.map((p) => ce(mlmLogits(m.input), p)));
      const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 2e-4 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}\n${stdout}`);
      near(num('L_MLM'), mlm, 'L_MLM');
      near(num('selected rows'), mlm, 'logits.at(mask)');
      const nsp = Math.log1p(Math.exp(-1.2)); // y = 0: softplus(s)
      near(num('L_NSP'), nsp, 'L_NSP');
      near(num('L_MLM + L_NSP'), mlm + nsp, 'L_MLM + L_NSP');
      const gen = mean(m.predicted.map((p) => ce(mlmLogits(IDS.map((id, q) => (m.predicted.includes(q) ? MASK_ID : id))), p)));
      near(num('L_G'), gen, 'L_G');
      const replaced = IDS.map((id, p) => (m.predicted.includes(p) ? samples[m.predicted.indexOf(p)] : id) !== id);
      const bce = (x: number, y: number) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
      const disc = mean(replaced.map((r, p) => bce((r ? 2 : -2) + 1.2 * Math.sin(2.1 * p + 0.5), r ? 1 : 0)));
      near(num('L_D'), disc, 'L_D');
      near(num('L'), gen + lambda * disc, 'L');
      const grads = [...stdout.matchAll(/gradient (\d+)/g)].map((x) => Number(x[1]));
      assert.deepEqual(grads, [m.predicted.length, 1, 7, T], stdout);
      assert.equal(Number(stdout.match(/generator (\d+)/)![1]), m.predicted.length);
    });
  }

  for (const settings of [{ weights: [1, 1, 1], logEps: -1, lr: 0.2 }, { weights: [0.5, 2, 0.1], logEps: -3, lr: 0.1 }] as MultiTaskSettings[]) {
    it(`multi-task balancing (w = [${settings.weights}], ε = 1e${settings.logEps}, lr ${settings.lr}): task gradients, the three combinations and the SGD runs, in float64`, () => {
      const { stdout, mimes } = runCell(`multi-task-${settings.lr}`, multiTaskNotebookCode(settings));
      // float64: the three task losses of W [V, D], their gradients by central differences, the combinations.
      const logSumExp = (row: number[]) => Math.max(...row) + Math.log(row.reduce((a, z) => a + Math.exp(z - Math.max(...row)), 0));
      const ce = (logits: number[][], y: number[]) => logits.reduce((a, row, n) => a + logSumExp(row) - row[y[n]], 0) / y.length;
      const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
      const unit = (m: number[][]) => m.map((r) => r.map((v) => v / Math.sqrt(dot(r, r))));
      const losses = (W: number[][]) => [
        ce(MT_LM.hidden.map((h) => W.map((w) => dot(h, w))), MT_LM.target),
        ce(MT_MLM.hidden.map((h) => W.map((w) => dot(h, w))), MT_MLM.target),
        ce(unit(W).map((q) => unit(MT_VIEWS).map((k) => dot(q, k) / MT_TEMPERATURE)), W.map((_, i) => i)),
      ];
      const gradients = (W: number[][]) => {
        const flat = W.flat();
        const at = (i: number, d: number) => { const x = [...flat]; x[i] += d; return losses(W.map((r, v) => x.slice(v * r.length, (v + 1) * r.length))); };
        const columns = flat.map((_, i) => { const [up, down] = [at(i, 1e-6), at(i, -1e-6)]; return up.map((u, k) => (u - down[k]) / 2e-6); });
        return [0, 1, 2].map((k) => columns.map((c) => c[k]));
      };
      const norm = (g: number[]) => Math.sqrt(dot(g, g));
      const eps = 10 ** settings.logEps;
      const coefficients = (g: number[][], strategy: string) => g.map((gk, k) => (strategy === 'weighted' ? settings.weights[k] : strategy === 'normalized' ? settings.weights[k] / norm(gk) : 1 / (norm(gk) + eps)));
      const total = (g: number[][], c: number[]) => g[0].map((_, i) => g.reduce((s, gk, k) => s + c[k] * gk[i], 0));
      const g0 = gradients(MT_W0);
      const three = (list: number[]) => (assert.equal(list.length, 3, stdout), list);
      const near = (got: number, want: number, what: string, tol = 2e-4) => assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}\n${stdout}`);
      three(listAfter(stdout, '‖g_k‖')).forEach((v, k) => near(v, norm(g0[k]), `‖g_${k}‖`));
      near(Number(stdout.match(/cos\(g_LM, g_MLM\) (-?[\d.]+)/)![1]), dot(g0[0], g0[1]) / norm(g0[0]) / norm(g0[1]), 'cos');
      for (const strategy of MT_STRATEGIES) {
        const line = stdout.split('\n').find((l) => l.startsWith(`${strategy} c`))!;
        const c = coefficients(g0, strategy);
        three(listAfter(line, ' c ')).forEach((v, k) => near(v, c[k], `${strategy} c_${k}`));
        const [, engine, byHand] = line.match(/‖g_total‖ (\S+) by hand (\S+)/)!.map(Number);
        near(engine, norm(total(g0, c)), `${strategy} ‖g_total‖`);
        near(byHand, norm(total(g0, c)), `${strategy} by hand`);
        // The short run: W ← W − lr·g_total, then each task's loss.
        let W = MT_W0.map((r) => [...r]);
        for (let step = 0; step < MT_STEPS; step++) {
          const g = gradients(W);
          const update = total(g, coefficients(g, strategy));
          W = W.map((r, v) => r.map((x, d) => x - settings.lr * update[v * r.length + d]));
        }
        const final = losses(W);
        three(listAfter(stdout, `${strategy} after ${MT_STEPS} steps`)).forEach((v, k) => near(v, final[k], `${strategy} L_${k} after ${MT_STEPS} steps`, 2e-3));
      }
      assert.ok(mimes.some((m) => m.includes('curve')), 'the cell draws the loss curves');
    });
  }
});
