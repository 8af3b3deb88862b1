// The Loss Inspector at LLM size, on files written here by the project's own writer (streamed, deleted after):
// `losslab inspect` of a [4096, 50257] float32 .safetensors against PyTorch computing the same statistics in
// one script, with the inspect process's peak RSS; and a 4.2 GB bfloat16 dump [8, 2048, 128256], larger than
// the memory budget, whose inspection must stay within 1.5 GB of RSS (it is read by row ranges).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSafetensors } from '../tensorfile/safetensors';
import { median, type Report } from './timing';

/** Distinct logits rows; row r of the file is row r mod POOL (61 is prime, so no period of the labels lines up). */
const POOL = 61;

/** `rows` logits rows of width V as raw bytes, one pool of rows per chunk: float32 sin((r·V + c)·0.37)·4, or its top 16 bits (bfloat16). */
function* logitsChunks(rows: number, V: number, dtype: 'float32' | 'bfloat16'): Generator<ArrayBufferView> {
  const pool = new Float32Array(POOL * V);
  for (let i = 0; i < pool.length; i++) pool[i] = Math.sin(i * 0.37) * 4;
  const chunk = dtype === 'float32' ? pool : Uint16Array.from(new Uint32Array(pool.buffer), (bits) => bits >>> 16);
  for (let r = 0; r < rows; r += POOL) {
    const n = Math.min(POOL, rows - r);
    yield chunk.subarray(0, n * V);
  }
}

/** Writes logits (and labels (i·7919) mod V, each one counted) to a .safetensors file. */
function writeBatch(file: string, shape: number[], dtype: 'float32' | 'bfloat16'): void {
  const V = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const labels = BigInt64Array.from({ length: rows }, (_, i) => BigInt((i * 7919) % V));
  writeSafetensors(file, {
    logits: { dtype, shape, chunks: logitsChunks(rows, V, dtype) },
    labels: { dtype: 'int64', shape: shape.slice(0, -1), chunks: [labels] },
  });
}

interface Inspected {
  ms: number;
  rssMb: number;
  tokens: number;
  loss: number;
}

/** `losslab inspect FILE --format json` in its own process: its own time for the statistics (reading included) and its peak RSS. */
function inspectCli(file: string): Inspected {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'cli.js'), 'inspect', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = JSON.parse(out);
  return { ms: r.seconds * 1000, rssMb: r.peak_rss_bytes / 2 ** 20, tokens: r.tokens, loss: r.loss_token_mean };
}

// The same statistics in PyTorch: no `safetensors` package here, so the header is parsed with json and each
// tensor read by numpy at its offset (np.fromfile, a real read like ours) and wrapped by torch.from_numpy.
// Rows are scored in blocks of 4M logits like the Inspector's (whole-tensor ops were not faster, and need
// several [N, V] temporaries). Prints the median ms from the read to the totals, and the token-mean loss.
const TORCH_SCRIPT = `
import json, sys, time
import numpy as np, torch
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[2]))
def inspect(path):
    t0 = time.perf_counter()
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(8), 'little'); header = json.loads(f.read(n))
    def tensor(name, dtype):
        e = header[name]; a, b = e['data_offsets']
        return torch.from_numpy(np.fromfile(path, dtype=dtype, count=(b - a) // np.dtype(dtype).itemsize, offset=8 + n + a)).reshape(e['shape'])
    x = tensor('logits', np.float32); labels = tensor('labels', np.int64)
    V = x.shape[-1]; x = x.reshape(-1, V); y = labels.reshape(-1); N = len(y)
    counted = y != -100
    ys = torch.where(counted, y, torch.zeros_like(y))
    def block(xb, yb):
        loss = F.cross_entropy(xb, yb, reduction='none')
        lse = torch.logsumexp(xb, 1)
        logp = xb - lse[:, None]
        entropy = -(logp.exp() * logp).sum(1)
        rank = (xb > xb.gather(1, yb[:, None])).sum(1)
        top, ids = xb.topk(5, 1)
        return loss, entropy, rank, (top - lse[:, None]).exp(), ids, xb.amin(1), xb.amax(1), xb.sum(1), lse
    R = max(1, (1 << 22) // V)
    parts = [block(x[s:s + R], ys[s:s + R]) for s in range(0, N, R)]
    loss, entropy, rank, topP, ids, rmin, rmax, rsum, lse = [torch.cat(p) for p in zip(*parts)]
    p = (-loss).exp()
    l = loss[counted].double()
    mean = l.mean().item()
    top1, top5 = (rank[counted] < 1).double().mean().item(), (rank[counted] < 5).double().mean().item()
    conf = topP[:, 0][counted].double(); correct = (ids[:, 0] == y)[counted].double()
    bins = torch.clamp(torch.ceil(conf * 15).long() - 1, 0, 14)
    ece = sum((bins == m).sum().item() / len(l) * abs(correct[bins == m].mean().item() - conf[bins == m].mean().item()) for m in range(15) if (bins == m).any())
    histogram = torch.histc(l, 40, 0, l.max().item()); worst = l.topk(min(20, len(l)))
    seq = torch.where(counted, loss, torch.zeros_like(loss)).double().reshape(-1, labels.shape[-1] if labels.dim() > 1 else N)
    per = counted.reshape(seq.shape).double()
    by_position, by_sequence = seq.sum(0) / per.sum(0), seq.sum(1) / per.sum(1)
    return (time.perf_counter() - t0) * 1000, mean
times = []
for i in range(int(sys.argv[3])):
    ms, mean = inspect(sys.argv[1]); times.append(ms)
times.sort()
print(times[len(times) // 2], mean)
`;

function torchInspect(file: string, repeats: number): { ms: number; loss: number } | undefined {
  try {
    const out = execFileSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, file, String(os.cpus().length), String(repeats)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 900_000 });
    const [ms, loss] = out.trim().split(/\s+/).map(Number);
    return { ms, loss };
  } catch {
    return undefined;
  }
}

/** The I/O floor: the file read once by 64 MB positioned reads into one reused buffer. */
function readFloor(file: string): number {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(64 << 20);
  const t0 = performance.now();
  try {
    for (let at = 0, n; (n = readSync(fd, buffer, 0, buffer.length, at)) > 0; ) at += n;
  } finally {
    closeSync(fd);
  }
  return performance.now() - t0;
}

export async function benchInspect(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-bench-inspect-'));
  try {
    const file = path.join(dir, 'logits.safetensors');
    writeBatch(file, [4096, 50257], 'float32');
    const runs = [0, 1, 2, 3].map(() => inspectCli(file)).slice(1); // the first run warms the page cache
    const torch = torchInspect(file, 3);
    if (torch && Math.abs(torch.loss - runs[0].loss) > 1e-4 * Math.abs(torch.loss)) throw new Error(`inspect's token-mean loss ${runs[0].loss} is not torch's ${torch.loss}`);
    const name = 'inspect [4096,50257] f32 .safetensors';
    report(name, median(runs.map((r) => r.ms)), 'torch CPU', torch?.ms);
    // Not a time: the inspect process's peak RSS in MB against the 1.5 GB budget of the large dump below.
    report(`${name} peak RSS`, Math.max(...runs.map((r) => r.rssMb)), 'budget 1536 MB', 1536, 'MB');
    rmSync(file);

    const large = path.join(dir, 'dump.safetensors');
    writeBatch(large, [8, 2048, 128256], 'bfloat16');
    const floor = readFloor(large);
    const r = inspectCli(large);
    if (r.tokens !== 8 * 2048) throw new Error(`inspect counted ${r.tokens} tokens of the 4.2 GB dump, not ${8 * 2048}`);
    const big = 'inspect [8,2048,128256] bf16 4.2 GB';
    report(big, r.ms, 'read floor', floor);
    report(`${big} peak RSS`, r.rssMb, 'budget 1536 MB', 1536, 'MB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
