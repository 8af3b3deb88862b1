// The Loss Inspector's statistics against float64 PyTorch references (test/fixtures/tensorfiles/expected.json,
// written by scripts/fixtures/tensorfiles.py), its checks, a file larger than one block, and `losslab inspect`.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectTensors } from '../../src/inspect/inspect';
import { defaultSettings, missingRoles } from '../../src/inspect/roles';
import { inspectFigures } from '../../src/charts/inspectFigures';
import { LIGHT_THEME } from '../../src/charts/theme';
import { loadTokenizer } from '../../src/inspect/tokenizer';
import type { InspectReport, InspectSettings } from '../../src/protocol/inspect';
import { openTensorFile } from '../../src/tensorfile/open';
import { encodeSafetensors } from '../../src/tensorfile/safetensors';
import { byteLength } from '../../src/tensorfile/tensorFile';

const FIXTURES = path.resolve(__dirname, '../fixtures/tensorfiles');
const CLI = path.resolve(__dirname, '../../dist/cli.js');

interface Reference {
  tokens: number;
  loss_token_mean: number;
  loss_sequence_mean: number;
  perplexity: number;
  top1: number;
  top5: number;
  ece: number;
  by_position: (number | null)[];
  by_sequence: (number | null)[];
  loss: number[];
  p: number[];
  rank: number[];
  entropy: number[];
  top5_ids: number[][];
  counted: boolean[];
}
const EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Reference>;

async function inspect(file: string, settings: Partial<InspectSettings> = {}, roles: Partial<InspectSettings['roles']> = {}): Promise<InspectReport> {
  const f = await openTensorFile(file);
  try {
    const guessed = defaultSettings(f.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, bytes: byteLength(e) })))!;
    return await inspectTensors(f, { ...guessed, ...settings, roles: { ...guessed.roles, ...roles } }, { strip: true });
  } finally {
    f.close();
  }
}

function close(actual: number | null, expected: number | null, what: string, tol = 2e-5): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function matches(r: InspectReport, ref: Reference): void {
  assert.equal(r.tokens, ref.tokens);
  for (const k of ['loss_token_mean', 'loss_sequence_mean', 'perplexity', 'top1', 'top5', 'ece'] as const) close(r[k], ref[k], k);
  assert.equal(r.by_position.length, ref.by_position.length);
  ref.by_position.forEach((v, t) => close(r.by_position[t], v, `by_position[${t}]`));
  ref.by_sequence.forEach((v, b) => close(r.by_sequence[b], v, `by_sequence[${b}]`));
  const T = r.shape.positions;
  const strip = r.strip!;
  ref.counted.forEach((counted, i) => {
    const j = Math.floor(i / T) * T + (i % T);
    if (!counted) return assert.ok(Number.isNaN(strip.loss[j]), `position ${i} is not counted`);
    close(strip.loss[j], ref.loss[i], `loss[${i}]`);
    close(strip.p[j], ref.p[i], `p[${i}]`);
    assert.equal(strip.rank[j], ref.rank[i], `rank[${i}]`);
    assert.deepEqual(strip.top5[j], ref.top5_ids[i], `top5[${i}]`);
  });
  const worst = [...ref.counted.keys()].filter((i) => ref.counted[i]).sort((a, b) => ref.loss[b] - ref.loss[a]);
  assert.deepEqual(r.worst.map((w) => w.sequence * T + w.position), worst.slice(0, r.worst.length));
  r.worst.forEach((w) => close(w.entropy, ref.entropy[w.sequence * T + w.position], 'entropy'));
  assert.equal(r.reliability.length, 15);
  assert.equal(r.reliability.reduce((n, b) => n + b.count, 0), ref.tokens);
  assert.equal(r.histogram.counts.reduce((n, c) => n + c, 0), ref.tokens);
}

describe('Loss Inspector statistics', () => {
  it('match float64 PyTorch for torch.save, safetensors and npz files (float32 logits)', async () => {
    for (const file of ['batch.pt', 'batch.safetensors']) matches(await inspect(path.join(FIXTURES, file)), EXPECTED.float32);
    matches(await inspect(path.join(FIXTURES, 'batch.npz')), EXPECTED.float32);
  });

  it('match for bfloat16 and float16 logits (widened) and for labels shifted by one', async () => {
    matches(await inspect(path.join(FIXTURES, 'batch_bf16.pt')), EXPECTED.bfloat16);
    matches(await inspect(path.join(FIXTURES, 'batch_f16.pt')), EXPECTED.float16);
    const shifted = await inspect(path.join(FIXTURES, 'batch.pt'), { shift: true }, { mask: undefined });
    assert.equal(shifted.shape.positions, 5);
    matches(shifted, EXPECTED.shifted);
  });

  it('guesses roles from names and shapes', async () => {
    const f16 = await inspect(path.join(FIXTURES, 'batch_f16.safetensors'));
    assert.deepEqual([f16.settings.roles.logits, f16.settings.roles.labels, f16.settings.shift], ['lm_logits', 'input_ids', true]);
    const npz = await inspect(path.join(FIXTURES, 'batch_compressed.npz'));
    assert.deepEqual([npz.settings.roles.labels, npz.settings.roles.mask, npz.settings.shift], ['labels', 'loss_mask', false]);
  });

  describe('checks', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-checks-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const [B, T, V] = [2, 4, 5];
    const base = Float32Array.from({ length: B * T * V }, (_, i) => Math.sin(i * 1.7) * 3);
    const file = (name: string, logits: Float32Array, labels: number[], extra: Record<string, number[]> = {}) => {
      const out = path.join(dir, name);
      const tensors: Parameters<typeof encodeSafetensors>[0] = {
        logits: { dtype: 'float32', shape: [B, T, V], data: logits },
        labels: { dtype: 'int64', shape: [B, T], data: BigInt64Array.from(labels.map(BigInt)) },
      };
      for (const [k, v] of Object.entries(extra)) tensors[k] = { dtype: 'int64', shape: [B, T], data: BigInt64Array.from(v.map(BigInt)) };
      writeFileSync(out, Buffer.concat(encodeSafetensors(tensors)));
      return out;
    };
    const codes = (r: InspectReport) => r.warnings.map((w) => w.code);
    const softmaxRows = (x: Float32Array, log: boolean) =>
      Float32Array.from(x, (v, i) => {
        const row = Array.from(x.subarray(i - (i % V), i - (i % V) + V));
        const lse = Math.log(row.reduce((s, u) => s + Math.exp(u), 0));
        return log ? v - lse : Math.exp(v - lse);
      });
    const labels = [1, 2, 3, 4, 0, 1, 2, 3];

    it('a clean batch has no warning', async () => {
      assert.deepEqual(codes(await inspect(file('clean.safetensors', base, labels))), []);
    });
    it('logits that are probabilities or log-probabilities', async () => {
      const p = await inspect(file('p.safetensors', softmaxRows(base, false), labels));
      assert.deepEqual(codes(p), ['probabilities']);
      assert.match(p.warnings[0].message, /'logits' lies in \[0, 1\] and sums to 1/);
      assert.equal(p.warnings[0].scene, 'softmax-ce');
      assert.deepEqual(codes(await inspect(file('lp.safetensors', softmaxRows(base, true), labels))), ['log-probabilities']);
    });
    it('labels equal to the unshifted input ids', async () => {
      const r = await inspect(file('ids.safetensors', base, labels, { input_ids: labels }), { shift: false });
      assert.equal(r.settings.roles.inputIds, 'input_ids');
      assert.deepEqual(codes(r), ['unshifted-labels']);
      assert.match(r.warnings[0].message, /equals 'input_ids' at all 8 counted positions/);
    });
    it('pad tokens counted, labels out of range, NaN logits, an all-masked sequence', async () => {
      const pad = await inspect(file('pad.safetensors', base, [1, 2, 0, 0, 3, 0, 0, 0]), { padId: 0 });
      assert.deepEqual(codes(pad), ['pad-counted']);
      assert.match(pad.warnings[0].message, /5 tokens with the pad id 0 are counted/);
      const range = await inspect(file('range.safetensors', base, [1, 7, 3, -1, 0, 1, 2, 3]));
      assert.deepEqual(codes(range), ['labels-out-of-range']);
      assert.match(range.warnings[0].message, /2 labels are outside \[0, 5\).*e\.g\. 7 at sequence 0, position 1/);
      assert.equal(range.tokens, 6);
      const nan = Float32Array.from(base);
      nan[6 * V + 2] = NaN;
      const r = await inspect(file('nan.safetensors', nan, labels));
      assert.deepEqual(codes(r), ['non-finite']);
      assert.match(r.warnings[0].message, /1 counted tokens have a NaN or infinite loss .*first at sequence 1, position 2/);
      assert.ok(Number.isFinite(r.loss_token_mean));
      const masked = await inspect(file('masked.safetensors', base, [1, 2, 3, 4, -100, -100, -100, -100]));
      assert.deepEqual(codes(masked), ['all-masked-sequence']);
      assert.deepEqual(masked.by_sequence.map((v) => v === null), [false, true]);
    });
  });

  it('streams a file of several blocks ([4, 512, 4096] float32, 32 MB) and matches float64 token by token', async () => {
    const [B, T, V] = [4, 512, 4096];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-large-'));
    try {
      const x = new Float32Array(B * T * V);
      let s = 12345;
      for (let i = 0; i < x.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        x[i] = (s / 2 ** 32) * 8 - 4;
      }
      const y = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(i % 97 === 0 ? -100 : (i * 31) % V));
      const file = path.join(dir, 'large.safetensors');
      writeFileSync(file, Buffer.concat(encodeSafetensors({ logits: { dtype: 'float32', shape: [B, T, V], data: x }, labels: { dtype: 'int64', shape: [B, T], data: y } })));
      const r = await inspect(file);
      let total = 0, n = 0;
      for (let i = 0; i < B * T; i++) {
        if (y[i] < 0n) continue;
        const row = x.subarray(i * V, (i + 1) * V);
        let m = -Infinity;
        for (const v of row) m = Math.max(m, v);
        let z = 0;
        for (const v of row) z += Math.exp(v - m);
        const loss = Math.log(z) + m - row[Number(y[i])];
        total += loss;
        n++;
        if (i % 101 === 0) close(r.strip!.loss[i], loss, `loss[${i}]`);
      }
      assert.equal(r.tokens, n);
      close(r.loss_token_mean, total / n, 'loss_token_mean', 1e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('entropy of rows with −inf logits (masked classes) leaves those classes out, as Categorical.entropy does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-masked-'));
    try {
      const V = 5;
      const x = Float32Array.from([1, -Infinity, 0.5, -Infinity, 2, 0.25, 0.5, -1, 3, -Infinity]);
      const y = BigInt64Array.from([4n, 3n]);
      const file = path.join(dir, 'masked.safetensors');
      writeFileSync(file, Buffer.concat(encodeSafetensors({ logits: { dtype: 'float32', shape: [2, V], data: x }, labels: { dtype: 'int64', shape: [2], data: y } })));
      const r = await inspect(file);
      for (const w of r.worst) {
        const row = Array.from(x.subarray(w.position * V, (w.position + 1) * V)).filter((v) => v !== -Infinity);
        const z = row.reduce((a, v) => a + Math.exp(v), 0);
        const entropy = -row.reduce((a, v) => a + (Math.exp(v) / z) * (v - Math.log(z)), 0);
        close(w.entropy, entropy, `entropy of row ${w.position}`);
        close(w.loss, Math.log(z) - x[w.position * V + Number(y[w.position])], `loss of row ${w.position}`);
      }
      assert.equal(r.worst.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes ids with a tokenizer.json: byte-level BPE and metaspace', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-tok-'));
    try {
      const bpe = path.join(dir, 'bpe.json');
      writeFileSync(bpe, JSON.stringify({ model: { type: 'BPE', vocab: { 'Ġhello': 0, 'Ċ': 1, 'Ã©': 2, 'Ã': 3 } }, added_tokens: [{ id: 4, content: '<|endoftext|>' }], decoder: { type: 'ByteLevel' } }));
      const t = loadTokenizer(bpe);
      assert.deepEqual([0, 1, 2, 3, 4, 9].map((id) => t.token(id)), [' hello', '\n', 'é', '\\xc3', '<|endoftext|>', '<9>']);
      const sp = path.join(dir, 'sp.json');
      writeFileSync(sp, JSON.stringify({ model: { type: 'Unigram', vocab: [['▁the', -1], ['<0x0A>', 0], ['cat', -2]] }, decoder: { type: 'Sequence', decoders: [{ type: 'Replace' }, { type: 'ByteFallback' }] } }));
      const m = loadTokenizer(sp);
      assert.deepEqual([0, 1, 2].map((id) => m.token(id)), [' the', '\n', 'cat']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`losslab inspect --format json` prints the documented fields; a bad file is one clear line', () => {
    const out = JSON.parse(execFileSync('node', [CLI, 'inspect', path.join(FIXTURES, 'batch.pt'), '--format', 'json', '--worst', '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    for (const k of ['tokens', 'loss_token_mean', 'loss_sequence_mean', 'perplexity', 'top1', 'top5', 'ece', 'by_position', 'by_sequence', 'worst', 'warnings', 'peak_rss_bytes']) assert.ok(k in out, k);
    close(out.loss_token_mean, EXPECTED.float32.loss_token_mean, 'loss_token_mean');
    assert.equal(out.worst.length, 3);
    assert.deepEqual(Object.keys(out.worst[0]).slice(0, 4), ['sequence', 'position', 'target', 'loss']);
    assert.throws(
      () => execFileSync('node', [CLI, 'inspect', path.join(FIXTURES, 'evil.pt')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      (e: { status: number; stderr: string }) => e.status === 1 && /^losslab: evil\.pt: 'evil\/data\.pkl': refused global '(posix|os)\.system'/.test(e.stderr) && !/\n\s+at /.test(e.stderr),
    );
  });

  it('`losslab inspect` reports its own peak RSS, not the one of the process that started it', () => {
    // On Linux getrusage's maxRSS of a child starts from its parent's RSS at the fork: started by a 1 GB
    // process, the report said 1 GB.
    const ballast = Buffer.alloc(1 << 30, 1);
    const run = () => JSON.parse(execFileSync('node', [CLI, 'inspect', path.join(FIXTURES, 'batch.pt'), '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { peak_rss_bytes: number };
    const peak = run().peak_rss_bytes;
    assert.ok(process.memoryUsage.rss() > 2 ** 30 && ballast[0] === 1, 'the parent holds its gigabyte');
    assert.ok(peak > 20 * 2 ** 20 && peak < 512 * 2 ** 20, `peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`);
  });

  it('charts: the reliability diagram has a bar per bin (15) at the bin centres with the accuracy, and the diagonal', async () => {
    const r = await inspect(path.join(FIXTURES, 'batch.safetensors'));
    const [reliability, byPosition, histogram] = inspectFigures(r, LIGHT_THEME);
    const bars = reliability.data[0] as { x: number[]; y: number[]; customdata: number[][] };
    assert.equal(bars.x.length, 15);
    bars.x.forEach((x, m) => close(x, (m + 0.5) / 15, `bin ${m} centre`, 1e-12));
    assert.deepEqual(bars.y, r.reliability.map((b) => b.accuracy ?? 0));
    assert.deepEqual(bars.customdata.map((c) => c[2]), r.reliability.map((b) => b.count));
    assert.deepEqual((reliability.data[1] as { y: number[] }).y, [0, 1]);
    assert.deepEqual((byPosition.data[0] as { y: unknown[] }).y, r.by_position);
    assert.equal((histogram.data[0] as { y: number[] }).y.reduce((a, c) => a + c, 0), r.tokens);
  });

  it('says what a file without logits or labels lacks, naming its tensors', () => {
    assert.equal(missingRoles([]), 'the file holds no tensor');
    assert.equal(missingRoles([{ name: 'step', dtype: 'int64', shape: [1], bytes: 8 }]), 'no logits: no floating-point tensor of shape [B, T, V] or [N, V] among step int64[1]');
    assert.equal(
      missingRoles([{ name: 'lm_logits', dtype: 'float16', shape: [2, 5, 9], bytes: 180 }, { name: 'labels', dtype: 'int64', shape: [2, 6], bytes: 96 }]),
      "no labels: no integer tensor of shape [2, 5] to score 'lm_logits' float16[2, 5, 9] against, among lm_logits float16[2, 5, 9], labels int64[2, 6]",
    );
    assert.equal(missingRoles([{ name: 'logits', dtype: 'float32', shape: [4, 3], bytes: 48 }, { name: 'y', dtype: 'int64', shape: [4], bytes: 32 }]), '');
  });

  it('`losslab inspect --format html` is one page with plotly inlined and the three charts, no network', () => {
    const html = execFileSync('node', [CLI, 'inspect', path.join(FIXTURES, 'batch.safetensors'), '--format', 'html'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.ok(html.length > 1_000_000, 'plotly inlined');
    assert.ok(!/<script[^>]+src=|<link[^>]+href="http/i.test(html), 'nothing fetched');
    for (const f of ['reliability', 'by-position', 'histogram']) assert.ok(html.includes(`data-figure="${f}"`), f);
    assert.match(html, /"metric":"reliability"/);
    assert.match(html, /class="tok h\d" title="position \d+: \d+ \(id \d+\)\nloss/);
  });
});
