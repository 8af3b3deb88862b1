// Notebook tensors against PyTorch eager CPU in the same run: a 20-op chain over [64, 1000] tensors, forward
// and backward (the first, compiling run timed on its own), and a 200-step training loop of nn.Linear(64, 1000)
// on batch 256 (cross-entropy, SGD), as a cell would write them, in rounds taking turns with PyTorch; then the
// engine buffers and the RSS after 600 more steps against before them (a ratio of 1: memory stays bounded
// however long it trains).
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
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

// A PyTorch process that stays up and answers "chain" (the median ms of 100 chain runs, after 100 untimed) and
// "train" (ms per step over 200 steps, after 20 untimed) one line at a time, so the engine and PyTorch take
// turns in the same minutes: this machine's speed drifts (up to 2× from one minute to the next, measured with a
// fixed ONNX graph), and a ratio of two timings taken minutes apart would measure the drift.
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
def chain_ms():
    times = []
    for i in range(200):
        x.grad = None; w.grad = None
        t0 = time.perf_counter(); l = chain(x, w); l.backward(); l.item()
        if i >= 100: times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]
lin = torch.nn.Linear(64, 1000); opt = torch.optim.SGD(lin.parameters(), lr=0.1)
X = torch.randn(256, 64); Y = torch.randint(0, 1000, (256,))
def steps(n):
    for i in range(n):
        opt.zero_grad(); l = torch.nn.functional.cross_entropy(lin(X), Y); l.backward(); opt.step()
    return l.item()
def train_ms():
    steps(20)
    t0 = time.perf_counter(); steps(200)
    return (time.perf_counter() - t0) * 1000 / 200
print('ready', flush=True)
for line in sys.stdin:
    print(chain_ms() if line.strip() == 'chain' else train_ms(), flush=True)
`;

interface TorchSide {
  ask(what: 'chain' | 'train'): Promise<number>;
  close(): void;
}

/** The PyTorch process, or undefined when python3 has no torch. */
async function startTorch(): Promise<TorchSide | undefined> {
  const child = spawn('/usr/bin/python3', ['-c', TORCH_SCRIPT, String(os.cpus().length)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the PyTorch process ended');
    return line.value;
  };
  child.on('error', () => undefined); // no python3: the first read ends
  try {
    if ((await next()) !== 'ready') throw new Error('no torch');
  } catch {
    child.kill();
    return undefined;
  }
  return {
    ask: async (what) => {
      child.stdin.write(`${what}\n`);
      return Number(await next());
    },
    close: () => child.kill(),
  };
}

/** The round whose ratio is the median of `rounds` (engine, baseline) pairs. */
function medianRound(rounds: [number, number | undefined][]): [number, number | undefined] {
  const sorted = [...rounds].sort((a, b) => a[0] / (a[1] ?? 1) - b[0] / (b[1] ?? 1));
  return sorted[Math.floor(sorted.length / 2)];
}

const ROUNDS = 3;

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
    const torchSide = await startTorch();
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
    // Rounds of engine then PyTorch (and the hand-built graph); each row is printed from its median round.
    const chainRounds: [number, number | undefined][] = [];
    const trainRounds: { stepMs: number; torchMs?: number; handMs: number }[] = [];
    try {
      for (let r = 0; r < ROUNDS; r++) {
        const samples: number[] = [];
        for (let i = 0; i < 100; i++) {
          const t = performance.now();
          once();
          samples.push(performance.now() - t);
        }
        chainRounds.push([median(samples), await torchSide?.ask('chain')]);
        steps(20);
        const t1 = performance.now();
        steps(200);
        const stepMs = (performance.now() - t1) / 200;
        trainRounds.push({ stepMs, torchMs: await torchSide?.ask('train'), handMs: await handBuiltStepMs() });
      }
    } finally {
      torchSide?.close();
    }
    const [chainMs, torchChainMs] = medianRound(chainRounds);
    report('tensors: 20-op chain [64,1000] fwd+bwd', chainMs, 'torch eager', torchChainMs);
    report('tensors: 20-op chain first run (compiles)', firstMs, 'later runs', chainMs);
    const train = [...trainRounds].sort((a, b) => a.stepMs - b.stepMs)[Math.floor(ROUNDS / 2)];
    const name = `tensors: nn.Linear(64,1000) B=256 SGD step (${(1000 / train.stepMs).toFixed(0)} steps/s)`;
    report(name, train.stepMs, 'torch eager', train.torchMs);
    report(name, train.stepMs, 'hand-built step graph', train.handMs);
    // Memory over 600 more steps with nothing else running: engine buffers and RSS stay where they were.
    const before = { engine: engineMemory(), rss: process.memoryUsage.rss() };
    steps(600);
    const after = { engine: engineMemory(), rss: process.memoryUsage.rss() };
    const MB = 2 ** 20;
    report(`tensors: SGD loop engine buffers after 600 more steps (${after.engine.buffers})`, after.engine.bytes / MB, `before (${before.engine.buffers})`, before.engine.bytes / MB, 'MB');
    report('tensors: SGD loop RSS after 600 more steps', after.rss / MB, 'before', before.rss / MB, 'MB');
  } finally {
    engine.dispose();
  }
}
