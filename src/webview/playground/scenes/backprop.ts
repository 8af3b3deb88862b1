// Scene 4 — backprop through a softmax layer: x → z = W·x + b → ŷ = softmax(z) → L = −log ŷ_y.
// The engine's linear_cross_entropy gives z, ŷ, L and ∂L/∂W, ∂L/∂b (= ∂L/∂z = ŷ − y here, one sample),
// ∂L/∂x. "Check" recomputes L at every W_ij ± h, b_i ± h on the engine: central differences beside each
// analytic gradient (all 24 losses in one round trip; the webview forms the quotients). "Step" applies one
// SGD update W −= lr·∂L/∂W, b −= lr·∂L/∂b to the parameters.
import { t } from '../../l10n';
import { button, labelled, slider } from '../../ui/components';
import { f32, i64 } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, gradientColors, layoutScene, updater, type Scene } from '../scene';

const D = 3;
const C = 3;
const H = 1e-2;

export const backprop: Scene = {
  id: 'backprop',
  title: 'Backprop',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('The whole backward pass starts from ŷ − y: ∂L/∂W is that vector times xᵀ, so a weight moves in proportion to its input.'),
      terms: { yhat: { chart: 'backprop-probabilities', traces: [0] }, y: { chart: 'backprop-probabilities', traces: [1] }, dz: { chart: 'backprop-dz', traces: [0] } },
    });
    const s = ctx.restore('backprop', { x: [1, -0.5, 2], W: [0.2, -0.1, 0.4, 0.5, 0.3, -0.2, -0.3, 0.1, 0.1], b: [0, 0.1, -0.1], target: 0, lr: 0.5 });
    let grads: { W: number[]; b: number[]; x: number[] } | undefined;
    let numeric: { W: number[]; b: number[] } | undefined;
    const probs = chartSlot(ui.charts, 'backprop-probabilities');
    const dz = chartSlot(ui.charts, 'backprop-dz');
    const table = document.createElement('pre');
    table.className = 'numbers';
    ui.charts.appendChild(table);

    const lossRequest = (W: number[], b: number[]) => ({ op: 'linear_cross_entropy', inputs: { input: f32(s.x, [1, D]), weight: f32(W, [C, D]), bias: f32(b), target: i64([s.target]) } });
    const lossAt = async (W: number[], b: number[]) => (await ctx.engine.computeAll([lossRequest(W, b)]))[0];
    let last: { p: number[]; y: number[] } | undefined;

    const update = updater(ctx, ui.message, s, async (s) => {
      const r = await lossAt(s.W, s.b);
      grads = { W: r.grad.weight, b: r.grad.bias, x: r.grad.input };
      const y = Array.from({ length: C }, (_, c) => (c === s.target ? 1 : 0));
      last = { p: r.extras.probabilities, y };
      ui.numbers.textContent = [
        `z = W·x + b     [${r.extras.logits.map(fmt).join(', ')}]`,
        `ŷ = softmax(z)  [${r.extras.probabilities.map(fmt).join(', ')}]`,
        `L = −log ŷ[${s.target}]    ${fmt(r.output[0])}`,
        `∂L/∂z = ŷ − y   [${grads.b.map(fmt).join(', ')}]`,
        `∂L/∂x = Wᵀ(ŷ−y) [${grads.x.map(fmt).join(', ')}]`,
      ].join('\n');
      ui.formula.show(
        [String.raw`z = Wx + b,\quad ${term('yhat', String.raw`\hat y`)} = \mathrm{softmax}(z),\quad L = -\log ${term('yhat', String.raw`\hat y_y`)}`, String.raw`${term('dz', String.raw`\frac{\partial L}{\partial z}`)} = ${term('yhat', String.raw`\hat y`)} - ${term('y', 'y')},\quad \frac{\partial L}{\partial W} = (\hat y - y)\,x^{\top},\quad \frac{\partial L}{\partial x} = W^{\top}(\hat y - y)`],
        [String.raw`L = -\log \hat y_{${s.target}} = -\log ${n(r.extras.probabilities[s.target])} = ${n(r.output[0])}`, String.raw`\hat y - y = [${grads.b.map((g) => n(g)).join(',\ ')}]`],
      );
      const rows = [`∂L/∂W = (ŷ − y)·xᵀ${numeric ? `   (${t('finite difference')})` : ''}`];
      for (let c = 0; c < C; c++) {
        rows.push(Array.from({ length: D }, (_, d) => `${fmt(grads!.W[c * D + d]).padStart(9)}${numeric ? ` (${fmt(numeric.W[c * D + d])})` : ''}`).join('  '));
      }
      rows.push(`∂L/∂b = ŷ − y  ${grads.b.map((g, c) => `${fmt(g)}${numeric ? ` (${fmt(numeric.b[c])})` : ''}`).join('  ')}`);
      table.textContent = rows.join('\n');
      const theme = ctx.theme();
      const labels = Array.from({ length: C }, (_, c) => `${t('class')} ${c}`);
      await Promise.all([
        probs([{ type: 'bar', x: labels, y: r.extras.probabilities, name: 'ŷ', marker: { color: theme.palette[0] } }, { type: 'bar', x: labels, y, name: 'y', marker: { color: theme.palette[1] } }], baseLayout(theme, t('prediction ŷ vs one-hot y'), { barmode: 'group' })),
        dz([{ type: 'bar', x: labels, y: grads.b, name: '∂L/∂z', marker: { color: gradientColors(theme, grads.b) } }], baseLayout(theme, t('∂L/∂z = ŷ − y (negative pushes the logit up)'), { showlegend: false })),
      ]);
    });

    const check = async () => {
      // Central differences (L(θ + h) − L(θ − h)) / 2h, every L from the engine in one batch.
      const params = [...s.W.map((_, i) => ['W', i] as const), ...s.b.map((_, i) => ['b', i] as const)];
      const shifted = ([which, i]: (typeof params)[number], delta: number) => {
        const W = s.W.slice();
        const b = s.b.slice();
        (which === 'W' ? W : b)[i] += delta;
        return lossRequest(W, b);
      };
      const losses = (await ctx.engine.computeAll(params.flatMap((p) => [shifted(p, H), shifted(p, -H)]))).map((r) => r.output[0]);
      const quotients = params.map((_, k) => (losses[2 * k] - losses[2 * k + 1]) / (2 * H));
      numeric = { W: quotients.slice(0, s.W.length), b: quotients.slice(s.W.length) };
      update();
    };

    const toNotebook = () => {
      if (!last) return;
      const list = (v: number[]) => v.map((x) => +x.toPrecision(7)).join(', ');
      const rows = (v: number[]) => Array.from({ length: C }, (_, c) => `[${list(v.slice(c * D, (c + 1) * D))}]`).join(', ');
      const code = [
        '// x → z = W·x + b → ŷ = softmax(z) → L = −log ŷ[target], with the playground\'s W and b',
        `const x = torch.tensor([[${list(s.x)}]], { dtype: torch.float32 });`,
        `const W = torch.tensor([${rows(s.W)}], { dtype: torch.float32 });`,
        `const b = torch.tensor([${list(s.b)}], { dtype: torch.float32 });`,
        `const loss = await F.linear_cross_entropy(x, W, b, torch.tensor([${s.target}]));`,
        'loss.backward();',
        "show(W.grad, '∂L/∂W = (ŷ − y)·xᵀ');",
        "show(b.grad, '∂L/∂b = ŷ − y');",
        'loss.item()',
      ].join('\n');
      const labels = last.p.map((_, c) => String(c));
      ctx.openInNotebook(t('Backprop'), code, {
        scene: 'backprop',
        numbers: `${ui.numbers.textContent ?? ''}\n${table.textContent ?? ''}`,
        charts: [{ kind: 'distribution', version: 1, title: t('prediction ŷ vs one-hot y'), labels, series: [{ name: 'ŷ', values: last.p }, { name: 'y', values: last.y }] }],
      });
    };

    const select = document.createElement('select');
    select.setAttribute('aria-label', t('Target class'));
    for (let c = 0; c < C; c++) select.add(new Option(`${t('class')} ${c}`, String(c)));
    select.value = String(s.target);
    select.addEventListener('change', () => ((s.target = Number(select.value)), (numeric = undefined), update()));
    ui.controls.append(
      labelled(t('target'), select),
      ...s.x.map((v, d) => slider(`x${d}`, -3, 3, 0.1, v, (value) => ((s.x[d] = value), (numeric = undefined), update()))),
      slider(t('learning rate'), 0.01, 2, 0.01, s.lr, (v) => (s.lr = v)),
      button(t('Step (SGD)'), () => {
        if (!grads) return;
        s.W = s.W.map((w, i) => w - s.lr * grads!.W[i]);
        s.b = s.b.map((v, i) => v - s.lr * grads!.b[i]);
        numeric = undefined;
        update();
      }, 'primary'),
      button(t('Check gradients'), () => void check().catch((error: Error) => (ui.message.textContent = error.message))),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
