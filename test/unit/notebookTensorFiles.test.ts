// torch.load(path) and safetensors.load_file(path) in notebook cells, through the real kernel (dist/kernel-worker.js):
// files written by torch.save and in the safetensors layout (test/fixtures/tensorfiles, scripts/fixtures/tensorfiles.py)
// become tensors of the notebook library, paths start at the notebook's folder, the loss computed from them
// matches PyTorch's float64 value, and a bad file fails its cell with a message naming the file and the entry.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { KernelClient } from '../../src/kernel/client';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/tensorfiles');
const EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, { loss_token_mean: number }>;

type Result = { outputs: { items: { mime: string; data: unknown }[] }[]; ok: boolean };
const stdout = (r: Result) => r.outputs.flatMap((o) => o.items).filter((i) => i.mime.endsWith('stdout')).map((i) => i.data).join('');
const error = (r: Result) => r.outputs.flatMap((o) => o.items).find((i) => i.mime.endsWith('error'))?.data as { name: string; message: string } | undefined;

describe('notebook: torch.load and safetensors.load_file', () => {
  // The notebook lives in the fixtures folder: its cells name files relative to it, not to the current directory.
  const kernel = new KernelClient(path.join(ROOT, 'dist/kernel-worker.js'), FIXTURES);
  after(() => kernel.dispose());
  const run = (code: string, name = 'cell 1') => kernel.run(code, 'javascript', name) as Promise<Result>;

  it('torch.load gives a dict of tensors; their cross-entropy matches PyTorch (float64)', async () => {
    const r = await run("const batch = torch.load('batch.pt');\nconst V = batch.logits.shape[2];\nconst loss = F.cross_entropy(batch.logits.reshape(-1, V), batch.labels.reshape(-1));\nconsole.log(JSON.stringify([Object.keys(batch), batch.logits.shape, batch.logits.dtype, batch.labels.dtype, batch.labels.tolist()[0][0], loss.item()]))");
    assert.equal(r.ok, true, JSON.stringify(r.outputs));
    const [keys, shape, dtype, labelsDtype, first, loss] = JSON.parse(stdout(r));
    assert.deepEqual(keys, ['logits', 'labels', 'attention_mask']);
    assert.deepEqual(shape, [3, 6, 11]);
    assert.equal(dtype, 'float32');
    assert.equal(labelsDtype, 'int64');
    assert.equal(first, -100);
    assert.ok(Math.abs(loss - EXPECTED.float32.loss_token_mean) <= 2e-6 * EXPECTED.float32.loss_token_mean, `${loss} vs ${EXPECTED.float32.loss_token_mean}`);
  });

  it('keeps torch.save structure: nested dicts, tuples, parameters, plain values and a bare tensor', async () => {
    const r = await run("const n = torch.load('nested.pt');\nconst bare = torch.load('bare.pt');\nconsole.log(JSON.stringify([Object.keys(n), n.outputs.logits.shape, Array.isArray(n.pair), n.pair[1].shape, n.step, n.note, bare.shape, bare.eq(n.outputs.logits.at('1')).all().item()]))");
    assert.equal(r.ok, true, JSON.stringify(r.outputs));
    assert.match(stdout(r), /\["outputs","pair","step","note"\],\[3,6,11\],true,\[11\],12,"x",\[6,11\],true\]/);
  });

  it('safetensors.load_file gives { name: tensor }; bfloat16 is widened to float32 as the torch.save copy', async () => {
    const r = await run("const s = safetensors.load_file('batch.safetensors');\nconst b16 = safetensors.load_file('batch_bf16.safetensors').logits;\nconst loss = F.cross_entropy(s.logits.reshape(-1, 11), s.labels.reshape(-1));\nconsole.log(JSON.stringify([Object.keys(s), b16.dtype, b16.eq(torch.load('batch_bf16.pt').logits).all().item(), loss.item()]))");
    assert.equal(r.ok, true, JSON.stringify(r.outputs));
    const m = /\[\["logits","labels","attention_mask"\],"float32",true,([-\d.e]+)\]/.exec(stdout(r));
    assert.ok(m, stdout(r));
    assert.ok(Math.abs(Number(m[1]) - EXPECTED.float32.loss_token_mean) <= 2e-6 * EXPECTED.float32.loss_token_mean, m[1]);
  });

  it('a bad file fails its cell with the file and the entry named, and the kernel keeps its variables', async () => {
    await run('const kept = 41;');
    const evil = await run("torch.load('evil.pt')", 'cell 2');
    assert.equal(evil.ok, false);
    assert.match(error(evil)!.message, /^evil\.pt: 'evil\/data\.pkl': refused global '(posix|os)\.system'/);
    assert.doesNotMatch(error(evil)!.message, /synckit|worker|\n\s+at /);
    const missing = await run("torch.load('nowhere/batch.pt')", 'cell 3');
    assert.equal(error(missing)!.message, `torch.load(): no such file: 'nowhere/batch.pt' (relative to ${FIXTURES})`);
    const wrong = await run("safetensors.load_file('batch.pt')", 'cell 4');
    assert.match(error(wrong)!.message, /^batch\.pt: safetensors\.load_file reads \.safetensors files; for '\.pt' use torch\.load/);
    const other = await run("torch.load('batch.safetensors')", 'cell 5');
    assert.match(error(other)!.message, /^batch\.safetensors: is a safetensors file: load it with safetensors\.load_file\(path\)/);
    const notPath = await run('torch.load(42)', 'cell 6');
    assert.match(error(notPath)!.message, /torch\.load\(\): expected a file path \(a string\), got number/);
    const after = await run('kept + 1', 'cell 7');
    assert.equal(stdout(after).trim(), '42');
  });
});
