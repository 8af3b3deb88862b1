// Scene 2 — KL forward vs reverse: a two-bump target P and a unimodal Q = softmax(−(x−μ)²/(2σ²)) over a
// discrete axis. "Fit" runs Adam on (μ, log σ) under KL(P‖Q) and under KL(Q‖P) at once, until both gradients
// are small (or a step budget is spent, which it says): forward KL covers both modes, reverse KL picks one
// (mode-covering vs mode-seeking). Steps count across clicks until "Reset Q".
// P, Q, both divergences and their gradients w.r.t. μ and log σ come from the engine (discrete_gaussian_kl),
// one round trip per step; the webview applies the Adam step to the two parameters. (Plain gradient descent
// needs ~2,000 steps here: the forward fit's μ-curvature is 1/σ² with σ ≈ 4.4.)
import { t } from '../../l10n';
import { button, slider } from '../../ui/components';
import { f32, ref, type OpReply } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

const AXIS = Array.from({ length: 41 }, (_, i) => -10 + i * 0.5);
/** Steps one click may take; the fit stops earlier when every |∂KL/∂θ| is below TOLERANCE. */
const MAX_STEPS = 1000;
const TOLERANCE = 1e-3;
const DIRECTIONS = ['forward', 'reverse'] as const;

interface Gaussian { mu: number; logSigma: number }
type Direction = (typeof DIRECTIONS)[number];
type Fit = { loss: number; q: number[]; grad: Gaussian };

export const klDirections: Scene = {
  id: 'kl',
  title: 'KL: forward vs reverse',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('Forward KL(P‖Q) stretches Q over both bumps: it pays wherever P has mass and Q has none. Reverse KL(Q‖P) collapses Q onto one bump: it pays nothing for ignoring a mode of P.'),
      terms: { P: { chart: 'kl-distributions', traces: [0] }, Qf: { chart: 'kl-distributions', traces: [1] }, Qr: { chart: 'kl-distributions', traces: [2] }, f: { chart: 'kl-curves', traces: [0] }, r: { chart: 'kl-curves', traces: [1] } },
    });
    const s = ctx.restore('kl', { left: -4, right: 4, weight: 0.5, width: 1, lr: 0.05 });
    const fits: Record<'forward' | 'reverse', Gaussian> = { forward: { mu: 2, logSigma: 0 }, reverse: { mu: 2, logSigma: 0 } };
    const curves: Record<'forward' | 'reverse', number[]> = { forward: [], reverse: [] };
    const distributions = chartSlot(ui.charts, 'kl-distributions');
    const lossCurves = chartSlot(ui.charts, 'kl-curves');
    let fitting = false;
    let fitStatus = '';

    /** The mixture's log-density on the axis; the engine normalises it (softmax) into P. */
    const mixtureLogits = () => {
      const bump = (c: number) => AXIS.map((x) => Math.exp(-((x - c) ** 2) / (2 * s.width ** 2)));
      const a = bump(s.left);
      const b = bump(s.right);
      return a.map((v, i) => Math.log(Math.max(1e-30, s.weight * v + (1 - s.weight) * b[i])));
    };

    /** P, and both objectives at the current fits: losses, Q, and the gradients w.r.t. (μ, log σ). */
    const evaluate = async (): Promise<{ p: number[] } & Record<Direction, Fit>> => {
      const [p, ...fitted] = await ctx.engine.computeAll([
        { op: 'softmax', inputs: { input: f32(mixtureLogits()) } },
        ...DIRECTIONS.map((direction) => ({
          op: 'discrete_gaussian_kl',
          inputs: { target: ref(0), support: f32(AXIS), mu: f32([fits[direction].mu]), log_sigma: f32([fits[direction].logSigma]) },
          options: { direction },
        })),
      ]);
      const fit = (r: OpReply): Fit => ({ loss: r.output[0], q: r.extras.q, grad: { mu: r.grad.mu[0], logSigma: r.grad.log_sigma[0] } });
      return { p: p.output, forward: fit(fitted[0]), reverse: fit(fitted[1]) };
    };

    let last: Awaited<ReturnType<typeof evaluate>> | undefined;
    const toNotebook = () => {
      if (!last) return;
      const num = (v: number) => +v.toPrecision(7);
      const list = (v: number[]) => `[${v.map(num).join(', ')}]`;
      const call = (d: Direction) => `await F.discrete_gaussian_kl(P, support, [${num(fits[d].mu)}], [${num(fits[d].logSigma)}], { direction: '${d}' })`;
      const code = [
        '// P: the two-bump target; Q: a discretized Gaussian with (μ, log σ) as fitted in the playground',
        `const support = ${list(AXIS)};`,
        `const P = ${list(last.p)};`,
        `const forward = ${call('forward')}; // KL(P‖Q)`,
        `const reverse = ${call('reverse')}; // KL(Q‖P)`,
        `plot.curve(support, { P, 'Q under KL(P‖Q)': forward.extras.q, 'Q under KL(Q‖P)': reverse.extras.q }, { title: 'P and the fitted Q' });`,
        '[forward.item(), reverse.item()]',
      ].join('\n');
      ctx.openInNotebook(t('KL: forward vs reverse'), code, {
        scene: 'kl',
        numbers: ui.numbers.textContent ?? '',
        charts: [
          { kind: 'curve', version: 1, title: t('P and the fitted Q'), x: AXIS, series: [{ name: 'P', y: last.p }, { name: 'Q under KL(P‖Q)', y: last.forward.q }, { name: 'Q under KL(Q‖P)', y: last.reverse.q }] },
          ...(curves.forward.length ? [{ kind: 'curve' as const, version: 1 as const, title: t('loss vs step'), x: curves.forward.map((_, i) => i), series: [{ name: 'KL(P‖Q)', y: curves.forward }, { name: 'KL(Q‖P)', y: curves.reverse }] }] : []),
        ],
      });
    };

    const draw = async (state: Awaited<ReturnType<typeof evaluate>>) => {
      last = state;
      const p = state.p;
      const theme = ctx.theme();
      ui.numbers.textContent = [
        `KL(P‖Q) forward   ${fmt(state.forward.loss)}`,
        `  μ ${fmt(fits.forward.mu)}  σ ${fmt(Math.exp(fits.forward.logSigma))}`,
        `  ∂/∂(μ, log σ) (${fmt(state.forward.grad.mu)}, ${fmt(state.forward.grad.logSigma)})`,
        `KL(Q‖P) reverse   ${fmt(state.reverse.loss)}`,
        `  μ ${fmt(fits.reverse.mu)}  σ ${fmt(Math.exp(fits.reverse.logSigma))}`,
        `  ∂/∂(μ, log σ) (${fmt(state.reverse.grad.mu)}, ${fmt(state.reverse.grad.logSigma)})`,
        `steps             ${curves.forward.length}`,
        ...(fitStatus ? [fitStatus] : []),
      ].join('\n');
      ui.formula.show(
        [String.raw`${term('f', String.raw`\mathrm{KL}(P\,\|\,Q)`)} = \sum_x ${term('P', 'P')}\log\frac{${term('P', 'P')}}{${term('Qf', 'Q')}}`, String.raw`${term('r', String.raw`\mathrm{KL}(Q\,\|\,P)`)} = \sum_x ${term('Qr', 'Q')}\log\frac{${term('Qr', 'Q')}}{${term('P', 'P')}}`, String.raw`Q = \mathrm{softmax}\!\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)`],
        [
          String.raw`\mathrm{KL}(P\,\|\,Q) = ${n(state.forward.loss)}\quad(\mu = ${n(fits.forward.mu, 3)},\ \sigma = ${n(Math.exp(fits.forward.logSigma), 3)})`,
          String.raw`\mathrm{KL}(Q\,\|\,P) = ${n(state.reverse.loss)}\quad(\mu = ${n(fits.reverse.mu, 3)},\ \sigma = ${n(Math.exp(fits.reverse.logSigma), 3)})`,
        ],
      );
      const line = (y: number[], name: string, i: number, x: number[] = AXIS) => ({ type: 'scatter', mode: 'lines', x, y, name, line: { color: theme.palette[i], shape: 'hvh' } });
      // The losses so far and where the fits are now: before any fit, the starting point at step 0.
      const lossesNow = (d: Direction) => [...curves[d], state[d].loss];
      const stepsAxis = lossesNow('forward').map((_, i) => i);
      const lossLine = (d: Direction, name: string, i: number) => ({ ...line(lossesNow(d), name, i, stepsAxis), mode: stepsAxis.length > 1 ? 'lines' : 'markers', marker: { color: theme.palette[i], size: 8 } });
      const notFitted = curves.forward.length
        ? []
        : [{ text: t('press "Fit Q" to fit: the loss of every step is drawn here'), xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, font: { size: 12 } }];
      // Steps are whole numbers: until there are ten, show 0–10 rather than Plotly's 0–1 in fifths.
      const fewSteps = stepsAxis.length <= 10 ? { range: [-0.5, 10], dtick: 2 } : {};
      await Promise.all([
        distributions([{ type: 'bar', x: AXIS, y: p, name: t('P (target)'), marker: { color: theme.palette[7] } }, line(state.forward.q, 'Q under KL(P‖Q)', 0), line(state.reverse.q, 'Q under KL(Q‖P)', 1)], baseLayout(theme, t('P and the fitted Q'), { bargap: 0.05 })),
        lossCurves([lossLine('forward', 'KL(P‖Q)', 0), lossLine('reverse', 'KL(Q‖P)', 1)], baseLayout(theme, t('loss vs step'), { annotations: notFitted, xaxis: { gridcolor: theme.grid, title: { text: t('step') }, rangemode: 'tozero', ...fewSteps }, yaxis: { gridcolor: theme.grid, zerolinecolor: theme.foreground, rangemode: 'tozero' }, margin: { l: 45, r: 10, t: 30, b: 45 }, legend: { orientation: 'h', y: -0.3 } })),
      ]);
    };

    const update = updater(ctx, ui.message, s, async () => draw(await evaluate()));

    const fit = async () => {
      if (fitting) return;
      fitting = true;
      try {
        const adam = Object.fromEntries(DIRECTIONS.map((d) => [d, new Adam()])) as Record<Direction, Adam>;
        const largest = (g: Gaussian) => Math.max(Math.abs(g.mu), Math.abs(g.logSigma));
        fitStatus = t('fitting…');
        for (let step = 0; ; step++) {
          const state = await evaluate();
          const open = DIRECTIONS.filter((dir) => largest(state[dir].grad) >= TOLERANCE);
          if (!open.length || step === MAX_STEPS) {
            const worst = Math.max(...DIRECTIONS.map((dir) => largest(state[dir].grad)));
            fitStatus = open.length
              ? t('stopped after {0} steps: |∂KL/∂θ| {1} is still above {2}. Fit again to go on.', step, fmt(worst), TOLERANCE)
              : t('converged: every |∂KL/∂θ| below {0}', TOLERANCE);
            await draw(state);
            break;
          }
          curves.forward.push(state.forward.loss);
          curves.reverse.push(state.reverse.loss);
          if (step % 4 === 0) await draw(state); // the engine's round trip sets the pace, not the charts
          for (const dir of open) fits[dir] = adam[dir].step(fits[dir], state[dir].grad, s.lr);
        }
        ui.message.textContent = '';
      } catch (error) {
        ui.message.textContent = error instanceof Error ? error.message : String(error);
      } finally {
        fitting = false;
      }
    };
    const reset = () => {
      fitStatus = '';
      fits.forward = { mu: 2, logSigma: 0 };
      fits.reverse = { mu: 2, logSigma: 0 };
      curves.forward = [];
      curves.reverse = [];
      update();
    };

    ui.controls.append(
      slider(t('left bump centre'), -8, 8, 0.5, s.left, (v) => ((s.left = v), update())),
      slider(t('right bump centre'), -8, 8, 0.5, s.right, (v) => ((s.right = v), update())),
      slider(t('left bump weight'), 0.05, 0.95, 0.05, s.weight, (v) => ((s.weight = v), update())),
      slider(t('bump width'), 0.3, 3, 0.1, s.width, (v) => ((s.width = v), update())),
      slider(t('learning rate'), 0.01, 0.3, 0.01, s.lr, (v) => (s.lr = v)),
      button(t('Fit Q (both directions)'), () => void fit(), 'primary'),
      button(t('Reset Q'), reset),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};

/** Adam (β₁ 0.9, β₂ 0.999, ε 1e-8) on the two parameters of one fit. */
class Adam {
  private t = 0;
  private m: Gaussian = { mu: 0, logSigma: 0 };
  private v: Gaussian = { mu: 0, logSigma: 0 };

  step(theta: Gaussian, grad: Gaussian, lr: number): Gaussian {
    this.t++;
    const next = { ...theta };
    for (const k of ['mu', 'logSigma'] as const) {
      this.m[k] = 0.9 * this.m[k] + 0.1 * grad[k];
      this.v[k] = 0.999 * this.v[k] + 0.001 * grad[k] ** 2;
      next[k] -= (lr * (this.m[k] / (1 - 0.9 ** this.t))) / (Math.sqrt(this.v[k] / (1 - 0.999 ** this.t)) + 1e-8);
    }
    return next;
  }
}
