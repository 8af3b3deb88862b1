// Scene 1 — softmax & cross-entropy: logits, target, temperature, label smoothing, class weights, focal γ.
// Shows p vs q, the gradient p − q, H(q) + KL(q‖p) = H(q, p) and perplexity; all from the engine.
import { button, checkbox, slider } from '../../ui/components';
import { f32, i64 } from '../engine';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

const PRESETS: Record<string, (c: number, y: number) => number[]> = {
  uniform: (c) => new Array(c).fill(0),
  'confident right': (c, y) => Array.from({ length: c }, (_, i) => (i === y ? 6 : 0)),
  'confident wrong': (c, y) => Array.from({ length: c }, (_, i) => (i === (y + 1) % c ? 6 : 0)),
  'extreme ±1000': (c, y) => Array.from({ length: c }, (_, i) => (i === y ? -1000 : 1000 - i)),
};

export const softmaxCrossEntropy: Scene = {
  id: 'softmax-ce',
  title: 'Softmax & cross-entropy',
  mount(root, ctx) {
    const ui = layoutScene(root);
    let logits = [2, 1, 0.1, -1, 0.5];
    let target = 0;
    let temperature = 1;
    let smoothing = 0;
    let gamma = 0;
    let weights = '';
    let logScale = false;
    const probs = chartSlot(ui.charts, 'distributions');
    const grads = chartSlot(ui.charts, 'gradient');
    const decomposition = chartSlot(ui.charts, 'decomposition');
    const logitBox = document.createElement('div');

    const classes = document.createElement('input');
    Object.assign(classes, { type: 'number', min: '2', max: '50', value: String(logits.length) });
    classes.setAttribute('aria-label', 'Number of classes');
    const targetSelect = document.createElement('select');
    targetSelect.setAttribute('aria-label', 'Target class');
    const preset = document.createElement('select');
    preset.setAttribute('aria-label', 'Preset');
    for (const name of ['—', ...Object.keys(PRESETS)]) preset.add(new Option(name, name));
    const weightField = document.createElement('input');
    Object.assign(weightField, { type: 'text', placeholder: 'e.g. 1, 2, 1, 1, 1' });
    weightField.setAttribute('aria-label', 'Class weights');

    let last: { p: number[]; q: number[]; grad: number[]; z: number[]; weights?: number[] } | undefined;
    const toNotebook = () => {
      if (!last) return;
      const options = [`label_smoothing: ${smoothing}`, ...(last.weights ? [`weight: [${last.weights.join(', ')}]`] : [])].join(', ');
      const lossCall = gamma > 0 ? `F.focal_loss(logits, target, { gamma: ${gamma}${last.weights ? `, alpha: [${last.weights.join(', ')}]` : ''} })` : `F.cross_entropy(logits, target, { ${options} })`;
      const code = [
        `// logits / T with T = ${temperature}`,
        `const logits = torch.tensor([[${last.z.map((v) => +v.toPrecision(7)).join(', ')}]], { dtype: torch.float32 });`,
        `const target = torch.tensor([${target}]);`,
        `const loss = await ${lossCall};`,
        'loss.backward();',
        'plot.distribution({ p: await F.softmax(logits), "∂L/∂z": logits.grad });',
        'loss.item()',
      ].join('\n');
      const labels = last.p.map((_, i) => String(i));
      ctx.openInNotebook('Softmax & cross-entropy', code, {
        scene: 'softmax-ce',
        numbers: ui.numbers.textContent ?? '',
        charts: [
          { kind: 'distribution', version: 1, title: 'probabilities vs target', labels, series: [{ name: 'p', values: last.p }, { name: 'q', values: last.q }] },
          { kind: 'distribution', version: 1, title: 'gradient p − q', labels, series: [{ name: '∂L/∂z', values: last.grad }] },
        ],
      });
    };
    const update = updater(ctx, ui.message, async () => {
      const C = logits.length;
      const w = weights.trim() ? weights.split(',').map((s) => Number(s.trim())) : undefined;
      if (w && (w.length !== C || w.some((v) => !Number.isFinite(v) || v < 0))) throw new Error(`class weights: give ${C} non-negative numbers separated by commas`);
      const z = logits.map((v) => v / temperature); // the temperature scales the logits the engine sees
      const input = f32(z, [1, C]);
      const q = Array.from({ length: C }, (_, i) => (1 - smoothing) * (i === target ? 1 : 0) + smoothing / C);
      const engine = ctx.engine;
      const weight: Record<string, ReturnType<typeof f32>> = w ? { weight: f32(w) } : {};
      const [p, loss, h, ppl] = await Promise.all([
        engine.compute('softmax', { input }),
        gamma > 0
          ? engine.compute('focal_loss', { input, target: i64([target]) }, { gamma, ...(w ? { alpha: f32(w) } : {}) })
          : engine.compute('cross_entropy', { input, target: i64([target]) }, { label_smoothing: smoothing, ...weight }),
        engine.compute('entropy', { input: f32(q, [1, C]) }),
        engine.compute('perplexity', { input: f32(z, [1, 1, C]), target: i64([target], [1, 1]) }),
      ]);
      // KL(q‖p) with the engine's own p.
      const klq = (await engine.compute('kl_divergence', { p: f32(q, [1, C]), q: f32(p.output, [1, C]) })).output[0];
      const H = h.output[0];
      last = { p: p.output, q, grad: loss.grad.input, z, weights: w };
      const theme = ctx.theme();
      const labels = Array.from({ length: C }, (_, i) => String(i));
      ui.numbers.textContent = [
        `loss (${gamma > 0 ? `focal γ=${gamma}` : 'cross-entropy'})  ${fmt(loss.output[0])}`,
        `H(q)               ${fmt(H)}`,
        `KL(q‖p)            ${fmt(klq)}`,
        `H(q,p) = H + KL    ${fmt(H + klq)}`,
        `perplexity e^CE    ${fmt(ppl.output[0])}`,
        `p[target]          ${fmt(p.output[target])}`,
      ].join('\n');
      await Promise.all([
        probs([{ type: 'bar', x: labels, y: p.output, name: 'p = softmax(z/T)', marker: { color: theme.palette[0] } }, { type: 'bar', x: labels, y: q, name: 'q (target)', marker: { color: theme.palette[1] } }], baseLayout(theme, 'probabilities vs target', { barmode: 'group', yaxis: { gridcolor: theme.grid, type: logScale ? 'log' : 'linear' } })),
        grads([{ type: 'bar', x: labels, y: loss.grad.input, name: '∂L/∂(z/T)', marker: { color: loss.grad.input.map((g) => (g < 0 ? theme.palette[2] : theme.palette[3])) } }], baseLayout(theme, 'gradient: p − q (negative pushes the logit up)', { showlegend: false })),
        decomposition([{ type: 'bar', x: ['H(q,p)'], y: [H], name: 'H(q)', marker: { color: theme.palette[4] } }, { type: 'bar', x: ['H(q,p)'], y: [klq], name: 'KL(q‖p)', marker: { color: theme.palette[5] } }], baseLayout(theme, 'cross-entropy = entropy + KL', { barmode: 'stack' })),
      ]);
    });

    const rebuild = () => {
      logitBox.replaceChildren(...logits.map((v, i) => slider(`logit ${i}`, -10, 10, 0.1, Math.max(-10, Math.min(10, v)), (x) => ((logits[i] = x), update()))));
      targetSelect.replaceChildren(...logits.map((_, i) => new Option(`class ${i}`, String(i))));
      targetSelect.value = String(target);
    };
    classes.addEventListener('input', () => {
      const c = Number(classes.value);
      if (!Number.isInteger(c) || c < 2 || c > 50) {
        ui.message.textContent = 'the number of classes must be a whole number from 2 to 50';
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
    const label = (text: string, el: HTMLElement) => {
      const l = document.createElement('label');
      l.className = 'control';
      l.append(text, el);
      return l;
    };
    ui.controls.append(
      label('classes', classes),
      label('target', targetSelect),
      label('preset', preset),
      slider('temperature T', 0.1, 5, 0.05, temperature, (v) => ((temperature = v), update())),
      slider('label smoothing ε', 0, 0.5, 0.01, smoothing, (v) => ((smoothing = v), update())),
      slider('focal γ', 0, 5, 0.1, gamma, (v) => ((gamma = v), update())),
      label('class weights', weightField),
      checkbox('log-scale probabilities', false, (v) => ((logScale = v), update())),
      button('Open in notebook', toNotebook),
      logitBox,
    );
    rebuild();
    update();
  },
};
