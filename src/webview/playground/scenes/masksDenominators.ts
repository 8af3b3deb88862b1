// Scene 5 — masks & denominators: a batch of 4 sequences (prompt | answer | padding) over a 5-token vocabulary.
// Toggle which positions count (ignore_index = −100 on prompt and padding), compare token- vs
// sequence-normalized loss, and split the batch over micro-batches × data-parallel ranks: averaging each
// group's local mean weights a token by 1/(G·n_g), the global numerator/denominator by 1/N.
// Losses come from the engine in one round trip; the webview counts masked positions (the weights 1/N and
// 1/(G·n_g) are counts) and averages the G group losses.
import { t } from '../../l10n';
import { button, checkbox, slider } from '../../ui/components';
import { f32, i64, type Request } from '../engine';
import { term, texNumber } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

const B = 4;
const T = 8;
const V = 5;
/** [prompt length, answer length] per sequence; the rest of T is padding. */
const LENGTHS: [number, number][] = [[2, 6], [3, 2], [1, 3], [4, 4]];
// Deterministic logits [B, T, V] and targets [B, T] (a fixed "model output", not a random draw per load).
const LOGITS = Array.from({ length: B * T * V }, (_, i) => Math.round(Math.sin(i * 12.9898) * 3000) / 1000);
const TOKENS = Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V);
const IGNORE = -100;
const ROLE_LETTER = { prompt: ' P', answer: ' A', pad: ' ·' } as const;

type Role = 'prompt' | 'answer' | 'pad';
const role = (b: number, t: number): Role => (t < LENGTHS[b][0] ? 'prompt' : t < LENGTHS[b][0] + LENGTHS[b][1] ? 'answer' : 'pad');

export const masksDenominators: Scene = {
  id: 'masks',
  title: 'Masks & denominators',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('Averaging per micro-batch or per rank weights a token by 1/(G·N_g): tokens in short groups count more, unless every group holds the same number of counted tokens.'),
      terms: { local: { chart: 'token-weights', traces: [0] }, global: { chart: 'token-weights', traces: [1] } },
    });
    const s = ctx.restore('masks', { maskPrompt: true, maskPadding: true, microBatches: 2, ranks: 2 });
    ui.charts.classList.add('wide');
    const weights = chartSlot(ui.charts, 'token-weights');
    let last: { target: number[]; token: number; sequence: number; weightsLocal: number[]; weightsGlobal: number[]; labels: string[] } | undefined;

    const update = updater(ctx, ui.message, s, async (s) => {
      const counts = (r: Role) => (r === 'answer' || (r === 'prompt' && !s.maskPrompt) || (r === 'pad' && !s.maskPadding));
      const target = TOKENS.map((tok, i) => (counts(role(Math.floor(i / T), i % T)) ? tok : IGNORE));
      const groups = s.microBatches * s.ranks;
      // Sequence b runs on rank b mod k, in micro-batch ⌊b/k⌋ mod m: group index = rank·m + micro-batch.
      const groupOf = (b: number) => (b % s.ranks) * s.microBatches + (Math.floor(b / s.ranks) % s.microBatches);
      const members = Array.from({ length: groups }, (_, g) => [...Array(B).keys()].filter((b) => groupOf(b) === g));
      const rows = (bs: number[]) => ({
        input: f32(bs.flatMap((b) => LOGITS.slice(b * T * V, (b + 1) * T * V)), [bs.length * T, V]),
        target: i64(bs.flatMap((b) => target.slice(b * T, (b + 1) * T))),
      });
      const valid = (bs: number[]) => bs.reduce((n, b) => n + target.slice(b * T, (b + 1) * T).filter((x) => x !== IGNORE).length, 0);
      const all = [...Array(B).keys()];
      const n = valid(all);
      if (n === 0) throw new Error(t('every position is masked (ignore_index everywhere): the loss would be 0/0'));
      const counted = members.map((bs) => bs.length > 0 && valid(bs) > 0);
      const sequenceLoss = (normalize: string): Request => ({ op: 'sequence_cross_entropy', inputs: { input: f32(LOGITS, [B, T, V]), target: i64(target, [B, T]) }, options: { normalize, ignore_index: IGNORE } });
      const [token, sequence, ...local] = await ctx.engine.computeAll([
        sequenceLoss('token'),
        sequenceLoss('sequence'),
        ...members.filter((_, g) => counted[g]).map((bs): Request => ({ op: 'cross_entropy', inputs: rows(bs), options: { ignore_index: IGNORE } })),
      ]);
      const localLosses = counted.map((c, g) => (c ? local[counted.slice(0, g).filter(Boolean).length].output[0] : undefined));
      const empty = localLosses.filter((v) => v === undefined).length;
      const localMean = localLosses.reduce<number>((acc, v) => acc + (v ?? 0), 0) / groups;
      ui.numbers.textContent = [
        `${t('counted tokens N')}        ${n}`,
        `${t('token-normalized loss')}   ${fmt(token.output[0])}`,
        `${t('sequence-normalized')}     ${fmt(sequence.output[0])}`,
        `${t('groups G = m·k')}          ${groups}`,
        ...localLosses.map((v, g) => `  ${t('group {0} local mean', g)}    ${v === undefined ? t('— (no tokens)') : fmt(v)}`),
        `${t('mean of local means')}     ${fmt(localMean)}`,
        `${t('global sum / N')}          ${fmt(token.output[0])}`,
        ...(empty ? [t('{0} group(s) with no counted token still count in the average', empty)] : []),
      ].join('\n');
      ui.formula.show(
        [String.raw`${term('global', String.raw`L_{\text{token}} = \frac{\sum_i m_i\,\ell_i}{N}`)},\ N = \sum_i m_i`, String.raw`L_{\text{seq}} = \frac{1}{B}\sum_b \frac{\sum_t m_{bt}\,\ell_{bt}}{N_b}`, String.raw`${term('local', String.raw`\frac{1}{G}\sum_{g} \frac{\sum_{i\in g} m_i\,\ell_i}{N_g}`)}`],
        [String.raw`L_{\text{token}} = ${texNumber(token.output[0])}\ (N = ${n}),\quad L_{\text{seq}} = ${texNumber(sequence.output[0])},\quad \tfrac{1}{G}\textstyle\sum_g = ${texNumber(localMean)}\ (G = ${groups})`],
      );
      // Effective weight of each token in the final loss (0 where masked), positions in batch order.
      const positions = [...Array(B * T).keys()];
      const weight = (local: boolean) => positions.map((i) => (target[i] === IGNORE ? 0 : local ? 1 / (groups * valid(members[groupOf(Math.floor(i / T))])) : 1 / n));
      const labels = positions.map((i) => `s${Math.floor(i / T)} t${i % T} ${role(Math.floor(i / T), i % T)}`);
      // Two-level axis: the sequence under its 8 positions, each position's role as a letter (P, A, ·).
      const axis = [positions.map((i) => `${t('sequence')} ${Math.floor(i / T)}`), positions.map((i) => `${i % T}${ROLE_LETTER[role(Math.floor(i / T), i % T)]}`)];
      const theme = ctx.theme();
      last = { target, token: token.output[0], sequence: sequence.output[0], weightsLocal: weight(true), weightsGlobal: weight(false), labels };
      await weights(
        [
          { type: 'bar', x: axis, y: last.weightsLocal, name: t('mean of local means: 1/(G·n_g)'), marker: { color: theme.palette[1] }, hovertext: labels, hovertemplate: '%{hovertext}: %{y:.4f}<extra></extra>' },
          { type: 'bar', x: axis, y: last.weightsGlobal, name: t('global sum / N: 1/N'), marker: { color: theme.palette[0] }, hovertext: labels, hovertemplate: '%{hovertext}: %{y:.4f}<extra></extra>' },
        ],
        baseLayout(theme, t('effective weight of each token (P prompt · A answer · padding; 0 = masked)'), {
          height: 400,
          font: { color: theme.foreground, family: theme.font, size: 12 },
          margin: { l: 55, r: 10, t: 34, b: 90 },
          legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom' },
          xaxis: { gridcolor: theme.grid, type: 'multicategory', tickfont: { size: 11 } },
          yaxis: { gridcolor: theme.grid, zerolinecolor: theme.foreground, title: { text: t('weight in the loss') } },
        }),
      );
    });

    const toNotebook = () => {
      if (!last) return;
      const nested = (flat: number[], ...shape: number[]): string =>
        shape.length === 1 ? `[${flat.join(', ')}]` : `[${Array.from({ length: shape[0] }, (_, i) => nested(flat.slice((i * flat.length) / shape[0], ((i + 1) * flat.length) / shape[0]), ...shape.slice(1))).join(', ')}]`;
      const code = [
        '// The playground\'s batch: 4 sequences × 8 positions × 5 classes; −100 marks the positions that do not count',
        `const logits = torch.tensor(${nested(LOGITS, B, T, V)}, { dtype: torch.float32 });`,
        `const target = torch.tensor(${nested(last.target, B, T)});`,
        "const token = await F.sequence_cross_entropy(logits, target, { normalize: 'token', ignore_index: -100 });",
        "const sequence = await F.sequence_cross_entropy(logits, target, { normalize: 'sequence', ignore_index: -100 });",
        '[token.item(), sequence.item()]',
      ].join('\n');
      ctx.openInNotebook(t('Masks & denominators'), code, {
        scene: 'masks',
        numbers: ui.numbers.textContent ?? '',
        charts: [{ kind: 'distribution', version: 1, title: t('effective weight of each token'), labels: last.labels, series: [{ name: t('mean of local means'), values: last.weightsLocal }, { name: t('global sum / N'), values: last.weightsGlobal }] }],
      });
    };

    ui.controls.append(
      checkbox(t('mask the prompt (ignore_index)'), s.maskPrompt, (v) => ((s.maskPrompt = v), update())),
      checkbox(t('mask the padding'), s.maskPadding, (v) => ((s.maskPadding = v), update())),
      slider(t('micro-batches m'), 1, 2, 1, s.microBatches, (v) => ((s.microBatches = v), update())),
      slider(t('data-parallel ranks k'), 1, 2, 1, s.ranks, (v) => ((s.ranks = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
