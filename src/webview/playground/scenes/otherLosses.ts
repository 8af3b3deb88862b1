// Scene 6 — other losses: BCE with logits and pos_weight, MSE / MAE / Huber / smooth L1 over a residual
// axis (loss and gradient), and InfoNCE over a small similarity matrix with a temperature (each query's
// distribution over the keys, the matching key marked). One round trip.
import { t } from '../../l10n';
import { button, slider } from '../../ui/components';
import { f32, type Request } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

const RESIDUALS = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);
const QUERY = [1, 0.2, 0, 0.1, 0.9, 0.1, 0, 0.3, 1, 0.5, 0.5, 0.5];
const KEY = [0.9, 0.1, 0.1, 0.2, 1, 0, 0.1, 0.2, 0.8, 0.4, 0.6, 0.5];

export const otherLosses: Scene = {
  id: 'other',
  title: 'Other losses',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('MSE’s gradient grows with the residual, MAE’s is ±1 everywhere, and Huber is MSE inside δ and MAE outside: an outlier pulls with a bounded force.'),
      terms: { bce: { chart: 'bce', traces: [0, 1] }, mse: { chart: 'regression', traces: [0] }, mae: { chart: 'regression', traces: [1] }, huber: { chart: 'regression', traces: [2] } },
    });
    const s = ctx.restore('other', { logit: 1, target: 1, posWeight: 1, delta: 1, temperature: 0.1 });
    const bce = chartSlot(ui.charts, 'bce');
    const regression = chartSlot(ui.charts, 'regression');
    const regressionGrad = chartSlot(ui.charts, 'regression-grad');
    const infoNce = chartSlot(ui.charts, 'info-nce');
    let lastCurves: Record<string, number[]> = {};
    const toNotebook = () => {
      const code = [
        `const bce = await F.binary_cross_entropy_with_logits([${s.logit}], [${s.target}], { pos_weight: [${s.posWeight}] });`,
        'bce.backward();',
        `const r = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);`,
        `const zeros = r.map(() => 0);`,
        `plot.curve(r, { MSE: await F.mse_loss(r, zeros, { reduction: "none" }), MAE: await F.l1_loss(r, zeros, { reduction: "none" }), Huber: await F.huber_loss(r, zeros, { reduction: "none", delta: ${s.delta} }) }, { title: "loss vs residual" });`,
        'bce.item()',
      ].join('\n');
      ctx.openInNotebook(t('Other losses'), code, { scene: 'other', numbers: ui.numbers.textContent ?? '', charts: [{ kind: 'curve', version: 1, title: t('loss vs residual'), x: RESIDUALS, series: Object.entries(lastCurves).map(([name, y]) => ({ name, y })) }] });
    };
    const update = updater(ctx, ui.message, s, async (s) => {
      const zeros = f32(RESIDUALS.map(() => 0));
      const axis = f32(RESIDUALS);
      const none = { reduction: 'none' };
      const op = (name: string, inputs: Request['inputs'], options: Request['options'] = {}): Request => ({ op: name, inputs, options });
      const [point, curve1, curve0, mse, mae, huber, smooth, nce] = await ctx.engine.computeAll([
        op('binary_cross_entropy_with_logits', { input: f32([s.logit]), target: f32([s.target]) }, { pos_weight: f32([s.posWeight]) }),
        op('binary_cross_entropy_with_logits', { input: f32(RESIDUALS.map((r) => r * 3)), target: f32(RESIDUALS.map(() => 1)) }, { ...none, pos_weight: f32([s.posWeight]) }),
        op('binary_cross_entropy_with_logits', { input: f32(RESIDUALS.map((r) => r * 3)), target: zeros }, { ...none, pos_weight: f32([s.posWeight]) }),
        op('mse_loss', { input: axis, target: zeros }, none),
        op('l1_loss', { input: axis, target: zeros }, none),
        op('huber_loss', { input: axis, target: zeros }, { ...none, delta: s.delta }),
        op('smooth_l1_loss', { input: axis, target: zeros }, { ...none, beta: s.delta }),
        op('info_nce', { query: f32(QUERY, [4, 3]), key: f32(KEY, [4, 3]) }, { temperature: s.temperature }),
      ]);
      lastCurves = { MSE: mse.output, MAE: mae.output, Huber: huber.output, 'smooth L1': smooth.output };
      // Huber_δ = δ · smooth_L1 with β = δ: at δ = β = 1 the two curves are one (smooth L1 drawn dashed over it).
      const coincide = Math.abs(s.delta - 1) < 1e-9;
      const smoothName = coincide ? t('smooth L1 β=1 (= Huber δ=1)') : `smooth L1 β=${s.delta}`;
      const coincideNote = coincide ? t('Huber δ=1 and smooth L1 β=1 coincide') : t('Huber δ = δ · smooth L1 (β = δ)');
      ui.numbers.textContent = [
        `BCE(x=${s.logit}, y=${s.target})   ${fmt(point.output[0])}`,
        `∂BCE/∂x                ${fmt(point.grad.input[0])}`,
        `InfoNCE (τ=${s.temperature})      ${fmt(nce.output[0])}`,
      ].join('\n');
      ui.formula.show(
        [String.raw`${term('bce', String.raw`\ell_{\text{BCE}}`)} = -\big[p_w\,y\log\sigma(x) + (1-y)\log(1-\sigma(x))\big]`, String.raw`${term('mse', 'r^2')},\ \ ${term('mae', '|r|')},\ \ ${term('huber', String.raw`\ell_\delta(r) = \begin{cases}\tfrac12 r^2 & |r|\le\delta\\ \delta(|r|-\tfrac12\delta) & |r|>\delta\end{cases}`)}`, String.raw`\ell_{\text{NCE}} = -\frac1N\sum_i \log\frac{e^{s_{ii}/\tau}}{\sum_j e^{s_{ij}/\tau}}`],
        [
          String.raw`\ell_{\text{BCE}}(x = ${s.logit},\ y = ${s.target},\ p_w = ${s.posWeight}) = ${n(point.output[0])},\quad \partial\ell/\partial x = ${n(point.grad.input[0])}`,
          String.raw`\ell_{\text{NCE}}(\tau = ${s.temperature}) = ${n(nce.output[0])}`,
        ],
      );
      const theme = ctx.theme();
      const line = (y: number[], name: string, i: number, dash = 'solid') => ({ type: 'scatter', mode: 'lines', x: RESIDUALS, y, name, line: { color: theme.palette[i], dash } });
      const keys = Array.from({ length: 4 }, (_, j) => j);
      const queries = keys.map((i) => `${t('query')} ${i}`);
      const probabilities = nce.extras.probabilities; // [query, key]
      const logits = RESIDUALS.map((r) => r * 3);
      await Promise.all([
        bce([{ ...line(curve1.output, 'y = 1', 0), x: logits }, { ...line(curve0.output, 'y = 0', 1), x: logits }, { type: 'scatter', mode: 'markers', x: [s.logit], y: [point.output[0]], name: t('now'), marker: { size: 10, color: theme.danger } }], baseLayout(theme, t('BCE with logits (pos_weight {0})', s.posWeight))),
        regression([line(mse.output, 'MSE', 0), line(mae.output, 'MAE', 1), line(huber.output, `Huber δ=${s.delta}`, 2), line(smooth.output, smoothName, 3, 'dash')], baseLayout(theme, `${t('loss vs residual')} · ${coincideNote}`)),
        regressionGrad([line(mse.grad.input, 'MSE', 0), line(mae.grad.input, 'MAE', 1), line(huber.grad.input, `Huber δ=${s.delta}`, 2), line(smooth.grad.input, smoothName, 3, 'dash')], baseLayout(theme, t('gradient vs residual'))),
        infoNce(
          keys.map((j) => ({
            type: 'bar',
            x: queries,
            y: keys.map((i) => probabilities[i * 4 + j]),
            name: `${t('key')} ${j}`,
            marker: { color: keys.map((i) => (i === j ? theme.palette[1] : theme.palette[0])) },
            hovertemplate: `%{x}, ${t('key')} ${j}: %{y:.4f}<extra></extra>`,
          })),
          baseLayout(theme, t('InfoNCE (τ = {0}): p(key | query); the matching key in orange', s.temperature), { barmode: 'group', showlegend: false, yaxis: { gridcolor: theme.grid, range: [0, 1.05] } }),
        ),
      ]);
    });
    ui.controls.append(
      slider(t('BCE logit x'), -8, 8, 0.1, s.logit, (v) => ((s.logit = v), update())),
      slider(t('BCE target y'), 0, 1, 0.05, s.target, (v) => ((s.target = v), update())),
      slider('pos_weight', 0.1, 10, 0.1, s.posWeight, (v) => ((s.posWeight = v), update())),
      slider('Huber δ / β', 0.1, 3, 0.05, s.delta, (v) => ((s.delta = v), update())),
      slider('InfoNCE τ', 0.01, 2, 0.01, s.temperature, (v) => ((s.temperature = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
