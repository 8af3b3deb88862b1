// Scene 3 — preference losses: DPO (sigmoid/cDPO as TRL ≤ 0.23, hinge, ipo, robust as TRL 1.x) and the
// Bradley–Terry reward loss. Shows loss, implicit rewards, margin, accuracy, the gradient weight σ(−βΔ)
// and the loss as a function of Δ with the current point marked. One round trip: the Bradley–Terry loss takes
// the engine's implicit rewards as its inputs.
import { t } from '../../l10n';
import { button, labelled, slider } from '../../ui/components';
import { f32, ref } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

/** TRL's loss_type values and their labels (translated when the scene mounts, after the bundle is loaded). */
const LOSS_TYPES: [string, () => string][] = [
  ['sigmoid', () => t('sigmoid (cDPO smoothing: TRL ≤ 0.23)')],
  ['robust', () => 'robust (TRL 1.x)'],
  ['hinge', () => 'hinge'],
  ['ipo', () => 'ipo'],
];
const GRID = Array.from({ length: 81 }, (_, i) => -40 + i);

export const preferences: Scene = {
  id: 'preferences',
  title: 'Preferences (DPO)',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('Only the margin Δ between the two log-ratios counts: raising both log-probabilities together changes nothing, and the gradient weight fades once βΔ is large.'),
      terms: { L: { chart: 'loss-vs-margin', traces: [0] }, D: { chart: 'loss-vs-margin', traces: [1] }, r: { chart: 'rewards', traces: [0] } },
    });
    const s = ctx.restore('preferences', { chosen: -12, rejected: -14, refChosen: -13, refRejected: -13.5, beta: 0.1, smoothing: 0, lossType: 'sigmoid' });
    const curve = chartSlot(ui.charts, 'loss-vs-margin');
    const rewards = chartSlot(ui.charts, 'rewards');
    let lastCurve: number[] = [];
    const toNotebook = () => {
      const code = [
        `const r = await F.dpo_loss([${s.chosen}], [${s.rejected}], [${s.refChosen}], [${s.refRejected}], { beta: ${s.beta}, loss_type: "${s.lossType}", label_smoothing: ${s.lossType === 'sigmoid' || s.lossType === 'robust' ? s.smoothing : 0} });`,
        'r.backward();',
        '({ loss: r.item(), chosen_reward: r.extras.chosen_rewards.item(), rejected_reward: r.extras.rejected_rewards.item(), margin: r.extras.reward_margins.item() })',
      ].join('\n');
      ctx.openInNotebook(t('Preferences (DPO)'), code, { scene: 'preferences', numbers: ui.numbers.textContent ?? '', charts: [{ kind: 'curve', version: 1, title: t('{0} loss vs Δ', s.lossType), x: GRID, series: [{ name: t('loss'), y: lastCurve }] }] });
    };
    const update = updater(ctx, ui.message, s, async (s) => {
      const one = (v: number) => f32([v]);
      const options = { beta: s.beta, loss_type: s.lossType, label_smoothing: s.lossType === 'sigmoid' || s.lossType === 'robust' ? s.smoothing : 0 };
      const zeros = f32(GRID.map(() => 0));
      const [r, bt, grid] = await ctx.engine.computeAll([
        { op: 'dpo_loss', inputs: { policy_chosen_logps: one(s.chosen), policy_rejected_logps: one(s.rejected), reference_chosen_logps: one(s.refChosen), reference_rejected_logps: one(s.refRejected) }, options },
        { op: 'reward_model_loss', inputs: { chosen_rewards: ref(0, 'chosen_rewards'), rejected_rewards: ref(0, 'rejected_rewards') } },
        { op: 'dpo_loss', inputs: { policy_chosen_logps: f32(GRID), policy_rejected_logps: zeros, reference_chosen_logps: zeros, reference_rejected_logps: zeros }, options },
      ]);
      lastCurve = grid.output;
      const delta = s.chosen - s.refChosen - (s.rejected - s.refRejected);
      const weight = -r.grad.policy_chosen_logps[0] / s.beta; // ∂L/∂log π(y⁺) = −β·σ(−βΔ) for the sigmoid loss
      ui.numbers.textContent = [
        `${t('Δ (log-ratio margin)')}   ${fmt(delta)}`,
        `${t('DPO loss')}               ${fmt(r.output[0])}`,
        `${t('chosen reward')}  β·Δ⁺    ${fmt(r.extras.chosen_rewards[0])}`,
        `${t('rejected reward')} β·Δ⁻   ${fmt(r.extras.rejected_rewards[0])}`,
        `${t('reward margin')}          ${fmt(r.extras.reward_margins[0])}`,
        `${t('reward accuracy')}        ${fmt(r.extras.reward_accuracies[0])}`,
        `${t('gradient weight')}        ${fmt(weight)}`,
        `${t('Bradley–Terry loss')}     ${fmt(bt.output[0])}`,
      ].join('\n');
      const eps = options.label_smoothing;
      const D = term('D', String.raw`\Delta`);
      const lossTex: Record<string, string> = {
        sigmoid: eps ? String.raw`-(1-\varepsilon)\log\sigma(\beta${D}) - \varepsilon\log\sigma(-\beta${D})` : String.raw`-\log\sigma(\beta${D})`,
        robust: String.raw`\frac{-(1-\varepsilon)\log\sigma(\beta${D}) + \varepsilon\log\sigma(-\beta${D})}{1-2\varepsilon}`,
        hinge: String.raw`\max(0,\ 1-\beta${D})`,
        ipo: String.raw`\left(${D} - \frac{1}{2\beta}\right)^2`,
      };
      ui.formula.show(
        [String.raw`${term('L', 'L')} = ${lossTex[s.lossType]}`, String.raw`${D} = \log\frac{\pi(y^+)}{\pi_{\mathrm{ref}}(y^+)} - \log\frac{\pi(y^-)}{\pi_{\mathrm{ref}}(y^-)}`, String.raw`${term('r', String.raw`r(y)`)} = \beta\log\frac{\pi(y)}{\pi_{\mathrm{ref}}(y)}`],
        [
          String.raw`\Delta = (${n(s.chosen, 2)} - (${n(s.refChosen, 2)})) - (${n(s.rejected, 2)} - (${n(s.refRejected, 2)})) = ${n(delta)}`,
          String.raw`L = ${n(r.output[0])},\quad r(y^+) - r(y^-) = ${n(r.extras.chosen_rewards[0])} - (${n(r.extras.rejected_rewards[0])}) = ${n(r.extras.reward_margins[0])}`,
        ],
      );
      const theme = ctx.theme();
      await Promise.all([
        curve([{ type: 'scatter', mode: 'lines', x: GRID, y: grid.output, name: t('{0} loss', s.lossType), line: { color: theme.palette[0] } }, { type: 'scatter', mode: 'markers', x: [delta], y: [r.output[0]], name: t('now'), marker: { size: 10, color: theme.danger } }], baseLayout(theme, t('loss vs Δ (β = {0})', s.beta), { xaxis: { gridcolor: theme.grid, title: { text: 'Δ' } } })),
        rewards([{ type: 'bar', x: [t('chosen'), t('rejected')], y: [r.extras.chosen_rewards[0], r.extras.rejected_rewards[0]], marker: { color: [theme.palette[2], theme.palette[3]] } }], baseLayout(theme, t('implicit rewards β·(log π − log π_ref)'), { showlegend: false })),
      ]);
    });
    const select = document.createElement('select');
    select.setAttribute('aria-label', t('Loss type'));
    for (const [v, label] of LOSS_TYPES) select.add(new Option(label(), v));
    select.value = s.lossType;
    select.addEventListener('change', () => ((s.lossType = select.value), update()));
    ui.controls.append(
      labelled(t('loss type'), select),
      slider('log π(y⁺)', -50, 0, 0.1, s.chosen, (v) => ((s.chosen = v), update())),
      slider('log π(y⁻)', -50, 0, 0.1, s.rejected, (v) => ((s.rejected = v), update())),
      slider('log π_ref(y⁺)', -50, 0, 0.1, s.refChosen, (v) => ((s.refChosen = v), update())),
      slider('log π_ref(y⁻)', -50, 0, 0.1, s.refRejected, (v) => ((s.refRejected = v), update())),
      slider('β', 0.01, 1, 0.01, s.beta, (v) => ((s.beta = v), update())),
      slider(t('label smoothing ε'), 0, 0.45, 0.01, s.smoothing, (v) => ((s.smoothing = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
