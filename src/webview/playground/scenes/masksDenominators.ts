// Scene 5 — masks & denominators: a batch of 4 sequences (prompt | answer | padding) over a 5-token vocabulary.
// Toggle which positions count (ignore_index = −100 on prompt and padding), compare token- vs
// sequence-normalized loss, and split the batch over micro-batches × data-parallel ranks: averaging each
// group's local mean weights a token by 1/(G·n_g), the global numerator/denominator by 1/N.
// Losses come from the engine; the webview only counts masked positions and averages the G group losses.
import { checkbox, slider } from '../../ui/components';
import { f32, i64 } from '../engine';
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

type Role = 'prompt' | 'answer' | 'pad';
const role = (b: number, t: number): Role => (t < LENGTHS[b][0] ? 'prompt' : t < LENGTHS[b][0] + LENGTHS[b][1] ? 'answer' : 'pad');

export const masksDenominators: Scene = {
  id: 'masks',
  title: 'Masks & denominators',
  mount(root, ctx) {
    const ui = layoutScene(root);
    const s = { maskPrompt: true, maskPadding: true, microBatches: 2, ranks: 2 };
    const weights = chartSlot(ui.charts, 'token-weights');

    const update = updater(ctx, ui.message, async () => {
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
      const [token, sequence, ...local] = await Promise.all([
        ctx.engine.compute('sequence_cross_entropy', { input: f32(LOGITS, [B, T, V]), target: i64(target, [B, T]) }, { normalize: 'token', ignore_index: IGNORE }),
        ctx.engine.compute('sequence_cross_entropy', { input: f32(LOGITS, [B, T, V]), target: i64(target, [B, T]) }, { normalize: 'sequence', ignore_index: IGNORE }),
        ...members.map((bs) => (bs.length && valid(bs) ? ctx.engine.compute('cross_entropy', rows(bs), { ignore_index: IGNORE }) : Promise.resolve(undefined))),
      ]);
      const n = valid(all);
      if (n === 0) throw new Error('every position is masked (ignore_index everywhere): the loss would be 0/0');
      const localLosses = local.map((r) => r?.output[0]);
      const empty = localLosses.filter((v) => v === undefined).length;
      const localMean = localLosses.reduce<number>((acc, v) => acc + (v ?? 0), 0) / groups;
      ui.numbers.textContent = [
        `counted tokens N        ${n}`,
        `token-normalized loss   ${fmt(token.output[0])}`,
        `sequence-normalized     ${fmt(sequence.output[0])}`,
        `groups G = m·k          ${groups}`,
        ...localLosses.map((v, g) => `  group ${g} local mean    ${v === undefined ? '— (no tokens)' : fmt(v)}`),
        `mean of local means     ${fmt(localMean)}`,
        `global sum / N          ${fmt(token.output[0])}`,
        ...(empty ? [`${empty} group(s) with no counted token still count in the average`] : []),
      ].join('\n');
      // Effective weight of each token in the final loss (0 where masked), positions in batch order.
      const positions = [...Array(B * T).keys()];
      const weight = (local: boolean) => positions.map((i) => (target[i] === IGNORE ? 0 : local ? 1 / (groups * valid(members[groupOf(Math.floor(i / T))])) : 1 / n));
      const labels = positions.map((i) => `s${Math.floor(i / T)} t${i % T} ${role(Math.floor(i / T), i % T)}`);
      const theme = ctx.theme();
      await weights(
        [
          { type: 'bar', x: labels, y: weight(true), name: 'mean of local means', marker: { color: theme.palette[1] } },
          { type: 'bar', x: labels, y: weight(false), name: 'global sum / N', marker: { color: theme.palette[0] } },
        ],
        baseLayout(theme, 'effective weight of each token', { height: 340, margin: { l: 45, r: 10, t: 30, b: 100 }, legend: { orientation: 'h', y: 1.12 }, xaxis: { gridcolor: theme.grid, tickangle: -60, tickfont: { size: 9 } } }),
      );
    });

    ui.controls.append(
      checkbox('mask the prompt (ignore_index)', s.maskPrompt, (v) => ((s.maskPrompt = v), update())),
      checkbox('mask the padding', s.maskPadding, (v) => ((s.maskPadding = v), update())),
      slider('micro-batches m', 1, 2, 1, s.microBatches, (v) => ((s.microBatches = v), update())),
      slider('data-parallel ranks k', 1, 2, 1, s.ranks, (v) => ((s.ranks = v), update())),
    );
    update();
  },
};
