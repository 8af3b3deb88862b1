// The Loss Inspector inside a real VS Code: a .safetensors written here with our own writer opens in the
// custom editor, whose view shows the totals (checked against float64 log-softmax computed here) and the token
// strip; .pt keeps VS Code's own editor unless chosen; a file without logits lists its tensors and says what
// is missing; a hidden view keeps its state.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { encodeSafetensors } from '../../src/tensorfile/safetensors';

interface Rendered {
  totals: Record<string, string>;
  stripTokens: number;
  reliabilityBins: number;
  warnings: string[];
  error?: string;
  tensorRows: number;
  draws: number;
}

const B = 3, T = 9, V = 13;

/** A fixed pseudo-random batch: logits [B, T, V], labels with −100 on padding (sequence 1 is shorter). */
function batch() {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const logits = Float32Array.from({ length: B * T * V }, () => (random() - 0.5) * 6);
  const labels = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(Math.floor(random() * V)));
  for (let t = 5; t < T; t++) labels[1 * T + t] = -100n;
  labels[0] = -100n;
  return { logits, labels };
}

/** float64 cross-entropy of the counted tokens, from the float32 logits as stored. */
function reference(logits: Float32Array, labels: BigInt64Array) {
  let total = 0, tokens = 0;
  for (let i = 0; i < B * T; i++) {
    if (labels[i] === -100n) continue;
    const row = Array.from(logits.subarray(i * V, (i + 1) * V), Number);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    total += lse - row[Number(labels[i])];
    tokens++;
  }
  return { tokens, mean: total / tokens };
}

async function renderedOf(file: string, atLeast = 1): Promise<Rendered> {
  const uri = vscode.Uri.file(file);
  for (let i = 0; i < 600; i++) {
    const r = await vscode.commands.executeCommand<Rendered | undefined>('lossLab.inspectorRendered', uri);
    if (r && r.draws >= atLeast) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Loss Inspector drew nothing for ${path.basename(file)} within 60 s`);
}

function activeTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.activeTabGroup.activeTab;
}

describe('Loss Inspector', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-inspector-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens a .safetensors as its default editor and shows the totals and the token strip', async () => {
    const { logits, labels } = batch();
    const file = path.join(dir, 'batch.safetensors');
    writeFileSync(file, Buffer.concat(encodeSafetensors({ logits: { dtype: 'float32', shape: [B, T, V], data: logits }, labels: { dtype: 'int64', shape: [B, T], data: labels } })));
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    const tab = activeTab();
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'lossLab.inspector', `active tab: ${tab?.label}`);
    const r = await renderedOf(file);
    const ref = reference(logits, labels);
    assert.equal(r.error, undefined);
    assert.equal(r.totals['tokens counted'], `${ref.tokens} of ${B * T}`);
    assert.ok(Math.abs(Number(r.totals['loss, token mean']) - ref.mean) <= 5e-5, `shown ${r.totals['loss, token mean']}, float64 ${ref.mean}`);
    assert.ok(Math.abs(Number(r.totals['perplexity']) - Math.exp(ref.mean)) <= 5e-4 * Math.exp(ref.mean), `perplexity ${r.totals['perplexity']}`);
    assert.equal(r.stripTokens, ref.tokens, 'one coloured token per counted position');
    assert.equal(r.reliabilityBins, 15);
    assert.equal(r.tensorRows, 2);
  });

  it('keeps its view when hidden behind another editor (no re-run, no reload)', async () => {
    const file = path.join(dir, 'batch.safetensors');
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    const before = await renderedOf(file);
    const other = await vscode.workspace.openTextDocument({ content: 'another editor' });
    await vscode.window.showTextDocument(other, { preview: false });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await renderedOf(file);
    assert.equal(after.draws, before.draws, 'a reloaded view would draw again');
    assert.deepEqual(after.totals, before.totals);
  });

  it('a file without logits lists its tensors and says what is missing', async () => {
    const file = path.join(dir, 'weights.safetensors');
    writeFileSync(file, Buffer.concat(encodeSafetensors({ 'embed.weight': { dtype: 'float32', shape: [4], data: new Float32Array(4) }, 'step': { dtype: 'int64', shape: [1], data: new BigInt64Array(1) } })));
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    const r = await renderedOf(file);
    assert.equal(r.tensorRows, 2);
    assert.match(r.error ?? '', /weights\.safetensors: no logits: no floating-point tensor of shape \[B, T, V\] or \[N, V\] among embed\.weight float32\[4\], step int64\[1\]/);
  });

  it('.pt files open in the Loss Inspector only when chosen (they are often checkpoints; .pth also names Python path files)', async () => {
    const text = path.join(dir, 'site.pth');
    writeFileSync(text, 'import sys\n');
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(text));
    assert.ok(activeTab()?.input instanceof vscode.TabInputText, `a .pth opens as text, got ${activeTab()?.label}`);
    await vscode.commands.executeCommand('lossLab.openInInspector', vscode.Uri.file(text));
    const tab = activeTab();
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'lossLab.inspector.torch', `active tab: ${tab?.label}`);
    const r = await renderedOf(text);
    assert.match(r.error ?? '', /site\.pth: .*zip/, r.error);
  });
});
