// RLHF's KL-regularised objective on one prompt with six candidate responses: a reference policy π_ref, a
// reward per response, and β. The engine's kl_regularized_objective gives the optimal policy π* ∝ π_ref·e^{r/β},
// J(π*) = E_π*[r] − β·KL(π*‖π_ref) = β·log Z, J(π_ref) and DPO's implicit reward β·log(π*/π_ref); a β sweep (one
// row per β, same round trip) shows π* moving from π_ref (β → ∞) to the argmax of r (β → 0).
import { t } from '../../l10n';
import { button, checkbox, slider } from '../../ui/components';
import { f32, ref, type Request } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';

/** The reference policy's logits (a supervised model that prefers the first responses). */
export const RLHF_REF_LOGITS = [1.2, 0.8, 0.3, 0, -0.4, -1];
const K = RLHF_REF_LOGITS.length;
const RESPONSES = Array.from({ length: K }, (_, i) => `y${i + 1}`);
/** The β sweep: 41 values from 10⁻² to 10². */
const SWEEP = Array.from({ length: 41 }, (_, i) => 10 ** (-2 + i * 0.1));

export const rlhfObjective: Scene = {
  id: 'rlhf',
  title: 'RLHF objective',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('Large β keeps π* on π_ref; small β piles it on the best reward. π* always reaches J = β·log Z, and β·log(π*/π_ref) gives back every r minus that same constant: what DPO learns is the reward, up to a shift.'),
      terms: {
        ref: { chart: 'rlhf-policies', traces: [0] },
        star: { chart: 'rlhf-policies', traces: [1] },
        r: { chart: 'rlhf-rewards', traces: [0] },
        implicit: { chart: 'rlhf-rewards', traces: [1] },
        E: { chart: 'rlhf-objective', traces: [0] },
        KL: { chart: 'rlhf-objective', traces: [1] },
        J: { chart: 'rlhf-objective', traces: [2] },
      },
    });
    const s = ctx.restore('rlhf', { rewards: [0.5, -0.5, 1.5, 0.2, -1, 2], logBeta: 0, implicit: true });
    const policies = chartSlot(ui.charts, 'rlhf-policies');
    const rewardChart = chartSlot(ui.charts, 'rlhf-rewards');
    const sweepChart = chartSlot(ui.charts, 'rlhf-sweep');
    const objectiveChart = chartSlot(ui.charts, 'rlhf-objective');
    let last: { ref: number[]; star: number[] } | undefined;

    const update = updater(ctx, ui.message, s, async (s) => {
      const beta = 10 ** s.logBeta;
      const S = SWEEP.length;
      const rows = (v: number[]) => f32(SWEEP.flatMap(() => v), [S, K]);
      const objective = (logits: Request['inputs'][string], many: boolean): Request => ({
        op: 'kl_regularized_objective',
        inputs: { logits, ref_logits: many ? rows(RLHF_REF_LOGITS) : f32(RLHF_REF_LOGITS), rewards: many ? rows(s.rewards) : f32(s.rewards), beta: many ? f32(SWEEP) : f32([beta]) },
      });
      const [atRef, atStar, sweep, sweepStar, reference] = await ctx.engine.computeAll([
        objective(f32(RLHF_REF_LOGITS), false), // J(π_ref) = E_ref[r]; π* and β·log Z as extras
        objective(ref(0, 'optimal_logprobs'), false), // J(π*), E_π*[r], KL(π*‖π_ref), implicit rewards
        objective(rows(RLHF_REF_LOGITS), true), // π* for every β of the sweep
        objective(ref(2, 'optimal_logprobs'), true), // E[r], KL and J at each of those π*
        { op: 'softmax', inputs: { input: f32(RLHF_REF_LOGITS) } }, // π_ref
      ]);
      const piRef = reference.output;
      const star = atRef.extras.optimal_logprobs.map(Math.exp);
      const [J, E, KL, bestJ] = [atStar.output[0], atStar.extras.expected_reward[0], atStar.extras.kl[0], atRef.extras.optimal_objective[0]];
      const implicit = atStar.extras.implicit_rewards;
      const gradNorm = Math.hypot(...atStar.grad.logits);
      last = { ref: piRef, star };
      const best = s.rewards.indexOf(Math.max(...s.rewards));
      ui.numbers.textContent = [
        `β                      ${fmt(beta)}`,
        `π_ref                  [${piRef.map((p) => p.toFixed(3)).join(', ')}]`,
        `π*                     [${star.map((p) => p.toFixed(3)).join(', ')}]`,
        `E_π*[r]                ${fmt(E)}`,
        `KL(π*‖π_ref)           ${fmt(KL)}`,
        `J(π*) = E − β·KL       ${fmt(J)}`,
        `β·log Z                ${fmt(bestJ)}`,
        `J(π_ref) = E_ref[r]    ${fmt(atRef.output[0])}`,
        `‖∂J/∂logits‖ at π*     ${fmt(gradNorm)}`,
        `π*(${RESPONSES[best]}) ${t('(best reward)')}  ${fmt(star[best])}`,
      ].join('\n');
      const tex = {
        star: term('star', String.raw`\pi^*(y)`),
        ref: term('ref', String.raw`\pi_{\mathrm{ref}}(y)`),
        r: term('r', 'r(y)'),
      };
      ui.formula.show(
        [
          String.raw`${tex.star} = \frac{${tex.ref}\, e^{${tex.r}/\beta}}{Z},\quad Z = \sum_{y} \pi_{\mathrm{ref}}(y)\,e^{r(y)/\beta}`,
          String.raw`${term('J', String.raw`J(\pi)`)} = ${term('E', String.raw`\mathbb{E}_{y\sim\pi}[r(y)]`)} - \beta\,${term('KL', String.raw`\mathrm{KL}(\pi\,\|\,\pi_{\mathrm{ref}})`)},\quad \max_\pi J = J(\pi^*) = \beta\log Z`,
          String.raw`${term('implicit', String.raw`\beta\log\frac{\pi^*(y)}{\pi_{\mathrm{ref}}(y)}`)} = ${tex.r} - \beta\log Z`,
        ],
        [
          String.raw`J(\pi^*) = ${n(E)} - ${n(beta, 3)}\times${n(KL)} = ${n(J)} = \beta\log Z = ${n(bestJ)}`,
          String.raw`J(\pi_{\mathrm{ref}}) = ${n(atRef.output[0])},\quad \pi^*(${RESPONSES[best]}) = ${n(star[best])}`,
          ...(s.implicit ? [String.raw`r(y) - \beta\log\frac{\pi^*}{\pi_{\mathrm{ref}}} = [${s.rewards.map((r, i) => n(r - implicit[i], 3)).join(',\ ')}]`] : []),
        ],
      );
      const theme = ctx.theme();
      const starRows = sweep.extras.optimal_logprobs.map(Math.exp);
      const marker = { type: 'line', x0: beta, x1: beta, yref: 'paper', y0: 0, y1: 1, line: { color: theme.danger, dash: 'dot', width: 1 } };
      const logAxis = { type: 'log', gridcolor: theme.grid, title: { text: 'β' } };
      await Promise.all([
        policies(
          [
            { type: 'bar', name: 'π_ref', x: RESPONSES, y: piRef, marker: { color: theme.palette[7] } },
            { type: 'bar', name: 'π*', x: RESPONSES, y: star, marker: { color: theme.palette[0] } },
          ],
          baseLayout(theme, t('reference policy and optimal policy (β = {0})', +beta.toPrecision(3)), { barmode: 'group', yaxis: { gridcolor: theme.grid, range: [0, 1] } }),
        ),
        rewardChart(
          [
            { type: 'bar', name: 'r', x: RESPONSES, y: s.rewards, marker: { color: theme.palette[2] } },
            ...(s.implicit ? [{ type: 'bar', name: 'β·log(π*/π_ref)', x: RESPONSES, y: implicit, marker: { color: theme.palette[4] } }] : []),
          ],
          baseLayout(theme, s.implicit ? t('reward and DPO’s implicit reward') : t('reward'), { barmode: 'group' }),
        ),
        sweepChart(
          RESPONSES.map((name, k) => ({ type: 'scatter', mode: 'lines', name: `π*(${name})`, x: SWEEP, y: SWEEP.map((_, i) => starRows[i * K + k]), line: { color: theme.palette[k % theme.palette.length] } })),
          baseLayout(theme, t('π* as β goes from 0.01 to 100'), { xaxis: logAxis, yaxis: { gridcolor: theme.grid, range: [0, 1] }, shapes: [marker] }),
        ),
        objectiveChart(
          [
            { type: 'scatter', mode: 'lines', name: 'E_π*[r]', x: SWEEP, y: sweepStar.extras.expected_reward, line: { color: theme.palette[2] } },
            { type: 'scatter', mode: 'lines', name: 'KL(π*‖π_ref)', x: SWEEP, y: sweepStar.extras.kl, line: { color: theme.palette[6] } },
            { type: 'scatter', mode: 'lines', name: 'J(π*)', x: SWEEP, y: sweepStar.output, line: { color: theme.palette[0] } },
          ],
          baseLayout(theme, t('objective, reward and KL at π*'), { xaxis: logAxis, shapes: [marker] }),
        ),
      ]);
    });
    const toNotebook = () => {
      if (!last) return;
      const beta = +(10 ** s.logBeta).toPrecision(6);
      const code = [
        `// One prompt, ${K} responses: π_ref = softmax(ref_logits), a reward per response, β = ${beta}`,
        `const ref_logits = [${RLHF_REF_LOGITS.join(', ')}];`,
        `const rewards = [${s.rewards.join(', ')}];`,
        `const first = await F.kl_regularized_objective(ref_logits, ref_logits, rewards, [${beta}]);`,
        'const optimal = first.extras.optimal_logprobs; // log π*',
        `const r = await F.kl_regularized_objective(optimal, ref_logits, rewards, [${beta}]);`,
        `plot.distribution({ "π_ref": await F.softmax(ref_logits), "π*": optimal.tolist().map(Math.exp) }, { labels: ${JSON.stringify(RESPONSES)}, title: "π_ref and π*" });`,
        '({ J: r.item(), expected_reward: r.extras.expected_reward.item(), kl: r.extras.kl.item(), beta_log_Z: first.extras.optimal_objective.item() })',
      ].join('\n');
      ctx.openInNotebook(t('RLHF objective'), code, {
        scene: 'rlhf',
        numbers: ui.numbers.textContent ?? '',
        charts: [{ kind: 'distribution', version: 1, title: 'π_ref, π*', labels: RESPONSES, series: [{ name: 'π_ref', values: last.ref }, { name: 'π*', values: last.star }] }],
      });
    };

    ui.controls.append(
      slider('log₁₀ β', -2, 2, 0.05, s.logBeta, (v) => ((s.logBeta = v), update())),
      ...s.rewards.map((r, i) => slider(t('reward r({0})', RESPONSES[i]), -3, 3, 0.1, r, (v) => ((s.rewards[i] = v), update()))),
      checkbox(t('DPO implicit reward β·log(π*/π_ref)'), s.implicit, (v) => ((s.implicit = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};
