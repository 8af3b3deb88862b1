// Scene 1 — softmax & cross-entropy: logits, a class or soft target, temperature, label smoothing, class
// weights, focal γ, and softmax computed naively next to log-sum-exp. Shows p vs q, the gradient p − q,
// H(q) + KL(q‖p) = H(q, p) and perplexity: all from one engine round trip, drawn as one figure.
import type { ChartTheme } from '../../../charts/theme';
import { t } from '../../l10n';
import { button, checkbox, labelled, slider } from '../../ui/components';
import { f32, i64, ref, type OpReply, type Request } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, gradientColors, layoutScene, updater, type Scene } from '../scene';
import { logitBound, ratchet, targetDistribution } from './softmaxInputs';
import { appliedSmoothing, COMBINATIONS, lossLabels } from './softmaxLabels';

const PRESETS: Record<string, (c: number, y: number) => number[]> = {
  uniform: (c) => new Array(c).fill(0),
  'confident right': (c, y) => Array.from({ length: c }, (_, i) => (i === y ? 6 : 0)),
  'confident wrong': (c, y) => Array.from({ length: c }, (_, i) => (i === (y + 1) % c ? 6 : 0)),
  'extreme ±1000': (c, y) => Array.from({ length: c }, (_, i) => (i === y ? -1000 : 1000 - i)),
};
const PRESET_LABELS: Record<string, () => string> = {
  uniform: () => t('uniform'),
  'confident right': () => t('confident right'),
  'confident wrong': () => t('confident wrong'),
  'extreme ±1000': () => t('extreme ±1000'),
};

/** What the scene shows, by the index of its request in the batch. */
const P = 0, LOSS = 1, ENTROPY = 2, CROSS = 3, KL = 5, PPL = 6, NAIVE_P = 7, NAIVE_LOSS = 9;

export const softmaxCrossEntropy: Scene = {
  id: 'softmax-ce',
  title: 'Softmax & cross-entropy',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('A confident wrong answer costs −log of a tiny p_y: the loss is unbounded, while the gradient p − q never leaves [−1, 1].'),
      terms: { p: { chart: 'softmax-ce', traces: [0] }, q: { chart: 'softmax-ce', traces: [1] }, g: { chart: 'softmax-ce', traces: [2] }, H: { chart: 'softmax-ce', traces: [3] }, KL: { chart: 'softmax-ce', traces: [4] } },
    });
    const saved = ctx.restore('softmax-ce', { logits: [2, 1, 0.1, -1, 0.5], target: 0, softTarget: '', temperature: 1, smoothing: 0, gamma: 0, weights: '', logScale: false, naive: false });
    let { logits, target, softTarget, temperature, smoothing, gamma, weights, logScale, naive } = saved;
    let gradBound = 1;
    let entropyBound = 1;
    const figure = chartSlot(ui.charts, 'softmax-ce');
    ui.charts.classList.add('wide');
    const logitBox = document.createElement('div');
    logitBox.className = 'logits'; // scrolls within the column
    const warning = document.createElement('p');
    warning.className = 'note warning';
    warning.hidden = true;
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = COMBINATIONS();

    const classes = document.createElement('input');
    Object.assign(classes, { type: 'number', min: '2', max: '50', value: String(logits.length) });
    classes.setAttribute('aria-label', t('Number of classes'));
    const targetSelect = document.createElement('select');
    targetSelect.setAttribute('aria-label', t('Target class'));
    const preset = document.createElement('select');
    preset.setAttribute('aria-label', t('Preset'));
    preset.add(new Option('—', '—'));
    for (const name of Object.keys(PRESETS)) preset.add(new Option(PRESET_LABELS[name](), name));
    const weightField = textField(t('Class weights'), t('e.g. 1, 2, 1, 1, 1'), weights);
    const softField = textField(t('Soft target'), t('e.g. 0.7, 0.2, 0.1, 0, 0 (replaces the class)'), softTarget);

    let last: { p: number[]; q: number[]; grad: number[]; z: number[]; weights?: number[]; soft?: number[] } | undefined;
    const toNotebook = () => {
      if (!last) return;
      const weight = last.weights ? `[${last.weights.join(', ')}]` : undefined;
      const options = [`label_smoothing: ${smoothing}`, ...(weight ? [`weight: ${weight}`] : [])].join(', ');
      const targetCode = last.soft ? `torch.tensor([[${last.soft.join(', ')}]], { dtype: torch.float32 })` : `torch.tensor([${target}])`;
      const lossCall = gamma > 0 ? `F.focal_loss(logits, target, { gamma: ${gamma}${weight ? `, alpha: ${weight}` : ''} })` : `F.cross_entropy(logits, target, { ${options} })`;
      const code = [
        `// logits / T with T = ${temperature}`,
        `const logits = torch.tensor([[${last.z.map((v) => +v.toPrecision(7)).join(', ')}]], { dtype: torch.float32 });`,
        `const target = ${targetCode};`,
        `const loss = await ${lossCall};`,
        'loss.backward();',
        'plot.distribution({ p: await F.softmax(logits), "∂L/∂z": logits.grad });',
        'loss.item()',
      ].join('\n');
      const labels = last.p.map((_, i) => String(i));
      ctx.openInNotebook(t('Softmax & cross-entropy'), code, {
        scene: 'softmax-ce',
        numbers: ui.numbers.textContent ?? '',
        charts: [
          { kind: 'distribution', version: 1, title: t('probabilities vs target'), labels, series: [{ name: 'p', values: last.p }, { name: 'q', values: last.q }] },
          { kind: 'distribution', version: 1, title: t('gradient p − q'), labels, series: [{ name: '∂L/∂z', values: last.grad }] },
        ],
      });
    };

    const requests = (C: number, z: number[], q: number[], soft: number[] | undefined, w: number[] | undefined): Request[] => {
      const input = f32(z, [1, C]);
      const classTarget = i64([target]);
      const lossTarget = soft ? f32(soft, [1, C]) : classTarget;
      const loss: Request =
        gamma > 0
          ? { op: 'focal_loss', inputs: { input, target: classTarget }, options: { gamma, ...(w ? { alpha: f32(w) } : {}) } }
          : { op: 'cross_entropy', inputs: { input, target: lossTarget }, options: { label_smoothing: appliedSmoothing({ gamma, smoothing }), ...(w ? { weight: f32(w) } : {}) } };
      const all: Request[] = [
        { op: 'softmax', inputs: { input } }, // P
        loss, // LOSS
        { op: 'entropy', inputs: { input: f32(q, [1, C]) } }, // ENTROPY: H(q)
        { op: 'cross_entropy', inputs: { input, target: f32(q, [1, C]) } }, // CROSS: H(q, p)
        { op: 'log_softmax', inputs: { input } },
        { op: 'kl_div', inputs: { input: ref(4), target: f32(q, [1, C]) }, options: { reduction: 'sum' } }, // KL: KL(q‖p)
        { op: 'perplexity', inputs: { input: f32(z, [1, 1, C]), target: i64([target], [1, 1]) } }, // PPL
      ];
      if (naive) {
        all.push(
          { op: 'naive_softmax', inputs: { input } }, // NAIVE_P
          { op: 'naive_log_softmax', inputs: { input } },
          { op: 'nll_loss', inputs: { input: ref(8), target: classTarget } }, // NAIVE_LOSS
        );
      }
      return all;
    };

    const show = (r: OpReply[], C: number, q: number[], soft: number[] | undefined, w: number[] | undefined) => {
      const theme = ctx.theme();
      const labels = Array.from({ length: C }, (_, i) => String(i));
      const p = naive ? r[NAIVE_P].output : r[P].output;
      const grad = r[LOSS].grad.input;
      const loss = r[LOSS].output[0];
      const [H, cross, kl] = [r[ENTROPY].output[0], r[CROSS].output[0], r[KL].output[0]];
      const addsUp = Math.abs(loss - cross) <= 1e-5 * Math.max(1, Math.abs(loss));
      const named = lossLabels({ gamma, smoothing, weights: w, soft }, addsUp);
      warning.textContent = named.ignored.join('\n');
      warning.hidden = !named.ignored.length;
      const stable = r[P].output;
      ui.numbers.textContent = [
        `loss (${named.loss})  ${fmt(loss)}`,
        ...(addsUp ? [] : [`loss − H(q,p)      ${fmt(loss - cross)}`]),
        ...(gamma > 0 ? [`${t('focal factor')} k     ${fmt(grad[target] / (stable[target] - 1))}`] : []),
        ...(naive ? [`${t('loss, naive softmax → log')}  ${soft ? '—' : fmt(r[NAIVE_LOSS].output[0])}`] : []),
        `H(q)               ${fmt(H)}`,
        `KL(q‖p)            ${fmt(kl)}`,
        `H(q,p) = H + KL    ${fmt(cross)}`,
        `${t('perplexity')} e^NLL   ${soft ? '—' : fmt(r[PPL].output[0])}`,
        `p[${t('target')}]          ${fmt(p[target])}`,
      ].join('\n');
      const py = p[target];
      const plain = !soft && smoothing === 0 && gamma === 0;
      ui.formula.show(
        [String.raw`${gamma > 0 ? String.raw`L = -\alpha_y\,(1-${term('p', 'p_y')})^{\gamma}\log ${term('p', 'p_y')}` : plain ? String.raw`L = -\log ${term('p', 'p_y')}` : String.raw`L = H(${term('q', 'q')},${term('p', 'p')}) = -\sum_c ${term('q', 'q_c')}\log ${term('p', 'p_c')}`},\quad ${term('p', 'p')} = \mathrm{softmax}(z/T)`, String.raw`H(q,p) = ${term('H', 'H(q)')} + ${term('KL', String.raw`\mathrm{KL}(q\,\|\,p)`)}`, String.raw`${term('g', String.raw`\frac{\partial L}{\partial z}`)} = ${gamma > 0 ? String.raw`k\,(${term('p', 'p')} - y)` : w ? String.raw`(\textstyle\sum_c a_c)\,${term('p', 'p')} - a,\ a = w \odot ${term('q', 'q')}${soft ? '' : ' / w_y'}` : String.raw`${term('p', 'p')} - ${term('q', 'q')}`}`],
        [
          gamma > 0 ? String.raw`L = -\alpha_y\,(1-${n(py)})^{${gamma}}\log ${n(py)} = ${n(loss)}` : plain ? String.raw`L = -\log ${n(py)} = ${n(loss)}` : String.raw`L = ${n(loss)}`,
          String.raw`H(q,p) = H(q) + \mathrm{KL}(q\,\|\,p) = ${n(H)} + ${n(kl)} = ${n(cross)}`,
        ],
      );
      gradBound = ratchet(gradBound, 1.05 * grad.reduce((m, g) => (Number.isFinite(g) ? Math.max(m, Math.abs(g)) : m), 1));
      entropyBound = ratchet(entropyBound, Number.isFinite(cross) ? 1.1 * cross : 1);
      const bar = (name: string, y: number[], color: unknown, axes: string, extra: Record<string, unknown> = {}) => ({ type: 'bar', name, x: labels, y, marker: { color }, xaxis: `x${axes}`, yaxis: `y${axes}`, ...extra });
      const stack = { x: ['H(q,p)'], offsetgroup: 'decomposition', xaxis: 'x3', yaxis: 'y3', type: 'bar' };
      const title = (text: string, x: number, y: number) => ({ text, x, y, xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'left', yanchor: 'bottom', align: 'left', font: { size: 12 } });
      return figure(
        [
          bar(naive ? t('p = naive softmax(z/T)') : t('p = softmax(z/T)'), p, theme.palette[0], ''),
          bar(t('q (target)'), q, theme.palette[1], ''),
          bar('∂L/∂(z/T)', grad, gradientColors(theme, grad), '2', { showlegend: false }),
          { ...stack, name: 'H(q)', y: [H], marker: { color: theme.palette[4] } },
          { ...stack, name: 'KL(q‖p)', y: [kl], base: [H], marker: { color: theme.palette[6] } },
        ],
        baseLayout(theme, '', {
          height: 540,
          barmode: 'group',
          // Legend above both rows (one or two lines), the gradient across the whole width below.
          margin: { l: 45, r: 10, t: 56, b: 30 },
          title: undefined,
          annotations: [
            title(t('probabilities vs target'), 0, 0.92),
            title(named.gradient, 0, 0.42),
            title(named.decomposition, 0.74, 0.92),
            ...overflowMarks(p, labels, naive, theme),
          ],
          xaxis: { domain: [0, 0.66], gridcolor: theme.grid },
          yaxis: { domain: [0.55, 0.9], gridcolor: theme.grid, ...(logScale ? { type: 'log', range: [-8, 0.1] } : { range: [0, 1.05] }) },
          xaxis2: { domain: [0, 1], gridcolor: theme.grid, anchor: 'y2' },
          yaxis2: { domain: [0, 0.39], gridcolor: theme.grid, zerolinecolor: theme.foreground, anchor: 'x2', range: [-gradBound, gradBound] },
          xaxis3: { domain: [0.74, 1], anchor: 'y3' },
          yaxis3: { domain: [0.55, 0.9], gridcolor: theme.grid, anchor: 'x3', range: [0, entropyBound] },
          legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom' },
        }),
      );
    };

    const update = updater(ctx, ui.message, saved, async () => {
      Object.assign(saved, { logits, target, softTarget, temperature, smoothing, gamma, weights, logScale, naive });
      const C = logits.length;
      const w = weights.trim() ? weights.split(',').map((s) => Number(s.trim())) : undefined;
      if (w && (w.length !== C || w.some((v) => !Number.isFinite(v) || v < 0))) throw new Error(t('class weights: give {0} non-negative numbers separated by commas', C));
      const soft = softTarget.trim() ? softTarget.split(',').map((s) => Number(s.trim())) : undefined;
      if (soft && (soft.length !== C || soft.some((v) => !Number.isFinite(v) || v < 0) || Math.abs(soft.reduce((a, b) => a + b, 0) - 1) > 1e-3)) {
        throw new Error(t('soft target: give {0} non-negative probabilities that sum to 1', C));
      }
      if (gamma > 0 && soft) throw new Error(t('focal loss takes a class target: clear the soft target or set γ to 0'));
      const z = logits.map((v) => v / temperature); // the temperature scales the logits the engine sees
      const q = targetDistribution(C, target, soft, appliedSmoothing({ gamma, smoothing }));
      const r = await ctx.engine.computeAll(requests(C, z, q, soft, w));
      last = { p: r[P].output, q, grad: r[LOSS].grad.input, z, weights: w, soft };
      await show(r, C, q, soft, w);
    });

    const rebuild = () => {
      // The range covers the logits (a preset may set ±1000): every slider shows the value it sets.
      const bound = logitBound(logits);
      logitBox.replaceChildren(...logits.map((v, i) => slider(`logit ${i}`, -bound, bound, 0.1, v, (x) => ((logits[i] = x), update()))));
      targetSelect.replaceChildren(...logits.map((_, i) => new Option(`${t('class')} ${i}`, String(i))));
      targetSelect.value = String(target);
    };
    classes.addEventListener('input', () => {
      const c = Number(classes.value);
      if (!Number.isInteger(c) || c < 2 || c > 50) {
        ui.message.textContent = t('the number of classes must be a whole number from 2 to 50');
        return;
      }
      logits = Array.from({ length: c }, (_, i) => logits[i] ?? 0);
      target = Math.min(target, c - 1);
      rebuild();
      update();
    });
    targetSelect.addEventListener('change', () => ((target = Number(targetSelect.value)), update()));
    preset.addEventListener('change', () => {
      const make = PRESETS[preset.value];
      if (!make) return;
      logits = make(logits.length, target);
      rebuild();
      update();
    });
    weightField.addEventListener('change', () => ((weights = weightField.value), update()));
    softField.addEventListener('change', () => ((softTarget = softField.value), update()));
    ui.controls.append(
      labelled(t('classes'), classes),
      labelled(t('target'), targetSelect),
      labelled(t('soft target'), softField),
      labelled(t('preset'), preset),
      slider(t('temperature T'), 0.1, 5, 0.05, temperature, (v) => ((temperature = v), update())),
      slider(t('label smoothing ε'), 0, 0.5, 0.01, smoothing, (v) => ((smoothing = v), update())),
      slider(t('focal γ'), 0, 5, 0.1, gamma, (v) => ((gamma = v), update())),
      labelled(t('class weights'), weightField),
      warning,
      note,
      checkbox(t('log-scale probabilities'), logScale, (v) => ((logScale = v), update())),
      checkbox(t('naive softmax (exp without subtracting the max)'), naive, (v) => ((naive = v), update())),
      button(t('Open in notebook'), toNotebook),
      logitBox,
    );
    rebuild();
    update();
  },
};

/** Over the bars naive softmax turned into NaN (exp overflowed to ∞, ∞/∞): a "NaN" on each and why. */
function overflowMarks(p: number[], labels: string[], naive: boolean, theme: ChartTheme): Record<string, unknown>[] {
  const bad = p.map((v, i) => (Number.isFinite(v) ? -1 : i)).filter((i) => i >= 0);
  if (!naive || !bad.length) return [];
  const mark = (i: number) => ({ text: String(p[i]), x: labels[i], xref: 'x', y: 0.6, yref: 'paper', showarrow: false, textangle: -90, font: { size: 11, color: theme.danger } });
  const why = t('naive softmax overflowed: exp(z) = ∞, so p = ∞/∞ = NaN for {0} of {1} classes', bad.length, p.length);
  return [...bad.slice(0, 50).map(mark), { text: why, x: 0, xref: 'paper', y: 0.85, yref: 'paper', xanchor: 'left', showarrow: false, font: { size: 12, color: theme.danger }, bgcolor: theme.background }];
}

function textField(ariaLabel: string, placeholder: string, value: string): HTMLInputElement {
  const field = document.createElement('input');
  Object.assign(field, { type: 'text', placeholder, value });
  field.setAttribute('aria-label', ariaLabel);
  return field;
}
