// Scene 2 — KL forward vs reverse: a two-bump target P and a unimodal Q = softmax(−(x−μ)²/(2σ²)) over a
// discrete axis. "Fit" runs gradient descent on (μ, log σ) under KL(P‖Q) and under KL(Q‖P) at once:
// forward KL covers both modes, reverse KL picks one (mode-covering vs mode-seeking).
// Every loss, probability and gradient w.r.t. Q comes from the engine; the webview only applies the chain rule
// from Q's logits to its two parameters (∂z/∂μ, ∂z/∂log σ are written next to the logits they differentiate).
import { button, slider } from '../../ui/components';
import { f32 } from '../engine';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

const AXIS = Array.from({ length: 41 }, (_, i) => -10 + i * 0.5);
const STEPS = 80;

interface Gaussian { mu: number; logSigma: number }

/** Q's logits z_i = −(x_i−μ)²/(2σ²) and their derivatives w.r.t. μ and log σ. */
function gaussianLogits(g: Gaussian): { z: number[]; dMu: number[]; dLogSigma: number[] } {
  const s2 = Math.exp(2 * g.logSigma);
  const z = AXIS.map((x) => -((x - g.mu) ** 2) / (2 * s2));
  return { z, dMu: AXIS.map((x) => (x - g.mu) / s2), dLogSigma: AXIS.map((x) => (x - g.mu) ** 2 / s2) };
}

const dot = (a: number[], b: number[]) => a.reduce((acc, v, i) => acc + v * b[i], 0);

export const klDirections: Scene = {
  id: 'kl',
  title: 'KL: forward vs reverse',
  mount(root, ctx) {
    const ui = layoutScene(root);
    const s = { left: -4, right: 4, weight: 0.5, width: 1, lr: 0.05 };
    const fits: Record<'forward' | 'reverse', Gaussian> = { forward: { mu: 2, logSigma: 0 }, reverse: { mu: 2, logSigma: 0 } };
    const curves: Record<'forward' | 'reverse', number[]> = { forward: [], reverse: [] };
    const distributions = chartSlot(ui.charts, 'kl-distributions');
    const lossCurves = chartSlot(ui.charts, 'kl-curves');
    let fitting = false;

    /** P = softmax(log of the two-bump mixture), normalised by the engine. */
    const target = async () => {
      const bump = (c: number) => AXIS.map((x) => Math.exp(-((x - c) ** 2) / (2 * s.width ** 2)));
      const a = bump(s.left);
      const b = bump(s.right);
      const logits = a.map((v, i) => Math.log(Math.max(1e-30, s.weight * v + (1 - s.weight) * b[i])));
      return (await ctx.engine.compute('softmax', { input: f32(logits) }, { dim: -1 })).output;
    };

    /** Both objectives at the current fits: losses, Q, and the gradient w.r.t. (μ, log σ). */
    const evaluate = async (p: number[]) => {
      const out = {} as Record<'forward' | 'reverse', { loss: number; q: number[]; grad: Gaussian }>;
      await Promise.all((['forward', 'reverse'] as const).map(async (dir) => {
        const { z, dMu, dLogSigma } = gaussianLogits(fits[dir]);
        const q = (await ctx.engine.compute('softmax', { input: f32(z) }, { dim: -1 })).output;
        let loss: number;
        let dz: number[];
        if (dir === 'forward') {
          // KL(P‖Q) = H(P,Q) − H(P): cross_entropy with soft target P on logits z; ∂/∂z = Q − P.
          const [kl, ce] = await Promise.all([
            ctx.engine.compute('kl_divergence', { p: f32(p, [1, p.length]), q: f32(q, [1, q.length]) }),
            ctx.engine.compute('cross_entropy', { input: f32(z, [1, z.length]), target: f32(p, [1, p.length]) }),
          ]);
          loss = kl.output[0];
          dz = ce.grad.input;
        } else {
          // KL(Q‖P): the engine's gradient w.r.t. the probabilities Q, taken through softmax's Jacobian.
          const kl = await ctx.engine.compute('kl_divergence', { p: f32(q, [1, q.length]), q: f32(p.map((v) => Math.max(v, 1e-12)), [1, p.length]) });
          loss = kl.output[0];
          const g = kl.grad.p;
          const mean = dot(q, g);
          dz = q.map((qi, i) => qi * (g[i] - mean));
        }
        out[dir] = { loss, q, grad: { mu: dot(dz, dMu), logSigma: dot(dz, dLogSigma) } };
      }));
      return out;
    };

    const draw = async (p: number[], state: Awaited<ReturnType<typeof evaluate>>) => {
      const theme = ctx.theme();
      ui.numbers.textContent = [
        `KL(P‖Q) forward   ${fmt(state.forward.loss)}   μ ${fmt(fits.forward.mu)}  σ ${fmt(Math.exp(fits.forward.logSigma))}`,
        `KL(Q‖P) reverse   ${fmt(state.reverse.loss)}   μ ${fmt(fits.reverse.mu)}  σ ${fmt(Math.exp(fits.reverse.logSigma))}`,
        `steps             ${curves.forward.length}`,
      ].join('\n');
      const line = (y: number[], name: string, i: number, x: number[] = AXIS) => ({ type: 'scatter', mode: 'lines', x, y, name, line: { color: theme.palette[i], shape: 'hvh' } });
      const stepsAxis = curves.forward.map((_, i) => i);
      await Promise.all([
        distributions([{ type: 'bar', x: AXIS, y: p, name: 'P (target)', marker: { color: theme.palette[7] } }, line(state.forward.q, 'Q under KL(P‖Q)', 0), line(state.reverse.q, 'Q under KL(Q‖P)', 1)], baseLayout(theme, 'P and the fitted Q', { bargap: 0.05 })),
        lossCurves([line(curves.forward, 'KL(P‖Q)', 0, stepsAxis), line(curves.reverse, 'KL(Q‖P)', 1, stepsAxis)], baseLayout(theme, 'loss vs step')),
      ]);
    };

    const update = updater(ctx, ui.message, async () => {
      const p = await target();
      await draw(p, await evaluate(p));
    });

    const fit = async () => {
      if (fitting) return;
      fitting = true;
      try {
        curves.forward = [];
        curves.reverse = [];
        const p = await target();
        for (let step = 0; step < STEPS; step++) {
          const state = await evaluate(p);
          curves.forward.push(state.forward.loss);
          curves.reverse.push(state.reverse.loss);
          await draw(p, state);
          for (const dir of ['forward', 'reverse'] as const) {
            fits[dir].mu -= s.lr * state[dir].grad.mu;
            fits[dir].logSigma -= s.lr * state[dir].grad.logSigma;
          }
          await new Promise(requestAnimationFrame);
        }
        ui.message.textContent = '';
      } catch (error) {
        ui.message.textContent = error instanceof Error ? error.message : String(error);
      } finally {
        fitting = false;
      }
    };
    const reset = () => {
      fits.forward = { mu: 2, logSigma: 0 };
      fits.reverse = { mu: 2, logSigma: 0 };
      curves.forward = [];
      curves.reverse = [];
      update();
    };

    ui.controls.append(
      slider('left bump centre', -8, 8, 0.5, s.left, (v) => ((s.left = v), update())),
      slider('right bump centre', -8, 8, 0.5, s.right, (v) => ((s.right = v), update())),
      slider('left bump weight', 0.05, 0.95, 0.05, s.weight, (v) => ((s.weight = v), update())),
      slider('bump width', 0.3, 3, 0.1, s.width, (v) => ((s.width = v), update())),
      slider('learning rate', 0.01, 0.3, 0.01, s.lr, (v) => (s.lr = v)),
      button('Fit Q (both directions)', () => void fit(), 'primary'),
      button('Reset Q', reset),
    );
    update();
  },
};
