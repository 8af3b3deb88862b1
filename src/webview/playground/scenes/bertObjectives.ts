// BERT-family pre-training objectives on one sentence pair: MLM (15%, 80-10-10, whole-word masking) as
// cross_entropy with ignore_index −100, NSP as binary_cross_entropy_with_logits on a [CLS] score, XLNet's
// permutation LM (a factorisation order, who may see whom, the loss over the permuted order) and ELECTRA's
// replaced-token detection (generator MLM + λ·discriminator BCE over every token). All four are computed on
// every change, so the chart of tokens that receive a gradient compares them on the same sample.
import { t } from '../../l10n';
import { button, checkbox, dropdown, slider } from '../../ui/components';
import { f32, i64, type Request } from '../engine';
import { term, texNumber as n } from '../formula';
import { baseLayout, chartSlot, fmt, layoutScene, updater, type Scene } from '../scene';
import { bertNotebookCode, type BertSettings, type Objective } from './bertObjectivesCode';
import { discriminatorLogits, generatorInput, IDS, MASKABLE, mlmLogits, mlmSample, plmLogits, plmSample, plmTargets, sampleReplacements, T, TOKENS, V, VOCAB } from './bertObjectivesModel';

/** The [CLS] scores of the NSP loss curves. */
const SCORES = Array.from({ length: 61 }, (_, i) => -6 + i * 0.2);
const KIND_LABEL = { mask: '[MASK] (80%)', random: 'random token (10%)', keep: 'kept (10%)' } as const;
const positions = [...Array(T).keys()];
/** A list after its label, `perLine` items a line, the later lines indented under the first: the block stays narrow beside its charts. */
const listLines = (label: string, items: (string | number)[], perLine: number, separator = ' ') =>
  Array.from({ length: Math.max(1, Math.ceil(items.length / perLine)) }, (_, r) => `${r ? ' '.repeat(25) : label.padEnd(25)}${items.slice(r * perLine, (r + 1) * perLine).join(separator)}${(r + 1) * perLine < items.length ? separator.trimEnd() : ''}`);

/** Rows of an engine gradient [rows, width] that are not all zero: the tokens the loss sends a gradient to. */
const rowsWithGradient = (grad: number[], width: number) => Array.from({ length: grad.length / width }, (_, r) => grad.slice(r * width, (r + 1) * width).some((g) => g !== 0)).filter(Boolean).length;

export const bertObjectives: Scene = {
  id: 'bert',
  title: 'BERT-family objectives',
  mount(root, ctx) {
    const ui = layoutScene(root, {
      notice: t('MLM learns only from the ~15% of tokens it masks and PLM only from the end of its order; NSP gives one label per pair; ELECTRA’s discriminator gets a gradient from every token, which is why it learns more per sentence.'),
      terms: {
        loss: { chart: 'bert-loss', traces: [0, 1, 2] },
        gen: { chart: 'bert-loss', traces: [0] },
        count: { chart: 'bert-gradients', traces: [0] },
      },
    });
    const s = ctx.restore<BertSettings>('bert', { objective: 'mlm', seed: 1, rate: 0.15, wholeWord: false, isNext: true, clsScore: 1.5, K: 1, lambda: 50 });
    const lossChart = chartSlot(ui.charts, 'bert-loss');
    const visibilityChart = chartSlot(ui.charts, 'bert-visibility');
    const gradientChart = chartSlot(ui.charts, 'bert-gradients');
    const visibilityDiv = ui.charts.querySelector<HTMLElement>('[data-chart="bert-visibility"]')!;
    let last: { counts: number[]; samples: number[] } | undefined;

    const update = updater(ctx, ui.message, s, async (s) => {
      const mlm = mlmSample(s.seed, s.rate, s.wholeWord);
      const plm = plmSample(s.seed, s.K);
      const y = s.isNext ? 1 : 0;
      const genLogits = mlmLogits(generatorInput(mlm.predicted));
      const ce = (logits: number[], target: number[], reduction: string): Request => ({ op: 'cross_entropy', inputs: { input: f32(logits, [target.length, V]), target: i64(target) }, options: { ignore_index: -100, reduction } });
      const bce = (logits: number[], target: number[], options: Request['options'] = {}): Request => ({ op: 'binary_cross_entropy_with_logits', inputs: { input: f32(logits), target: f32(target) }, options });
      const [mlmMean, mlmRows, nsp, nspCurve, plmMean, plmRows, genMean, genRows, genProbs] = await ctx.engine.computeAll([
        ce(mlmLogits(mlm.input), mlm.labels, 'mean'),
        ce(mlmLogits(mlm.input), mlm.labels, 'none'),
        bce([s.clsScore], [y]),
        bce([...SCORES, ...SCORES], [...SCORES.map(() => 1), ...SCORES.map(() => 0)], { reduction: 'none' }),
        ce(plmLogits(plm), plmTargets(plm), 'mean'),
        ce(plmLogits(plm), plmTargets(plm), 'none'),
        ce(genLogits, mlm.labels, 'mean'),
        ce(genLogits, mlm.labels, 'none'),
        { op: 'softmax', inputs: { input: f32(mlm.predicted.flatMap((p) => genLogits.slice(p * V, (p + 1) * V)), [mlm.predicted.length, V]) } },
      ]);
      // ELECTRA: the generator's samples replace the masked tokens; a sample equal to the original is "original".
      const samples = sampleReplacements(s.seed, mlm.predicted, genProbs.output);
      const discInput = IDS.map((id, p) => (mlm.predicted.includes(p) ? samples[mlm.predicted.indexOf(p)] : id));
      const replaced = discInput.map((id, p) => id !== IDS[p]);
      const d = discriminatorLogits(replaced);
      const isReplaced = replaced.map(Number);
      const [disc, discRows, discWeighted] = await ctx.engine.computeAll([bce(d, isReplaced), bce(d, isReplaced, { reduction: 'none' }), bce(d, isReplaced, { weight: f32([s.lambda]) })]);

      const counts = [rowsWithGradient(mlmMean.grad.input, V), rowsWithGradient(nsp.grad.input, 1), rowsWithGradient(plmMean.grad.input, V), rowsWithGradient(disc.grad.input, 1)];
      const genCount = rowsWithGradient(genMean.grad.input, V);
      last = { counts, samples };
      const of = (k: number) => t('{0} of {1}', k, T);
      const kinds = (['mask', 'random', 'keep'] as const).map((k) => mlm.corruption.filter((c) => c === k).length);
      // The two-term objectives: each term is the engine's (λ·L_D through BCE's weight); their sum is the definition.
      const bertTotal = mlmMean.output[0] + nsp.output[0];
      const electraTotal = genMean.output[0] + discWeighted.output[0];
      const corrupted = mlm.predicted.map((p) => `${p}:${VOCAB[mlm.input[p]]}`);
      const lines: Record<Objective, string[]> = {
        mlm: [
          `${t('mask rate')}                ${s.rate.toFixed(2)}${s.wholeWord ? ` (${t('whole-word masking')})` : ''}`,
          ...listLines(t('predicted positions'), mlm.predicted, 8, ', '),
          ...listLines(t('input there'), corrupted, 4),
          `[MASK] / random / kept   ${kinds.join(' / ')}`,
          `L_MLM                    ${fmt(mlmMean.output[0])}`,
        ],
        nsp: [`y (IsNext)               ${y}`, `${t('[CLS] score s')}            ${fmt(s.clsScore)}`, `L_NSP                    ${fmt(nsp.output[0])}`, `L_MLM + L_NSP            ${fmt(bertTotal)}`],
        plm: [
          ...listLines(t('factorisation order z'), plm.order, 11),
          `${t('predicted (last n/K)')}     ${plm.predictedCount} / ${MASKABLE.length}`,
          `L_PLM                    ${fmt(plmMean.output[0])}`,
        ],
        rtd: [
          ...listLines(t('generator samples'), mlm.predicted.map((p, k) => `${p}:${VOCAB[samples[k]]}`), 4),
          `${t('replaced tokens')}          ${isReplaced.reduce((a, b) => a + b, 0)}`,
          `L_G (MLM)                ${fmt(genMean.output[0])}`,
          `L_D (BCE)                ${fmt(disc.output[0])}`,
          `λ                        ${s.lambda}`,
          `λ·L_D                    ${fmt(discWeighted.output[0])}`,
          `L = L_G + λ·L_D          ${fmt(electraTotal)}`,
        ],
      };
      const objectiveIndex = OBJECTIVES.indexOf(s.objective);
      ui.numbers.textContent = [
        `seed                     ${s.seed}`,
        ...lines[s.objective],
        `${t('tokens with a gradient')}   ${of(counts[objectiveIndex])}${s.objective === 'rtd' ? ` (${t('generator')}: ${genCount})` : ''}`,
        `MLM / NSP / PLM / RTD    ${counts.join(' / ')}`,
      ].join('\n');
      const L = term('loss', String.raw`\mathcal{L}`);
      const formulas: Record<Objective, [string[], string[]]> = {
        mlm: [
          [String.raw`${L}_{\text{MLM}} = -\frac{1}{|M|}\sum_{i\in M}\log p_\theta(x_i \mid \hat{x}),\quad \text{target}_i = -100\ \ (i\notin M)`],
          [String.raw`|M| = ${mlm.predicted.length}:\ ${L}_{\text{MLM}} = ${n(mlmMean.output[0])},\quad ${term('count', String.raw`\#\nabla`)} = ${counts[0]}\ \text{of}\ ${T}`],
        ],
        nsp: [
          [String.raw`${L}_{\text{NSP}} = -[\,y\log\sigma(s) + (1-y)\log(1-\sigma(s))\,],\quad \mathcal{L}_{\text{BERT}} = \mathcal{L}_{\text{MLM}} + \mathcal{L}_{\text{NSP}}`],
          [String.raw`s = ${n(s.clsScore, 2)},\ y = ${y}:\ ${L}_{\text{NSP}} = ${n(nsp.output[0])},\quad \mathcal{L}_{\text{BERT}} = ${n(mlmMean.output[0])} + ${n(nsp.output[0])} = ${n(bertTotal)}`],
        ],
        plm: [
          [String.raw`${L}_{\text{PLM}} = -\frac{1}{|P|}\sum_{t\in P}\log p_\theta(x_{z_t} \mid x_{z_{<t}}),\quad P = \text{last } \lceil n/K \rfloor \text{ steps of } z`],
          [String.raw`n = ${MASKABLE.length},\ K = ${s.K},\ |P| = ${plm.predictedCount}:\ ${L}_{\text{PLM}} = ${n(plmMean.output[0])}`],
        ],
        rtd: [
          [String.raw`${L} = ${term('gen', String.raw`\mathcal{L}_{\text{MLM}}(G)`)} + \lambda\,\frac{1}{n}\sum_{t=1}^{n} \mathrm{BCE}(D(\tilde{x})_t,\ [\tilde{x}_t \ne x_t])`],
          [String.raw`${L} = ${n(genMean.output[0])} + ${n(s.lambda, 3)}\times${n(disc.output[0])} = ${n(electraTotal)},\quad ${term('count', String.raw`\#\nabla`)} = ${counts[3]}\ \text{of}\ ${T}`],
        ],
      };
      ui.formula.show(...formulas[s.objective]);

      const theme = ctx.theme();
      const tokenAxis = (labels: string[]) => ({ gridcolor: theme.grid, tickmode: 'array', range: [-0.5, labels.length - 0.5], tickvals: labels.map((_, i) => i), ticktext: labels, tickangle: -60, tickfont: { size: 10 } });
      const barsLayout = (title: string, labels: string[]) => baseLayout(theme, title, { height: 300, margin: { l: 45, r: 10, t: 30, b: 80 }, xaxis: tokenAxis(labels), yaxis: { gridcolor: theme.grid, title: { text: t('loss') } }, barmode: 'overlay', legend: { orientation: 'h', x: 0, y: 1.12 } });
      const kindColor = { mask: theme.palette[0], random: theme.palette[3], keep: theme.palette[2] };
      const figures: Record<Objective, [Record<string, unknown>[], Record<string, unknown>]> = {
        mlm: [
          (['mask', 'random', 'keep'] as const).map((kind) => {
            const at = mlm.predicted.filter((_, k) => mlm.corruption[k] === kind);
            return { type: 'bar', name: t(KIND_LABEL[kind]), x: at, y: at.map((p) => mlmRows.output[p]), marker: { color: kindColor[kind] }, hovertext: at.map((p) => `${TOKENS[p]} → ${VOCAB[mlm.input[p]]}`), hovertemplate: '%{hovertext}: %{y:.4f}<extra></extra>' };
          }),
          barsLayout(t('MLM: cross-entropy at the predicted positions (every other target is −100)'), mlm.input.map((id) => VOCAB[id])),
        ],
        nsp: [
          [
            { type: 'scatter', mode: 'lines', name: 'y = 1 (IsNext)', x: SCORES, y: nspCurve.output.slice(0, SCORES.length), line: { color: theme.palette[0] } },
            { type: 'scatter', mode: 'lines', name: 'y = 0 (NotNext)', x: SCORES, y: nspCurve.output.slice(SCORES.length), line: { color: theme.palette[3] } },
            { type: 'scatter', mode: 'markers', name: 'L_NSP', x: [s.clsScore], y: nsp.output, marker: { color: theme.foreground, size: 10 } },
          ],
          baseLayout(theme, t('NSP: binary cross-entropy of the [CLS] score'), { height: 300, xaxis: { gridcolor: theme.grid, title: { text: t('[CLS] score s') } }, yaxis: { gridcolor: theme.grid, title: { text: t('loss') } }, legend: { orientation: 'h', x: 0, y: 1.12 } }),
        ],
        plm: [
          [{ type: 'bar', name: t('loss at step t of z'), x: plm.order.map((_, k) => k), y: plmRows.output, marker: { color: plm.order.map((_, k) => (k >= plm.order.length - plm.predictedCount ? theme.palette[0] : theme.grid)) }, hovertext: plm.order.map((p, k) => `t = ${k + 1}: ${TOKENS[p]} (${t('position')} ${p})`), hovertemplate: '%{hovertext}: %{y:.4f}<extra></extra>' }],
          barsLayout(t('PLM: cross-entropy along the factorisation order (the first steps are not predicted)'), plm.order.map((p) => TOKENS[p])),
        ],
        rtd: [
          [
            { type: 'bar', name: t('generator cross-entropy'), x: mlm.predicted, y: mlm.predicted.map((p) => genRows.output[p]), marker: { color: theme.palette[0] } },
            ...[true, false].map((r) => {
              const at = positions.filter((p) => replaced[p] === r);
              return { type: 'bar', name: r ? t('discriminator BCE, replaced') : t('discriminator BCE, original'), x: at, y: at.map((p) => discRows.output[p]), marker: { color: r ? theme.palette[3] : theme.palette[7] }, width: 0.5, hovertext: at.map((p) => `${TOKENS[p]} → ${VOCAB[discInput[p]]}`), hovertemplate: '%{hovertext}: %{y:.4f}<extra></extra>' };
            }),
          ],
          barsLayout(t('RTD: the generator at the masked positions, the discriminator at every token'), discInput.map((id) => VOCAB[id])),
        ],
      };
      visibilityDiv.hidden = s.objective !== 'plm';
      const rank = new Map(plm.order.map((p, k) => [p, k]));
      const seen = positions.flatMap((i) => positions.filter((j) => plm.visible[i][j]).map((j) => [i, j]));
      await Promise.all([
        lossChart(...figures[s.objective]),
        gradientChart(
          [{ type: 'bar', name: t('tokens with a gradient'), x: ['MLM', 'NSP', 'PLM', 'RTD'], y: counts, marker: { color: OBJECTIVES.map((o) => (o === s.objective ? theme.palette[0] : theme.palette[7])) }, text: counts.map(String), textposition: 'outside' }],
          baseLayout(theme, t('tokens that receive a gradient (of {0})', T), { height: 300, showlegend: false, yaxis: { gridcolor: theme.grid, range: [0, T + 3] } }),
        ),
        s.objective === 'plm'
          ? visibilityChart(
              [
                { type: 'scatter', mode: 'markers', name: t('may see'), x: seen.map(([, j]) => j), y: seen.map(([i]) => i), marker: { symbol: 'square', size: 9, color: seen.map(([i]) => (rank.has(i) && rank.get(i)! >= plm.order.length - plm.predictedCount ? theme.palette[0] : theme.palette[7])) }, hovertemplate: '%{y} sees %{x}<extra></extra>' },
              ],
              baseLayout(theme, t('who may see whom (row: predicted, column: seen)'), {
                height: 520,
                showlegend: false,
                // Column labels on top, next to the title, and a square plot inside its domain (not a wider range).
                title: { text: t('who may see whom (row: predicted, column: seen)'), font: { size: 12 }, y: 0.99, yanchor: 'top' },
                margin: { l: 80, r: 10, t: 110, b: 10 },
                xaxis: { ...tokenAxis(TOKENS), side: 'top', constrain: 'domain' },
                yaxis: { ...tokenAxis(TOKENS), tickangle: 0, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' },
              }),
            )
          : Promise.resolve(),
      ]);
    });

    const toNotebook = () => {
      if (!last) return;
      ctx.openInNotebook(t('BERT-family objectives'), bertNotebookCode(s, last.samples), {
        scene: 'bert',
        numbers: ui.numbers.textContent ?? '',
        charts: [{ kind: 'distribution', version: 1, title: t('tokens that receive a gradient (of {0})', T), labels: ['MLM', 'NSP', 'PLM', 'RTD'], series: [{ name: t('tokens with a gradient'), values: last.counts }] }],
      });
    };
    ui.controls.append(
      dropdown(t('Objective'), OBJECTIVES.map((o) => ({ value: o, label: OBJECTIVE_LABELS[o] })), s.objective, (v) => ((s.objective = v), update())),
      slider(t('mask rate'), 0.05, 0.5, 0.05, s.rate, (v) => ((s.rate = v), update())),
      checkbox(t('whole-word masking'), s.wholeWord, (v) => ((s.wholeWord = v), update())),
      button(t('Re-sample'), () => ((s.seed += 1), update())),
      dropdown(t('sentence B'), [{ value: 'next', label: t('the next sentence (IsNext)') }, { value: 'random', label: t('a random sentence (NotNext)') }], s.isNext ? 'next' : 'random', (v) => ((s.isNext = v === 'next'), update())),
      slider(t('[CLS] score s'), -6, 6, 0.1, s.clsScore, (v) => ((s.clsScore = v), update())),
      slider(t('PLM: predict the last n/K'), 1, 7, 1, s.K, (v) => ((s.K = v), update())),
      slider('λ', 1, 100, 1, s.lambda, (v) => ((s.lambda = v), update())),
      button(t('Open in notebook'), toNotebook),
    );
    update();
  },
};

const OBJECTIVES: Objective[] = ['mlm', 'nsp', 'plm', 'rtd'];
const OBJECTIVE_LABELS: Record<Objective, string> = { mlm: 'MLM (BERT)', nsp: 'NSP (BERT)', plm: 'PLM (XLNet)', rtd: 'RTD (ELECTRA)' };
