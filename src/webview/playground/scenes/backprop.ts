// Scene 4 — backprop through a softmax layer: x → z = W·x + b → ŷ = softmax(z) → L = −log ŷ_y.
// The engine's linear_cross_entropy gives z, ŷ, L and ∂L/∂W, ∂L/∂b (= ∂L/∂z = ŷ − y here, one sample),
// ∂L/∂x. "Check" recomputes L at every W_ij ± h, b_i ± h on the engine: central differences beside each
// analytic gradient. "Step" applies one SGD update W −= lr·∂L/∂W, b −= lr·∂L/∂b.
import { button, slider } from '../../ui/components';
import { f32, i64 } from '../engine';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

const D = 3;
const C = 3;
const H = 1e-2;

export const backprop: Scene = {
  id: 'backprop',
  title: 'Backprop',
  mount(root, ctx) {
    const ui = layoutScene(root);
    const s = { x: [1, -0.5, 2], W: [0.2, -0.1, 0.4, 0.5, 0.3, -0.2, -0.3, 0.1, 0.1], b: [0, 0.1, -0.1], target: 0, lr: 0.5 };
    let grads: { W: number[]; b: number[]; x: number[] } | undefined;
    let numeric: { W: number[]; b: number[] } | undefined;
    const probs = chartSlot(ui.charts, 'backprop-probabilities');
    const dz = chartSlot(ui.charts, 'backprop-dz');
    const table = document.createElement('pre');
    table.className = 'numbers';
    ui.charts.appendChild(table);

    const lossAt = (W: number[], b: number[]) =>
      ctx.engine.compute('linear_cross_entropy', { input: f32(s.x, [1, D]), weight: f32(W, [C, D]), bias: f32(b), target: i64([s.target]) });

    const update = updater(ctx, ui.message, async () => {
      const r = await lossAt(s.W, s.b);
      grads = { W: r.grad.weight, b: r.grad.bias, x: r.grad.input };
      const y = Array.from({ length: C }, (_, c) => (c === s.target ? 1 : 0));
      ui.numbers.textContent = [
        `z = W·x + b     [${r.extras.logits.map(fmt).join(', ')}]`,
        `ŷ = softmax(z)  [${r.extras.probabilities.map(fmt).join(', ')}]`,
        `L = −log ŷ[${s.target}]    ${fmt(r.output[0])}`,
        `∂L/∂z = ŷ − y   [${grads.b.map(fmt).join(', ')}]`,
        `∂L/∂x = Wᵀ(ŷ−y) [${grads.x.map(fmt).join(', ')}]`,
      ].join('\n');
      const rows = [`∂L/∂W = (ŷ − y)·xᵀ${numeric ? '   (finite difference)' : ''}`];
      for (let c = 0; c < C; c++) {
        rows.push(Array.from({ length: D }, (_, d) => `${fmt(grads!.W[c * D + d]).padStart(9)}${numeric ? ` (${fmt(numeric.W[c * D + d])})` : ''}`).join('  '));
      }
      rows.push(`∂L/∂b = ŷ − y  ${grads.b.map((g, c) => `${fmt(g)}${numeric ? ` (${fmt(numeric.b[c])})` : ''}`).join('  ')}`);
      table.textContent = rows.join('\n');
      const theme = ctx.theme();
      const labels = Array.from({ length: C }, (_, c) => `class ${c}`);
      await Promise.all([
        probs([{ type: 'bar', x: labels, y: r.extras.probabilities, name: 'ŷ', marker: { color: theme.palette[0] } }, { type: 'bar', x: labels, y, name: 'y', marker: { color: theme.palette[1] } }], baseLayout(theme, 'prediction ŷ vs one-hot y', { barmode: 'group' })),
        dz([{ type: 'bar', x: labels, y: grads.b, name: '∂L/∂z', marker: { color: theme.palette[3] } }], baseLayout(theme, '∂L/∂z = ŷ − y', { showlegend: false })),
      ]);
    });

    const check = async () => {
      // Central differences: L(θ + h) − L(θ − h) over 2h, each L computed by the engine.
      const shifted = async (which: 'W' | 'b', i: number, delta: number) => {
        const W = s.W.slice();
        const b = s.b.slice();
        (which === 'W' ? W : b)[i] += delta;
        return (await lossAt(W, b)).output[0];
      };
      const diff = async (which: 'W' | 'b', i: number) => ((await shifted(which, i, H)) - (await shifted(which, i, -H))) / (2 * H);
      numeric = {
        W: await Promise.all(s.W.map((_, i) => diff('W', i))),
        b: await Promise.all(s.b.map((_, i) => diff('b', i))),
      };
      update();
    };

    const select = document.createElement('select');
    select.setAttribute('aria-label', 'Target class');
    for (let c = 0; c < C; c++) select.add(new Option(`class ${c}`, String(c)));
    select.addEventListener('change', () => ((s.target = Number(select.value)), (numeric = undefined), update()));
    const label = document.createElement('label');
    label.className = 'control';
    label.append('target', select);
    ui.controls.append(
      label,
      ...s.x.map((v, d) => slider(`x${d}`, -3, 3, 0.1, v, (value) => ((s.x[d] = value), (numeric = undefined), update()))),
      slider('learning rate', 0.01, 2, 0.01, s.lr, (v) => (s.lr = v)),
      button('Step (SGD)', () => {
        if (!grads) return;
        s.W = s.W.map((w, i) => w - s.lr * grads!.W[i]);
        s.b = s.b.map((v, i) => v - s.lr * grads!.b[i]);
        numeric = undefined;
        update();
      }, 'primary'),
      button('Check gradients', () => void check()),
    );
    update();
  },
};
