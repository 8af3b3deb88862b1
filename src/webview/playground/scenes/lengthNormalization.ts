// Length normalisation in beam search: four finished hypotheses of different lengths, each token's log-probability
// given; the engine's beam_score ranks them by Σ log p / |Y|^α. α = 0 (raw sum) favours the shortest, α = 1 the
// best mean, GNMT's 0.6 sits between.
import { t } from '../../l10n';
import { button, slider } from '../../ui/components';
import { f32, i64 } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';
import { BEAM_HYPOTHESES, BEAM_LABELS as LABELS, BEAM_TOKENS as T, lengthNotebookCode } from './lengthNormalizationCode';

export const lengthNormalization: Scene = {
  id: 'length',
  title: 'Length normalisation',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('Every extra token adds a negative log p, so the raw sum (α = 0) always prefers the shortest answer; dividing by |Y|^α lets a longer, better-predicted answer win.'),
      terms: { sum: { chart: 'beam-scores', traces: [0] }, score: { chart: 'beam-scores', traces: [1] }, penalty: { chart: 'beam-penalty', traces: [0] } },
    });
    const s = ctx.restore('length', { alpha: 0.6 });
    const scores = chartSlot(ui.charts, 'beam-scores');
    const penalty = chartSlot(ui.charts, 'beam-penalty');
    let last: number[] = [];
    const padded = BEAM_HYPOTHESES.flatMap((h) => [...h.logprobs, ...Array(T - h.logprobs.length).fill(0)]);
    const lengths = BEAM_HYPOTHESES.map((h) => h.tokens.length);
    const update = updater(ctx, ui.message, s, async (s) => {
      const [r] = await ctx.engine.computeAll([{ op: 'beam_score', inputs: { logprobs: f32(padded, [BEAM_HYPOTHESES.length, T]), lengths: i64(lengths) }, options: { length_penalty: s.alpha } }]);
      const score = r.output;
      const sums = r.extras.sum_logprobs;
      const factor = r.extras.length_penalty_factor;
      last = score;
      const win = score.indexOf(Math.max(...score));
      ui.numbers.textContent = [
        `α = ${s.alpha}`,
        ...BEAM_HYPOTHESES.map((h, i) => `${LABELS[i]} |Y|=${h.tokens.length}  Σ log p ${fmt(sums[i])}  |Y|^α ${fmt(factor[i])}  ${t('score')} ${fmt(score[i])}${i === win ? `  ← ${t('wins')}` : ''}`),
        `${t('winner')}  ${LABELS[win]}: ${BEAM_HYPOTHESES[win].tokens.join(' ')}`,
      ].join('\n');
      ui.formula.show(
        [String.raw`${term('score', String.raw`\mathrm{score}(Y)`)} = \frac{${term('sum', String.raw`\sum_{t=1}^{|Y|}\log p(y_t\mid y_{<t}, x)`)}}{${term('penalty', String.raw`|Y|^{\alpha}`)}}`, String.raw`\hat Y = \arg\max_{Y}\ \mathrm{score}(Y)`],
        [
          String.raw`\alpha = ${s.alpha}:\quad ` + BEAM_HYPOTHESES.map((_, i) => String.raw`\mathrm{${LABELS[i]}}\ \tfrac{${n(sums[i], 2)}}{${n(factor[i], 3)}} = ${n(score[i], 3)}`).join(',\\ '),
          String.raw`\hat Y = \mathrm{${LABELS[win]}}\ (|Y| = ${lengths[win]})`,
        ],
      );
      const theme = ctx.theme();
      const names = BEAM_HYPOTHESES.map((h, i) => `${LABELS[i]} (${h.tokens.length})`);
      await Promise.all([
        scores(
          [
            { type: 'bar', name: 'Σ log p', x: names, y: sums, marker: { color: theme.palette[7] } },
            { type: 'bar', name: t('score = Σ log p / |Y|^α'), x: names, y: score, marker: { color: score.map((_, i) => (i === win ? theme.palette[2] : theme.palette[0])) } },
          ],
          baseLayout(theme, t('hypotheses: sum and normalised score (α = {0})', s.alpha), { barmode: 'group' }),
        ),
        penalty([{ type: 'bar', name: '|Y|^α', x: names, y: factor, marker: { color: theme.palette[4] } }], baseLayout(theme, t('length penalty |Y|^α'), { showlegend: false })),
      ]);
    });
    const toNotebook = () =>
      ctx.openInNotebook(t('Length normalisation'), lengthNotebookCode(s.alpha), {
        scene: 'length',
        numbers: ui.numbers.textContent ?? '',
        charts: [{ kind: 'distribution', version: 1, title: t('score = Σ log p / |Y|^α'), labels: LABELS, series: [{ name: t('score'), values: last }] }],
      });
    const alphaSlider = slider(t('length penalty α'), 0, 1.5, 0.05, s.alpha, (v) => ((s.alpha = v), update()));
    const preset = (v: number, label: string) =>
      button(label, () => {
        const input = alphaSlider.querySelector('input')!;
        input.value = String(v);
        input.dispatchEvent(new Event('input'));
      });
    ui.controls.append(alphaSlider, preset(0, 'α = 0'), preset(0.6, t('α = 0.6 (GNMT)')), preset(1, 'α = 1'), button(t('Open in notebook'), toNotebook));
    update();
  },
};
