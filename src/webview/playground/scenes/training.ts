// Scene 7 — training: a preset model and data trained on the engine (in the host's worker), with the choices
// the reference texts discuss (optimizer, learning rate and warmup, batch size, accumulation, token vs sequence
// loss, clipping, label smoothing, focal γ, seed). Curves arrive in batches and are drawn once per frame, with
// the log view's figures: TensorBoard smoothing over the faint raw curve, eval dashed, spike markers.
import { DEFAULT_CURVE_OPTIONS, trainingFigures } from '../../../charts/trainingCurves';
import { appendSeries, emptyRun, seriesFrom, seriesOf, type Run, type Series } from '../../../logs/model';
import type { FromPanel, ToPanel, TrainingOverrides, TrainingPreset } from '../../../protocol/panel';
import type { MetricBatch } from '../../../protocol/training';
import { t } from '../../l10n';
import { button, checkbox, labelled, slider } from '../../ui/components';
import { term, texNumber } from '../formula';
import { chartSlot, layoutScene, themeNow, type Scene, type SceneContext } from '../scene';

type Field = { key: Exclude<keyof TrainingOverrides, 'optimizer' | 'reduction'>; label: string };

interface RunState {
  run: Run;
  steps: number;
  status: string;
}

export function trainingScene(presets: TrainingPreset[], post: (m: FromPanel) => void, openInNotebook: SceneContext['openInNotebook']): Scene {
  const runs = new Map<string, RunState>();
  let notice = ''; // a run that could not start
  let redraw: () => void = () => undefined;
  return {
    id: 'training',
    title: 'Training',
    receive(m: ToPanel) {
      if (m.type === 'trainingMetrics') {
        const state = runs.get(m.run) ?? { run: emptyRun(m.run, 'jsonl'), steps: m.steps, status: '' };
        for (const [name, column] of Object.entries(m.batch.metrics)) appendSeries(seriesOf(state.run, name), asSeries(column));
        state.status = `${t('step {0} of {1}', lastStep(m.batch, state), m.steps)}`;
        runs.set(m.run, state);
      } else if (m.type === 'trainingEnd') {
        const state = runs.get(m.run);
        const text = m.reason === 'failed' ? `${t('failed')}: ${m.message ?? ''}` : t('{0} at {1} steps/s', m.reason === 'completed' ? t('completed') : t('stopped'), m.stepsPerSecond.toFixed(0));
        if (state) state.status = text;
        notice = m.run ? '' : text;
      }
      redraw();
    },
    mount(root, ctx) {
      const ui = layoutScene(root, {
        notice: t('Every point of these curves is one optimizer step on ONNX Runtime: warmup, clipping and smoothing change how fast the loss falls, not what it is.'),
        terms: { L: { chart: 'training-loss', traces: [0, 1, 2, 3, 4, 5, 6, 7] } },
      });
      const formula = [String.raw`${term('L', String.raw`L(\theta)`)} = \frac{1}{N}\sum_{t} -\log p_\theta(x_t \mid x_{<t})`, String.raw`g = \nabla_\theta L,\quad g \leftarrow g\cdot\min\!\left(1, \frac{c}{\lVert g\rVert}\right),\quad \theta \leftarrow \theta - \eta_t\,\mathrm{update}(g)`];
      ui.formula.show(formula, []);
      ctx.onThemeChange(() => redraw());
      // A narrower or wider panel wraps the legends into other rows: lay them out again.
      window.addEventListener('resize', () => redraw());
      ui.charts.classList.add('wide');
      let smoothing = DEFAULT_CURVE_OPTIONS.smoothing;
      let logY = false;
      const slots = new Map<string, ReturnType<typeof chartSlot>>();
      const presetSelect = document.createElement('select');
      presetSelect.setAttribute('aria-label', t('Model and data'));
      presets.forEach((p, i) => presetSelect.add(new Option(p.description ? `${p.label} — ${p.description}` : p.label, String(i))));
      const optimizer = select(t('optimizer'), ['adam', 'momentum', 'sgd']);
      const reduction = select(t('loss reduction'), ['token', 'sequence']);
      const fields: Field[] = [
        { key: 'lr', label: t('learning rate') },
        { key: 'steps', label: t('steps') },
        { key: 'batchSize', label: t('batch size') },
        { key: 'gradAccumulation', label: t('gradient accumulation') },
        { key: 'warmupSteps', label: t('warmup steps') },
        { key: 'clipNorm', label: t('clip grad norm (0 = off)') },
        { key: 'labelSmoothing', label: t('label smoothing ε') },
        { key: 'focalGamma', label: t('focal γ') },
        { key: 'seed', label: t('seed') },
      ];
      const inputs = fields.map((f) => {
        const input = document.createElement('input');
        input.type = 'text';
        input.setAttribute('aria-label', f.label);
        return { field: f, input };
      });
      /** Fills every field with the chosen preset's value: what a run uses unless it is edited. */
      const showPreset = () => {
        const config = presets[Number(presetSelect.value)]?.notebook ?? {};
        if (config.optimizer) optimizer.value = config.optimizer;
        if (config.reduction) reduction.value = config.reduction;
        for (const { field, input } of inputs) input.value = config[field.key] === undefined ? '' : String(config[field.key]);
      };
      presetSelect.addEventListener('change', showPreset);
      showPreset();

      const overrides = (): TrainingOverrides => {
        const out: Record<string, unknown> = { optimizer: optimizer.value, reduction: reduction.value };
        for (const { field, input } of inputs) {
          const text = input.value.trim();
          if (!text) continue;
          const v = Number(text);
          if (!Number.isFinite(v)) throw new Error(t('{0}: "{1}" is not a number', field.label, text));
          out[field.key] = v;
        }
        return out as TrainingOverrides;
      };
      const train = () => {
        try {
          notice = '';
          ui.message.textContent = '';
          post({ type: 'train', preset: Number(presetSelect.value), overrides: overrides() });
        } catch (error) {
          ui.message.textContent = error instanceof Error ? error.message : String(error);
        }
      };

      const toNotebook = () => {
        try {
          const preset = presets[Number(presetSelect.value)];
          const config = { ...preset.notebook, ...overrides() };
          const cut = config.dataset?.kind === 'text' && config.dataset.text.length >= 20_000;
          const code = [
            `// ${preset.label}${cut ? ` — ${t('the text cut to its first 20,000 characters')}` : ''}`,
            `const curves = await train(${JSON.stringify(config)});`,
            '({ first: curves.loss.values[0], last: curves.loss.values.at(-1) })',
          ].join('\n');
          const latest = [...runs.values()].at(-1)?.run.scalars.loss;
          openInNotebook(t('Training'), code, {
            scene: 'training',
            numbers: ui.numbers.textContent ?? '',
            charts: latest ? [{ kind: 'curve', version: 1, title: t('loss'), x: Array.from(latest.steps), series: [{ name: 'loss', y: Array.from(latest.values) }] }] : [],
          });
        } catch (error) {
          ui.message.textContent = error instanceof Error ? error.message : String(error);
        }
      };

      let scheduled = false;
      redraw = () => {
        if (scheduled) return;
        scheduled = true;
        requestAnimationFrame(() => {
          scheduled = false;
          ui.message.textContent = notice;
          // Before the first run (or after Clear curves) the chart column is empty: say what will appear there.
          ui.numbers.classList.toggle('empty-state', !runs.size);
          ui.numbers.textContent = runs.size
            ? [...runs.entries()].map(([name, r]) => `${name}\n  ${r.status}${lossLine(r.run)}`).join('\n')
            : t('Press Train: the loss curves of every run are drawn here, one point per optimizer step.');
          const loss = [...runs.values()].at(-1)?.run.scalars.loss?.values.at(-1);
          ui.formula.show(formula, loss === undefined ? [] : [String.raw`L = ${texNumber(loss)},\quad e^{L} = ${texNumber(Math.exp(loss))}`]);
          const shown = [...runs.values()].map((r) => r.run).filter((r) => Object.keys(r.scalars).length);
          // The legends are laid out for the charts' width: known once a chart of the grid exists.
          const width = () => ui.charts.querySelector<HTMLElement>('[data-chart]')?.clientWidth || undefined;
          let figures = trainingFigures(shown, themeNow(), { smoothing, logY, width: width() });
          if (figures.some((f) => !slots.has(f.metric))) {
            for (const f of figures) if (!slots.has(f.metric)) slots.set(f.metric, chartSlot(ui.charts, `training-${f.metric}`));
            figures = trainingFigures(shown, themeNow(), { smoothing, logY, width: width() });
          }
          for (const figure of figures) void slots.get(figure.metric)!(figure.data, figure.layout);
        });
      };
      ui.controls.append(
        labelled(t('model and data'), presetSelect),
        labelled(t('optimizer'), optimizer),
        labelled(t('loss reduction'), reduction),
        ...inputs.map(({ field, input }) => labelled(field.label, input)),
        button(t('Train'), train, 'primary'),
        button(t('Stop'), () => post({ type: 'stopTraining' })),
        button(t('Open in notebook'), toNotebook),
        button(t('Clear curves'), () => {
          post({ type: 'clearTrainingRuns' });
          runs.clear();
          ui.charts.replaceChildren();
          slots.clear();
          redraw();
        }),
        slider(t('smoothing'), 0, 0.99, 0.01, smoothing, (v) => ((smoothing = v), redraw())),
        checkbox(t('log-scale y'), false, (v) => ((logY = v), redraw())),
      );
      redraw();
    },
  };
}

function select(ariaLabel: string, values: string[]): HTMLSelectElement {
  const el = document.createElement('select');
  el.setAttribute('aria-label', ariaLabel);
  for (const v of values) el.add(new Option(v, v));
  return el;
}

const asSeries = (c: { steps: number[]; values: number[] }): Series => seriesFrom(c.steps, c.values);
const lastStep = (batch: MetricBatch, state: RunState) => batch.steps.at(-1) ?? state.run.scalars.loss?.steps.at(-1) ?? 0;

function lossLine(run: Run): string {
  const last = (tag: string) => run.scalars[tag]?.values.at(-1);
  const parts = [['loss', last('loss')], ['eval_loss', last('eval_loss')], ['accuracy', last('accuracy')]].filter(([, v]) => v !== undefined);
  return parts.length ? `\n  ${parts.map(([k, v]) => `${k} ${(v as number).toFixed(4)}`).join('  ')}` : '';
}
