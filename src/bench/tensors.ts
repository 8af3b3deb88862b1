// Notebook tensors against PyTorch eager CPU in the same run: a 20-op chain over [64, 1000] tensors, forward
// and backward (the first, compiling run timed on its own), and a 200-step training loop of nn.Linear(64, 1000)
// on batch 256 (cross-entropy, SGD), as a cell would write them, with the engine buffers and the process's RSS
// after the loop against those after its warm-up (a ratio of 1: memory stays bounded however long it trains).
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionFor } from '../engine/runtime/sessions';
import { rng } from '../engine/training/data';
import { stepGraph, type StepSpec } from '../engine/training/step';
import { engineMemory, F as Fn, nn, optim, SyncEngine, torch, useEngine, type Tensor } from '../tensor';
import { median, type Report } from './timing';


const F = Fn as unknown as { cross_entropy(x: Tensor, y: Tensor): Tensor };

/** 20 ops: 5 × (mul, add, tanh, mul, sub of sigmoid / 2) … , then a mean (backward through all). */
function chain(x: Tensor, w: Tensor): Tensor {
  let h = x;
  for (let i = 0; i < 4; i++) h = h.mul(w).add(0.1).tanh().mul(1.5).sub(h.sigmoid().div(2));
  return h.exp().log1p().mean();
}

const TORCH_SCRIPT = `
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
x = torch.randn(64, 1000, requires_grad=True); w = torch.randn(64, 1000, requires_grad=True)
def chain(x, w):
    h = x
    for i in range(4):
        h = (h * w + 0.1).tanh() * 1.5 - h.sigmoid() / 2
    return h.exp().log1p().mean()
times = []
for i in range(201):
    x.grad = None; w.grad = None
    t0 = time.perf_counter(); l = chain(x, w); l.backward(); l.item()
    if i > 100: times.append((time.perf_counter() - t0) * 1000)
times.sort(); chain_ms = times[len(times) // 2]
lin = torch.nn.Linear(64, 1000); opt = torch.optim.SGD(lin.parameters(), lr=0.1)
X = torch.randn(256, 64); Y = torch.randint(0, 1000, (256,))
def steps(n):
    for i in range(n):
        opt.zero_grad(); l = torch.nn.functional.cross_entropy(lin(X), Y); l.backward(); opt.step()
    return l.item()
steps(20)
t0 = time.perf_counter(); steps(200); train_ms = (time.perf_counter() - t0) * 1000 / 200
print(chain_ms, train_ms)
`;

function torchTimes(): [number, number] | undefined {
  try {
    const out = execFileSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, String(os.cpus().length)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 600_000 });
    const [a, b] = out.trim().split(/\s+/).map(Number);
    return [a, b];
  } catch {
    return undefined;
  }
}

/** ms per step of the engine's hand-built SGD step graph for the same layer (the floor a tensor program can reach). */
async function handBuiltStepMs(): Promise<number> {
  const spec: StepSpec = { model: { kind: 'softmax_regression', inputs: 64, classes: 1000, hidden: 0, embedding: 0, context: 1 }, loss: { labelSmoothing: 0, focalGamma: 0 }, optimizer: 'sgd', momentum: 0, clipNorm: 0, batch: 256 };
  const session = await sessionFor(`bench:${JSON.stringify(spec)}`, () => stepGraph(spec));
  const random = rng(2);
  const x = Float32Array.from({ length: 256 * 64 }, () => random() * 2 - 1);
  const y = BigInt64Array.from({ length: 256 }, () => BigInt(Math.floor(random() * 1000)));
  let W: Float32Array = new Float32Array(64 * 1000);
  let b: Float32Array = new Float32Array(1000);
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const out = await session.run({ x: new ort.Tensor('float32', x, [256, 64]), y: new ort.Tensor('int64', y, [256]), W: new ort.Tensor('float32', W, [64, 1000]), b: new ort.Tensor('float32', b, [1, 1000]), lr: new ort.Tensor('float32', Float32Array.of(0.1), []), t: new ort.Tensor('float32', Float32Array.of(i + 1), []) });
      W = out['new.W'].data as Float32Array;
      b = out['new.b'].data as Float32Array;
    }
  };
  await run(20);
  const t0 = performance.now();
  await run(200);
  return (performance.now() - t0) / 200;
}

export async function benchTensors(report: Report): Promise<void> {
  const engine = new SyncEngine({ workerPath: path.join(__dirname, 'tensor-worker.js') });
  useEngine(engine);
  try {
    torch.manual_seed(0);
    const x = torch.randn(64, 1000, { requires_grad: true });
    const w = torch.randn(64, 1000, { requires_grad: true });
    const once = () => {
      x.grad = null;
      w.grad = null;
      const loss = chain(x, w);
      loss.backward();
      return loss.item();
    };
    const t0 = performance.now();
    once();
    const firstMs = performance.now() - t0;
    // Timed once warm, like the PyTorch loop: the first ~100 runs are 1.5–2.5× slower while V8 optimizes the
    // recording and the engine thread's code.
    for (let i = 0; i < 100; i++) once();
    const samples: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      once();
      samples.push(performance.now() - t);
    }
    const torchMs = torchTimes();
    report('tensors: 20-op chain [64,1000] fwd+bwd', median(samples), 'torch eager', torchMs?.[0]);
    report('tensors: 20-op chain first run (compiles)', firstMs, 'later runs', median(samples));

    const lin = nn.Linear(64, 1000);
    const opt = optim.SGD(lin.parameters(), { lr: 0.1 });
    const X = torch.randn(256, 64);
    const Y = torch.randint(0, 1000, [256]);
    const steps = (n: number) => {
      let loss: Tensor | undefined;
      for (let i = 0; i < n; i++) {
        opt.zero_grad();
        loss = F.cross_entropy(lin(X), Y);
        loss.backward();
        opt.step();
      }
      return loss!.item();
    };
    steps(20);
    const warm = { engine: engineMemory(), rss: process.memoryUsage.rss() };
    const t1 = performance.now();
    steps(200);
    const stepMs = (performance.now() - t1) / 200;
    const after = { engine: engineMemory(), rss: process.memoryUsage.rss() };
    const name = `tensors: nn.Linear(64,1000) B=256 SGD step (${(1000 / stepMs).toFixed(0)} steps/s)`;
    report(name, stepMs, 'torch eager', torchMs?.[1]);
    report(name, stepMs, 'hand-built step graph', await handBuiltStepMs());
    const MB = 2 ** 20;
    report(`tensors: SGD loop engine buffers after 220 steps (${after.engine.buffers})`, after.engine.bytes / MB, `after 20 (${warm.engine.buffers})`, warm.engine.bytes / MB, 'MB');
    report('tensors: SGD loop RSS after 220 steps', after.rss / MB, 'after 20', warm.rss / MB, 'MB');
  } finally {
    engine.dispose();
  }
}
