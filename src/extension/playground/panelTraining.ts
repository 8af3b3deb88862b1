// The playground's Training scene, host side: runs a preset on the engine worker (one run at a time), shows
// VS Code progress that can cancel it, forwards metric batches to the panel as they come (the run waits for the
// page to take them, so it never runs ahead of what is shown), and keeps every run so that a panel that was
// hidden or reloaded gets its curves back.
import * as vscode from 'vscode';
import type { EngineClient } from '../../engine/client';
import type { ToPanel, TrainingEndMessage, TrainingOverrides } from '../../protocol/panel';
import type { MetricBatch } from '../../protocol/training';
import { trainingConfig, TRAINING_PRESETS } from '../training/trainModel';

interface RunRecord {
  batch: MetricBatch;
  steps: number;
  end?: TrainingEndMessage;
}

export class PanelTraining {
  private readonly runs = new Map<string, RunRecord>();
  private stopCurrent: (() => void) | undefined;
  /** Batches posted to the page and not yet taken by it: the run's step, and what lets the run go on. */
  private unreceived: { run: string; step: number; release(): void }[] = [];

  /** `post` resolves false when the page will not get the message (hidden, or not loaded yet). */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: () => EngineClient,
    private readonly post: (m: ToPanel) => Promise<boolean>,
  ) {}

  /** Trains preset `preset` with the panel's overrides; resolves when the run ends (however it ends). */
  async start(preset: number, overrides: TrainingOverrides): Promise<TrainingEndMessage> {
    const choice = TRAINING_PRESETS[preset];
    // The panel's overrides were checked with its message (protocol/panelValidation); the preset may come from a command.
    if (!choice) return this.end({ type: 'trainingEnd', run: '', reason: 'failed', message: `no training preset ${preset}`, stepsPerSecond: 0 });
    if (this.stopCurrent) return this.end({ type: 'trainingEnd', run: '', reason: 'failed', message: vscode.l10n.t('A run is still training: stop it first.'), stepsPerSecond: 0 });
    const config = trainingConfig(this.extensionUri, preset, overrides);
    const name = uniqueName(`${choice.label} (${config.optimizer}, lr ${config.lr}, ${config.reduction})`, this.runs);
    const record: RunRecord = { batch: { steps: [], metrics: {} }, steps: config.steps };
    this.runs.set(name, record);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Training {0}', choice.label), cancellable: true }, async (progress, token) => {
      let last = 0;
      const run = this.engine().train(config, (batch) => {
        append(record.batch, batch);
        const step = batch.steps.at(-1) ?? last;
        progress.report({ increment: ((step - last) / config.steps) * 100, message: vscode.l10n.t('step {0} of {1}', step, config.steps) });
        last = step;
        return new Promise<void>((release) => {
          this.unreceived.push({ run: name, step, release });
          void this.post({ type: 'trainingMetrics', run: name, batch, steps: config.steps }).then((delivered) => delivered || this.releaseAll());
        });
      });
      this.stopCurrent = () => run.stop();
      token.onCancellationRequested(() => run.stop());
      try {
        const done = await run.done;
        return this.end({ type: 'trainingEnd', run: name, reason: done.reason, message: done.message, stepsPerSecond: done.stepsPerSecond }, record);
      } catch (error) {
        return this.end({ type: 'trainingEnd', run: name, reason: 'failed', message: error instanceof Error ? error.message : String(error), stepsPerSecond: 0 }, record);
      } finally {
        this.stopCurrent = undefined;
      }
    });
  }

  stop(): void {
    this.stopCurrent?.();
  }

  /** The page has taken run `run`'s metrics up to step `step`. */
  received(run: string, step: number): void {
    const taken = this.unreceived.filter((u) => u.run === run && u.step <= step);
    this.unreceived = this.unreceived.filter((u) => !taken.includes(u));
    for (const u of taken) u.release();
  }

  /** Lets the run go on without the page: it was hidden or closed, or its curves cleared. */
  releaseAll(): void {
    for (const u of this.unreceived.splice(0)) u.release();
  }

  /** "Clear curves": finished runs are forgotten, a running one keeps only the points still to come. */
  clear(): void {
    this.releaseAll();
    for (const [name, r] of this.runs) {
      if (r.end) this.runs.delete(name);
      else r.batch = { steps: [], metrics: {} };
    }
  }

  /** Everything so far, for a page that has just loaded. */
  replay(): void {
    for (const [run, r] of this.runs) {
      void this.post({ type: 'trainingMetrics', run, batch: r.batch, steps: r.steps });
      if (r.end) void this.post(r.end);
    }
  }

  private end(message: TrainingEndMessage, record?: RunRecord): TrainingEndMessage {
    if (record) record.end = message;
    void this.post(message);
    return message;
  }
}

function append(to: MetricBatch, from: MetricBatch): void {
  to.steps.push(...from.steps);
  for (const [name, m] of Object.entries(from.metrics)) {
    const column = (to.metrics[name] ??= { steps: [], values: [] });
    column.steps.push(...m.steps);
    column.values.push(...m.values);
  }
}

function uniqueName(name: string, taken: Map<string, unknown>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name} #${i}`;
  return candidate;
}
