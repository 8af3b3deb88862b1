// "Loss Lab: Train a Model": pick a model and data, train it on the engine worker, and watch its curves
// (loss, perplexity, accuracy, top-5, gradient norm, learning rate, eval) arrive in batches. A progress
// notification shows the step and cancels the run; the extension host never does the math.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { EngineClient } from '../../engine/client';
import type { Series } from '../../logs/model';
import { DEFAULT_TRAINING, type MetricBatch, type TrainingConfig } from '../../protocol/training';
import { CurvePanel } from '../curves/curvePanel';

interface Choice extends vscode.QuickPickItem {
  config: (extensionUri: vscode.Uri) => Partial<TrainingConfig>;
}

function bundledText(extensionUri: vscode.Uri): string {
  return readFileSync(vscode.Uri.joinPath(extensionUri, 'media', 'text', 'alice.txt').fsPath, 'utf8');
}

const CHOICES: Choice[] = [
  { label: vscode.l10n.t('MLP on two moons'), description: '2 → 32 (tanh) → 2', config: () => ({ model: 'mlp', dataset: { kind: 'toy2d', shape: 'moons', classes: 2, samples: 1000 } }) },
  { label: vscode.l10n.t('Softmax regression on blobs'), description: '2 → 4', config: () => ({ model: 'softmax_regression', dataset: { kind: 'toy2d', shape: 'blobs', classes: 4, samples: 1000 }, lr: 0.1 }) },
  { label: vscode.l10n.t('MLP on a 3-arm spiral'), description: '2 → 64 (tanh) → 3', config: () => ({ model: 'mlp', hidden: 64, dataset: { kind: 'toy2d', shape: 'spiral', classes: 3, samples: 1500 }, steps: 1500, lr: 0.02 }) },
  { label: vscode.l10n.t('Character MLP on Alice in Wonderland'), description: vscode.l10n.t('context 4, embedding 16, hidden 128'), config: (u) => ({ model: 'char_mlp', hidden: 128, dataset: { kind: 'text', text: bundledText(u), context: 4 }, steps: 1500, batchSize: 128, lr: 0.01 }) },
  { label: vscode.l10n.t('Character bigram on Alice in Wonderland'), config: (u) => ({ model: 'char_bigram', dataset: { kind: 'text', text: bundledText(u), context: 1 }, steps: 800, batchSize: 128, lr: 0.1 }) },
  { label: vscode.l10n.t("Character MLP on the active editor's text"), config: () => ({ model: 'char_mlp', hidden: 128, dataset: { kind: 'text', text: vscode.window.activeTextEditor?.document.getText() ?? '', context: 4 }, steps: 1500, batchSize: 128, lr: 0.01 }) },
];

/** Settings under lossLab.training.* override the chosen preset. */
function settings(): Partial<TrainingConfig> {
  const c = vscode.workspace.getConfiguration('lossLab.training');
  const out: Partial<TrainingConfig> = {};
  for (const key of ['optimizer', 'lr', 'steps', 'batchSize', 'gradAccumulation', 'clipNorm', 'labelSmoothing', 'focalGamma', 'warmupSteps', 'seed'] as const) {
    const inspected = c.inspect(key);
    const value = inspected?.workspaceValue ?? inspected?.globalValue;
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function toSeries(batch: MetricBatch): Record<string, Series> {
  const out: Record<string, Series> = {};
  for (const [name, m] of Object.entries(batch.metrics)) out[name] = { steps: m.steps, wallTimes: m.steps.map(() => null), values: m.values };
  return out;
}

export async function trainModel(extensionUri: vscode.Uri, engine: EngineClient, preset?: number): Promise<CurvePanel | undefined> {
  const choice = preset !== undefined ? CHOICES[preset] : await vscode.window.showQuickPick(CHOICES, { title: vscode.l10n.t('Train a model on ONNX Runtime'), placeHolder: vscode.l10n.t('Model and data') });
  if (!choice) return undefined;
  const config: TrainingConfig = { ...DEFAULT_TRAINING, ...choice.config(extensionUri), ...settings() };
  const runName = `${choice.label} (${config.optimizer}, lr ${config.lr})`;
  const curves = new CurvePanel(extensionUri, `${vscode.l10n.t('Training')}: ${choice.label}`, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', () => undefined);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Training {0}', choice.label), cancellable: true }, async (progress, token) => {
    let last = 0;
    const run = engine.train(config, (batch) => {
      curves.append(runName, toSeries(batch));
      const step = batch.steps.at(-1) ?? last;
      progress.report({ increment: ((step - last) / config.steps) * 100, message: vscode.l10n.t('step {0} of {1}', step, config.steps) });
      last = step;
    });
    token.onCancellationRequested(() => run.stop());
    curves.panel.onDidDispose(() => run.stop());
    try {
      const done = await run.done;
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Loss Lab: training {0} at {1} steps/s', done.reason, done.stepsPerSecond.toFixed(0)), 10_000);
    } catch (error) {
      curves.showError(error instanceof Error ? error.message : String(error));
    }
  });
  return curves;
}
