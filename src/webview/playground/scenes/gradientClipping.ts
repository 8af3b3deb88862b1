// Gradient clipping: a 2-D gradient g and what torch.nn.utils makes of it. clip_grad_norm_ rescales the whole
// vector onto the max_norm ball (direction kept); clip_grad_value_ clamps each component into a box (direction
// changed once a component hits the bound). Beside it, the loss-spike rule of the training-log view on a
// synthetic curve, with its threshold k.
import { findSpikes } from '../../../logs/curves';
import { t } from '../../l10n';
import { button, dropdown, slider } from '../../ui/components';
import { f32 } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';
import { clippingNotebookCode, SPIKY_LOSS, type ClippingSettings } from './gradientClippingCode';

const SPIKE_WINDOW = 100;
const deg = (v: number[]) => (Math.atan2(v[1], v[0]) * 180) / Math.PI;
const vec = (v: number[]) => `[${v.map((x) => x.toFixed(4)).join(', ')}]`;

export const gradientClipping: Scene = {
  id: 'clipping',
  title: 'Gradient clipping',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('Clipping by norm shrinks the whole vector onto the max_norm circle, so the step keeps its direction; clipping by value cuts each component at ±clip_value, so a large component loses more than a small one and the direction turns.'),
      terms: {
        g: { chart: 'clip-vectors', traces: [0] },
        norm: { chart: 'clip-vectors', traces: [1, 3] },
        value: { chart: 'clip-vectors', traces: [2, 4] },
        spike: { chart: 'clip-spikes', traces: [1] },
      },
    });
    const s = ctx.restore<ClippingSettings>('clipping', { g: [3.2, 1.1], maxNorm: 1, normType: 2, clipValue: 1, spikeK: 2 });
    const vectors = chartSlot(ui.charts, 'clip-vectors');
    const spikesChart = chartSlot(ui.charts, 'clip-spikes');
    let last: { g: number[]; norm: number[]; value: number[] } | undefined;

    const update = updater(ctx, ui.message, s, async (s) => {
      const [byNorm, byValue] = await ctx.engine.computeAll([
        { op: 'clip_grad_norm_', inputs: { grads: f32(s.g) }, options: { max_norm: s.maxNorm, norm_type: s.normType } },
        { op: 'clip_grad_value_', inputs: { grads: f32(s.g) }, options: { clip_value: s.clipValue } },
      ]);
      const norm = byNorm.output;
      const value = byValue.output;
      const total = byNorm.extras.total_norm[0];
      const coef = byNorm.extras.clip_coef[0];
      last = { g: [...s.g], norm, value };
      const spikes = findSpikes(SPIKY_LOSS, s.spikeK, SPIKE_WINDOW);
      const turn = (v: number[]) => Math.abs(((deg(v) - deg(s.g) + 540) % 360) - 180);
      ui.numbers.textContent = [
        `g                     ${vec(s.g)}`,
        `total_norm ‖g‖_${s.normType}        ${fmt(total)}`,
        `clip_coef             ${fmt(coef)}`,
        `clip_grad_norm_       ${vec(norm)}`,
        `clip_grad_value_      ${vec(value)}`,
        `${t('turned by norm clip')}    ${turn(norm).toFixed(2)}°`,
        `${t('turned by value clip')}   ${turn(value).toFixed(2)}°`,
        `${t('spikes')} (k = ${s.spikeK})        ${spikes.length}: ${spikes.map((p) => p.index).join(', ')}`,
      ].join('\n');
      ui.formula.show(
        [
          String.raw`${term('norm', String.raw`g'`)} = ${term('g', 'g')}\cdot\min\!\Big(1,\ \frac{\text{max\_norm}}{\|g\|_{p} + 10^{-6}}\Big)`,
          String.raw`${term('value', String.raw`g''_i`)} = \mathrm{clamp}(g_i,\ -c,\ c)`,
          String.raw`${term('spike', String.raw`\text{spike at } t`)}:\ L_t > \mu + k\,\sigma\ \ (\text{last ${SPIKE_WINDOW} steps})`,
        ],
        [
          String.raw`\|g\|_{${s.normType}} = ${n(total)},\ \ \text{coef} = \min(1, \tfrac{${n(s.maxNorm, 3)}}{${n(total)}}) = ${n(coef)},\ \ g' = [${norm.map((v) => n(v)).join(',\ ')}]`,
          String.raw`c = ${n(s.clipValue, 3)}:\ g'' = [${value.map((v) => n(v)).join(',\ ')}]`,
          String.raw`k = ${n(s.spikeK, 2)}:\ \#\,\text{spikes} = ${spikes.length}`,
        ],
      );
      const theme = ctx.theme();
      const arrow = (name: string, v: number[], color: string, width = 3) => ({ type: 'scatter', mode: 'lines+markers', name, x: [0, v[0]], y: [0, v[1]], line: { color, width }, marker: { size: [0, 9], symbol: 'arrow', angleref: 'previous', color } });
      const ring = Array.from({ length: 97 }, (_, i) => (2 * Math.PI * i) / 96);
      const ball = s.normType === 2 ? { x: ring.map((a) => s.maxNorm * Math.cos(a)), y: ring.map((a) => s.maxNorm * Math.sin(a)) } : { x: [s.maxNorm, 0, -s.maxNorm, 0, s.maxNorm], y: [0, s.maxNorm, 0, -s.maxNorm, 0] };
      const c = s.clipValue;
      const reach = Math.max(2.5, s.maxNorm, s.clipValue, ...s.g.map(Math.abs)) + 0.6;
      const lo = Math.min(...SPIKY_LOSS) * 0.9;
      await Promise.all([
        vectors(
          [
            arrow('g', s.g, theme.palette[7]),
            arrow('clip_grad_norm_', norm, theme.palette[0]),
            arrow('clip_grad_value_', value, theme.palette[2]),
            { type: 'scatter', mode: 'lines', name: `‖g‖_${s.normType} = max_norm`, x: ball.x, y: ball.y, line: { color: theme.palette[0], dash: 'dot', width: 1 } },
            { type: 'scatter', mode: 'lines', name: '|gᵢ| = clip_value', x: [c, -c, -c, c, c], y: [c, c, -c, -c, c], line: { color: theme.palette[2], dash: 'dash', width: 1 } },
          ],
          baseLayout(theme, t('the gradient and its clipped versions'), {
            height: 360,
            xaxis: { gridcolor: theme.grid, range: [-reach, reach], zerolinecolor: theme.foreground, title: { text: 'g₁' } },
            yaxis: { gridcolor: theme.grid, range: [-reach, reach], zerolinecolor: theme.foreground, scaleanchor: 'x', title: { text: 'g₂' } },
            legend: { orientation: 'h', y: -0.18 },
          }),
        ),
        spikesChart(
          [
            { type: 'scatter', mode: 'lines', name: t('loss'), x: SPIKY_LOSS.map((_, i) => i), y: SPIKY_LOSS, line: { color: theme.palette[0], width: 1.5 } },
            { type: 'scatter', mode: 'markers', name: t('spike (L > μ + k·σ)'), x: spikes.map((p) => p.index), y: spikes.map((p) => SPIKY_LOSS[p.index]), marker: { color: theme.danger, size: 9, symbol: 'x' } },
          ],
          baseLayout(theme, t('loss spikes at k = {0}', s.spikeK), { height: 360, xaxis: { gridcolor: theme.grid, title: { text: t('step') } }, yaxis: { gridcolor: theme.grid, range: [lo, Math.max(...SPIKY_LOSS) * 1.05] }, legend: { orientation: 'h', y: -0.18 } }),
        ),
      ]);
    });
    const toNotebook = () => {
      if (!last) return;
      ctx.openInNotebook(t('Gradient clipping'), clippingNotebookCode(s), {
        scene: 'clipping',
        numbers: ui.numbers.textContent ?? '',
        charts: [{ kind: 'distribution', version: 1, title: t('the gradient and its clipped versions'), labels: ['g₁', 'g₂'], series: [{ name: 'g', values: last.g }, { name: 'clip_grad_norm_', values: last.norm }, { name: 'clip_grad_value_', values: last.value }] }],
      });
    };
    ui.controls.append(
      slider('g₁', -5, 5, 0.1, s.g[0], (v) => ((s.g[0] = v), update())),
      slider('g₂', -5, 5, 0.1, s.g[1], (v) => ((s.g[1] = v), update())),
      slider('max_norm', 0.1, 5, 0.1, s.maxNorm, (v) => ((s.maxNorm = v), update())),
      dropdown('norm_type', [{ value: '2', label: t('2.0 (Euclidean, the default)') }, { value: '1', label: '1.0' }], String(s.normType) as '1' | '2', (v) => ((s.normType = Number(v) as 1 | 2), update())),
      slider('clip_value', 0.1, 5, 0.1, s.clipValue, (v) => ((s.clipValue = v), update())),
      slider(t('spike threshold k'), 1, 5, 0.1, s.spikeK, (v) => ((s.spikeK = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
