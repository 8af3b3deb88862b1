// Multi-task balancing: an LM, an MLM and a contrastive loss on one shared W (multiTaskCode.ts). The engine
// gives each task's loss and gradient g_k = ∂L_k/∂W, and multi_task_gradient combines them by fixed weights
// (Σ w_k·g_k), by gradient normalisation (Σ w_k·g_k/‖g_k‖) and by adaptive weights (Σ g_k/(‖g_k‖ + ε)). The
// vectors are drawn in the plane of g_LM and g_MLM; a short SGD run per strategy gives each task's loss curve.
import { t } from '../../l10n';
import { button, slider } from '../../ui/components';
import { f32, i64, type OpReply, type Request } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';
import { MT_DIM, MT_LM, MT_MLM, MT_STEPS, MT_STRATEGIES, MT_TASKS, MT_TEMPERATURE, MT_VIEWS, MT_VOCAB, MT_W0, multiTaskNotebookCode, type MultiTaskSettings, type MultiTaskStrategy } from './multiTaskCode';

const K = MT_TASKS.length;
const P = MT_VOCAB * MT_DIM;
const ZERO_BIAS = f32(new Array(MT_VOCAB).fill(0));

/** The three task losses at W (flat [V·D]); their gradients are grad.weight, grad.weight and grad.query. */
function taskRequests(W: number[]): Request[] {
  const weight = f32(W, [MT_VOCAB, MT_DIM]);
  const head = (task: { hidden: number[][]; target: number[] }): Request => ({
    op: 'linear_cross_entropy',
    inputs: { input: f32(task.hidden.flat(), [task.hidden.length, MT_DIM]), weight, bias: ZERO_BIAS, target: i64(task.target) },
  });
  return [head(MT_LM), head(MT_MLM), { op: 'info_nce', inputs: { query: weight, key: f32(MT_VIEWS.flat(), [MT_VOCAB, MT_DIM]) }, options: { temperature: MT_TEMPERATURE } }];
}
const taskGradients = (r: OpReply[]) => [r[0].grad.weight, r[1].grad.weight, r[2].grad.query];

/** The combination of one strategy: the adaptive weights replace the sliders' w_k (w = 1 in the op). */
function combineRequest(grads: number[][], strategy: MultiTaskStrategy, s: MultiTaskSettings): Request {
  return {
    op: 'multi_task_gradient',
    inputs: { grads: f32(grads.flat(), [K, P]), weights: f32(strategy === 'adaptive' ? [1, 1, 1] : s.weights) },
    options: { strategy, eps: 10 ** s.logEps },
  };
}

const dot = (a: number[], b: number[]) => a.reduce((acc, v, i) => acc + v * b[i], 0);
const vec = (v: number[]) => `[${v.map((x) => x.toFixed(4)).join(', ')}]`;

/** An orthonormal basis of the plane of a and b (Gram–Schmidt), and the projection onto it. */
function plane(a: number[], b: number[]): (v: number[]) => [number, number] {
  const e1 = a.map((x) => x / Math.hypot(...a));
  const rest = b.map((x, i) => x - dot(b, e1) * e1[i]);
  const e2 = rest.map((x) => x / Math.hypot(...rest));
  return (v) => [dot(v, e1), dot(v, e2)];
}

export const multiTaskBalancing: Scene = {
  id: 'multi-task',
  title: 'Multi-task balancing',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('The contrastive gradient is several times longer than the other two, so fixed weights follow it and MLM stalls. Normalised and adaptive weights give every task the same say; ε matters once a task is solved: normalisation still stretches its tiny gradient to full length, the adaptive weight lets it fade.'),
      terms: {
        g: { chart: 'multi-task-vectors', traces: [0, 1, 2] },
        weighted: { chart: 'multi-task-vectors', traces: [3] },
        normalized: { chart: 'multi-task-vectors', traces: [4] },
        adaptive: { chart: 'multi-task-vectors', traces: [5] },
        L: { chart: 'multi-task-training', traces: Array.from({ length: K * MT_STRATEGIES.length }, (_, i) => i) },
      },
    });
    const s = ctx.restore<MultiTaskSettings>('multi-task', { weights: [1, 1, 1], logEps: -1, lr: 0.2 });
    const vectors = chartSlot(ui.charts, 'multi-task-vectors');
    const training = chartSlot(ui.charts, 'multi-task-training');
    let last: { norms: number[]; curves: Record<MultiTaskStrategy, number[][]> } | undefined;

    const update = updater(ctx, ui.message, s, async (s) => {
      // Step 0: the gradients at W0, and the three combinations of them.
      const first = await ctx.engine.computeAll(taskRequests(MT_W0.flat()));
      const grads = taskGradients(first);
      const totals = await ctx.engine.computeAll(MT_STRATEGIES.map((strategy) => combineRequest(grads, strategy, s)));
      // The SGD runs, all three strategies in each round trip: the task losses at W, then the combined step.
      const W = MT_STRATEGIES.map(() => MT_W0.flat());
      const curves = Object.fromEntries(MT_STRATEGIES.map((st) => [st, [first.map((r) => r.output[0])]])) as Record<MultiTaskStrategy, number[][]>;
      let stepGrads = MT_STRATEGIES.map(() => grads);
      for (let step = 0; step < MT_STEPS; step++) {
        const combined = await ctx.engine.computeAll(MT_STRATEGIES.map((strategy, i) => combineRequest(stepGrads[i], strategy, s)));
        combined.forEach((c, i) => (W[i] = W[i].map((w, j) => w - s.lr * c.output[j])));
        const replies = await ctx.engine.computeAll(W.flatMap(taskRequests));
        stepGrads = MT_STRATEGIES.map((_, i) => taskGradients(replies.slice(i * K, (i + 1) * K)));
        MT_STRATEGIES.forEach((st, i) => curves[st].push(replies.slice(i * K, (i + 1) * K).map((r) => r.output[0])));
      }
      const norms = totals[0].extras.norms;
      const eps = 10 ** s.logEps;
      last = { norms, curves };
      const cos = dot(grads[0], grads[1]) / (norms[0] * norms[1]);
      const lossText = (l: number[]) => MT_TASKS.map((task, k) => `${task} ${l[k].toFixed(4)}`).join('  ');
      ui.numbers.textContent = [
        ...MT_TASKS.map((task, k) => `${`‖g_${task}‖`.padEnd(22)} ${fmt(norms[k])}`),
        `${'cos(g_LM, g_MLM)'.padEnd(22)} ${fmt(cos)}`,
        `${'ε'.padEnd(22)} ${fmt(eps)}`,
        ...MT_STRATEGIES.map((st, i) => `${st.padEnd(11)} c ${vec(totals[i].extras.coefficients)}  ‖g_total‖ ${fmt(Math.hypot(...totals[i].output))}`),
        `${t('losses at step 0')}   ${lossText(curves.weighted[0])}`,
        ...MT_STRATEGIES.map((st) => `${st.padEnd(11)} ${t('step {0}', MT_STEPS)}   ${lossText(curves[st][MT_STEPS])}`),
      ].join('\n');
      const [gw, gn, ga] = totals.map((r) => Math.hypot(...r.output));
      const c = (i: number) => totals[i].extras.coefficients;
      ui.formula.show(
        [
          String.raw`${term('weighted', String.raw`g_{\text{fixed}}`)} = \sum_k w_k\,${term('g', 'g_k')},\quad ${term('g', 'g_k')} = \nabla_W ${term('L', String.raw`\mathcal{L}_k`)}`,
          String.raw`${term('normalized', String.raw`g_{\text{norm}}`)} = \sum_k w_k\,\frac{g_k}{\|g_k\|_2}`,
          String.raw`${term('adaptive', String.raw`g_{\text{adapt}}`)} = \sum_k \frac{g_k}{\|g_k\|_2 + \epsilon}`,
        ],
        [
          String.raw`\|g_k\| = [${norms.map((v) => n(v)).join(',\ ')}],\quad w = [${s.weights.map((v) => n(v, 2)).join(',\ ')}]:\ \|g_{\text{fixed}}\| = ${n(gw)}`,
          String.raw`w_k/\|g_k\| = [${c(1).map((v) => n(v)).join(',\ ')}]:\ \|g_{\text{norm}}\| = ${n(gn)}`,
          String.raw`\epsilon = ${n(eps, 4)}:\ 1/(\|g_k\|+\epsilon) = [${c(2).map((v) => n(v)).join(',\ ')}]:\ \|g_{\text{adapt}}\| = ${n(ga)}`,
        ],
      );
      const theme = ctx.theme();
      const project = plane(grads[0], grads[1]);
      const arrow = (name: string, v: number[], color: string, dash = 'solid', width = 3) => {
        const [x, y] = project(v);
        return { type: 'scatter', mode: 'lines+markers', name, x: [0, x], y: [0, y], line: { color, width, dash }, marker: { size: [0, 10], symbol: 'arrow', angleref: 'previous', color } };
      };
      const taskColor = (k: number) => theme.palette[[0, 2, 6][k]];
      const strategyDash = ['solid', 'dash', 'dot'];
      const arrows = [
        ...grads.map((g, k) => arrow(`g_${MT_TASKS[k]}`, g, taskColor(k), 'solid', 2)),
        ...MT_STRATEGIES.map((st, i) => arrow(t('total ({0})', st), totals[i].output, theme.palette[[3, 4, 7][i]], strategyDash[i], 3.5)),
      ];
      const reach = Math.max(1, ...arrows.flatMap((a) => [...a.x, ...a.y].map(Math.abs))) * 1.1;
      const steps = Array.from({ length: MT_STEPS + 1 }, (_, i) => i);
      const axisOf = (i: number) => (i === 0 ? '' : String(i + 1));
      const third = 1 / MT_STRATEGIES.length;
      const panels = Object.fromEntries(
        MT_STRATEGIES.flatMap((st, i) => [
          [`xaxis${axisOf(i)}`, { domain: [i * third + 0.02, (i + 1) * third - 0.02], anchor: `y${axisOf(i)}`, gridcolor: theme.grid, title: { text: `${t('step')} · ${st}` } }],
          [`yaxis${axisOf(i)}`, { anchor: `x${axisOf(i)}`, type: 'log', gridcolor: theme.grid, ...(i > 0 && { matches: 'y' }) }],
        ]),
      );
      await Promise.all([
        vectors(
          arrows,
          baseLayout(theme, t('task gradients and the total under each strategy (plane of g_LM and g_MLM)'), {
            height: 380,
            xaxis: { gridcolor: theme.grid, range: [-reach, reach], zerolinecolor: theme.foreground },
            yaxis: { gridcolor: theme.grid, range: [-reach, reach], zerolinecolor: theme.foreground, scaleanchor: 'x' },
            legend: { orientation: 'h', y: -0.12 },
          }),
        ),
        training(
          MT_STRATEGIES.flatMap((st, i) =>
            MT_TASKS.map((task, k) => ({ type: 'scatter', mode: 'lines', name: task, legendgroup: task, showlegend: i === 0, x: steps, y: curves[st].map((l) => l[k]), xaxis: `x${axisOf(i)}`, yaxis: `y${axisOf(i)}`, line: { color: taskColor(k), width: 2 } })),
          ),
          baseLayout(theme, t('each task’s loss over {0} SGD steps (lr = {1}), per strategy', MT_STEPS, s.lr), { height: 300, ...panels, legend: { orientation: 'h', y: -0.3 }, margin: { l: 45, r: 10, t: 30, b: 60 } }),
        ),
      ]);
    });
    const toNotebook = () => {
      if (!last) return;
      const steps = Array.from({ length: MT_STEPS + 1 }, (_, i) => i);
      ctx.openInNotebook(t('Multi-task balancing'), multiTaskNotebookCode(s), {
        scene: 'multi-task',
        numbers: ui.numbers.textContent ?? '',
        charts: [
          { kind: 'distribution', version: 1, title: '‖g_k‖', labels: [...MT_TASKS], series: [{ name: '‖g_k‖', values: last.norms }] },
          { kind: 'curve', version: 1, title: t('each task’s loss, per strategy'), x: steps, series: MT_STRATEGIES.flatMap((st) => MT_TASKS.map((task, k) => ({ name: `${task} (${st})`, y: last!.curves[st].map((l) => l[k]) }))) },
        ],
      });
    };
    ui.controls.append(
      ...MT_TASKS.map((task, k) => slider(`w_${task}`, 0, 3, 0.05, s.weights[k], (v) => ((s.weights[k] = v), update()))),
      slider('log₁₀ ε', -4, 1, 0.1, s.logEps, (v) => ((s.logEps = v), update())),
      slider('lr', 0.02, 0.5, 0.02, s.lr, (v) => ((s.lr = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
