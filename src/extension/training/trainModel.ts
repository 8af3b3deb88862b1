// The training presets ("Loss Lab: Train a Model" and the playground's Training scene): model and data, with
// the user's lossLab.training.* settings and the panel's choices applied on top.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TrainingOverrides } from '../../protocol/panel';
import { DEFAULT_TRAINING, type TrainingConfig } from '../../protocol/training';

interface Choice extends vscode.QuickPickItem {
  config: (extensionUri: vscode.Uri) => Partial<TrainingConfig>;
}

let aliceText: string | undefined;

/** The bundled public-domain text, read once (several presets and every panel's preset list use it). */
function bundledText(extensionUri: vscode.Uri): string {
  return (aliceText ??= readFileSync(vscode.Uri.joinPath(extensionUri, 'media', 'text', 'alice.txt').fsPath, 'utf8'));
}

/** Batches of 16 sequences of 1 to 16 positions: about as many tokens per step as 128 single examples. */
const aliceMlp = (u: vscode.Uri): Partial<TrainingConfig> => ({ model: 'char_mlp', hidden: 128, dataset: { kind: 'text', text: bundledText(u), context: 4, sequenceLength: 16 }, steps: 1500, batchSize: 16, lr: 0.01 });

export const TRAINING_PRESETS: Choice[] = [
  { label: vscode.l10n.t('MLP on two moons'), description: '2 → 32 (tanh) → 2', config: () => ({ model: 'mlp', dataset: { kind: 'toy2d', shape: 'moons', classes: 2, samples: 1000 } }) },
  { label: vscode.l10n.t('Softmax regression on blobs'), description: '2 → 4', config: () => ({ model: 'softmax_regression', dataset: { kind: 'toy2d', shape: 'blobs', classes: 4, samples: 1000 }, lr: 0.1 }) },
  { label: vscode.l10n.t('MLP on a 3-arm spiral'), description: '2 → 64 (tanh) → 3', config: () => ({ model: 'mlp', hidden: 64, dataset: { kind: 'toy2d', shape: 'spiral', classes: 3, samples: 1500 }, steps: 1500, lr: 0.02 }) },
  { label: vscode.l10n.t('Character MLP on Alice in Wonderland'), description: vscode.l10n.t('context 4, embedding 16, hidden 128'), config: (u) => ({ ...aliceMlp(u), reduction: 'token' }) },
  { label: vscode.l10n.t('Character bigram on Alice in Wonderland'), config: (u) => ({ model: 'char_bigram', dataset: { kind: 'text', text: bundledText(u), context: 1 }, steps: 800, batchSize: 16, lr: 0.1 }) },
  { label: vscode.l10n.t("Character MLP on the active editor's text"), config: () => ({ model: 'char_mlp', hidden: 128, dataset: { kind: 'text', text: vscode.window.activeTextEditor?.document.getText() ?? '', context: 4 }, steps: 1500, batchSize: 16, lr: 0.01 }) },
  { label: vscode.l10n.t('Character MLP on Alice in Wonderland, loss per sequence'), description: vscode.l10n.t("the mean of each sequence's mean token loss: short sequences weigh as much as long ones"), config: (u) => ({ ...aliceMlp(u), reduction: 'sequence' }) },
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

/** The configuration of preset `index`, with the user's settings and then the panel's overrides applied. */
export function trainingConfig(extensionUri: vscode.Uri, index: number, overrides: TrainingOverrides): TrainingConfig {
  return { ...DEFAULT_TRAINING, ...TRAINING_PRESETS[index].config(extensionUri), ...settings(), ...overrides };
}

/** Asks for a preset; undefined when the user dismisses the list. */
export async function pickPreset(): Promise<number | undefined> {
  const choice = await vscode.window.showQuickPick(TRAINING_PRESETS, { title: vscode.l10n.t('Train a model on ONNX Runtime'), placeHolder: vscode.l10n.t('Model and data') });
  return choice ? TRAINING_PRESETS.indexOf(choice) : undefined;
}

/** Characters of a text dataset a notebook cell carries. */
const NOTEBOOK_TEXT = 20_000;

/** `config` for a notebook's train(): a text dataset cut to its first NOTEBOOK_TEXT characters. */
export function notebookConfig(config: TrainingConfig): Partial<TrainingConfig> {
  const d = config.dataset;
  return d.kind === 'text' && d.text.length > NOTEBOOK_TEXT ? { ...config, dataset: { ...d, text: d.text.slice(0, NOTEBOOK_TEXT) } } : config;
}
