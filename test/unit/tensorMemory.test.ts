// Engine memory of notebook tensors: a training loop holds a fixed number of engine buffers however long it
// runs (each buffer belongs to the tensors holding its value; a replaced value leaves the engine), and still
// trains as PyTorch does; backward frees the graph as PyTorch does unless retain_graph.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { engineMemory, F as Fn, nn, optim, torch, type Tensor } from '../../src/tensor';
import { useTestEngine } from '../tensorEngine';

const F = Fn as unknown as { cross_entropy(x: Tensor, y: Tensor): Tensor };

interface Case {
  id: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  clip: number | null;
  after: Record<'10' | '200', { W: number[]; b: number[] }>;
  losses: number[];
}

const golden = JSON.parse(readFileSync(path.join(__dirname, '../golden/trainingMemory.json'), 'utf8')) as {
  torch_version: string;
  inputs: { W: number[]; b: number[]; X: number[]; Y: number[] };
  shape: { in: number; out: number; batch: number };
  cases: Case[];
};

function close(name: string, actual: Tensor, expected: number[], tol: number): void {
  const got = Array.from(actual.data() as Float32Array);
  assert.equal(got.length, expected.length, `${name}: length`);
  got.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * (1 + Math.abs(expected[i])), `${name}[${i}]: ${a} vs PyTorch ${expected[i]}`));
}

describe('notebook tensors: engine memory', () => {
  before(() => useTestEngine());

  const { in: IN, out: OUT, batch: B } = golden.shape;
  for (const c of golden.cases) {
    it(`200 steps of nn.Linear(${IN}, ${OUT}) with ${c.id} hold as many engine buffers after step 200 as after step 10, and match PyTorch ${golden.torch_version}`, () => {
      const lin = nn.Linear(IN, OUT);
      torch.no_grad(() => {
        lin.weight.copy_(torch.tensor(golden.inputs.W, { dtype: torch.float32 }).reshape(OUT, IN));
        lin.bias!.copy_(torch.tensor(golden.inputs.b, { dtype: torch.float32 }));
      });
      const X = torch.tensor(golden.inputs.X, { dtype: torch.float32 }).reshape(B, IN);
      const Y = torch.tensor(golden.inputs.Y);
      const opt = optim[c.optimizer](lin.parameters(), c.options);
      // What an earlier step's tensor recorded stays readable after the parameters moved on.
      let atStep10: Tensor | undefined;
      let buffersAt10 = 0;
      for (let step = 1; step <= 200; step++) {
        opt.zero_grad();
        const loss = F.cross_entropy(lin(X), Y);
        loss.backward();
        if (c.clip !== null) nn.utils.clip_grad_norm_(lin.parameters(), c.clip);
        opt.step();
        if (step === 1 || step === 100) assert.ok(Math.abs((loss.item() as number) - c.losses[step - 1]) <= 1e-3 * (1 + c.losses[step - 1]), `loss at step ${step}`);
        if (step === 10) {
          buffersAt10 = engineMemory().buffers;
          atStep10 = lin.weight.mul(1);
          close('W after step 10', lin.weight, c.after['10'].W, 1e-4);
        }
      }
      assert.equal(engineMemory().buffers, buffersAt10, 'engine buffers after step 200 vs after step 10');
      close('W after step 200', lin.weight, c.after['200'].W, 2e-3);
      close('b after step 200', lin.bias!, c.after['200'].b, 2e-3);
      close('W · 1 recorded at step 10, read after step 200', atStep10!, c.after['10'].W, 1e-4);
    });
  }

  it('keeps a long SGD-with-momentum loop of nn.Linear(64, 1000) at a fixed number of engine buffers and bytes', () => {
    torch.manual_seed(0);
    const lin = nn.Linear(64, 1000);
    const opt = optim.SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 });
    const X = torch.randn(256, 64);
    const Y = torch.randint(0, 1000, [256]);
    let at10 = { buffers: 0, bytes: 0 };
    let first = 0;
    let loss!: Tensor;
    for (let step = 1; step <= 200; step++) {
      opt.zero_grad();
      loss = F.cross_entropy(lin(X), Y);
      loss.backward();
      opt.step();
      if (step === 1) first = loss.item() as number;
      if (step === 10) at10 = engineMemory();
    }
    assert.deepEqual(engineMemory(), at10);
    assert.ok((loss.item() as number) < first, `loss ${first} → ${loss.item()}`);
  });

  it('keeps what a long SGD loop in one synchronous run holds on this side bounded: dropped tensors keep no old parameter or gradient bytes alive', () => {
    // A cell is one synchronous run, so no finalizer runs inside it: what a dropped tensor's finalizer keeps
    // is kept for the whole loop. Each step hands back the old weight and gradient ([1000, 64] float32, 256 KiB
    // each); kept alive, 300 steps would hold about 150 MiB of them.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    torch.manual_seed(0);
    const lin = nn.Linear(64, 1000);
    const opt = optim.SGD(lin.parameters(), { lr: 0.1 });
    const X = torch.randn(256, 64);
    const Y = torch.randint(0, 1000, [256]);
    const steps = (n: number) => {
      for (let i = 0; i < n; i++) {
        opt.zero_grad();
        F.cross_entropy(lin(X), Y).backward();
        opt.step();
      }
    };
    steps(20);
    gc();
    gc();
    const before = process.memoryUsage().external;
    steps(300);
    gc();
    gc();
    const grown = (process.memoryUsage().external - before) / 2 ** 20;
    assert.ok(grown < 40, `external memory grew by ${grown.toFixed(1)} MiB over 300 steps`);
  });

  it('a second backward through ops that save no tensor works, as in PyTorch; through one that saves, it is refused', () => {
    // What torch 1.13 does with `y = f(x); y.sum().backward(); y.sum().backward()` for each f (run there):
    // ok where the backward node keeps only sizes or numbers, "a second time" where it saved a tensor.
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float32, requires_grad: true });
    const works: [string, () => Tensor][] = [
      ['x + 1', () => x.add(1)], ['x - x', () => x.sub(x)], ['1 - x', () => x.rsub(1)], ['-x', () => x.neg()],
      ['x.sum(0)', () => x.sum(0)], ['x.mean()', () => x.mean()], ['x.view(-1)', () => x.view(-1)],
      ['x.reshape(3, 2)', () => x.reshape(3, 2)], ['x.flatten()', () => x.flatten()], ['x[:, 1:]', () => x.at(':, 1:')],
      ['x.T', () => x.T], ['x.t()', () => x.t()], ['x.transpose(0, 1)', () => x.transpose(0, 1)], ['x.permute(1, 0)', () => x.permute(1, 0)],
      ['x.unsqueeze(0).squeeze()', () => x.unsqueeze(0).squeeze()], ['x.expand(4, 2, 3)', () => x.expand(4, 2, 3)],
      ['cat', () => torch.cat([x, x])], ['stack', () => torch.stack([x, x])], ['x.clone()', () => x.clone()],
      ['x.double()', () => x.double()], ['x.repeat(2, 1)', () => x.repeat(2, 1)], ['torch.tril(x)', () => torch.tril(x)],
    ];
    for (const [name, f] of works) {
      x.grad = null;
      const y = f();
      y.sum().backward();
      const once = (x.grad!.tolist() as number[][]).flat();
      assert.doesNotThrow(() => y.sum().backward(), name);
      assert.deepEqual((x.grad!.tolist() as number[][]).flat(), once.map((g) => 2 * g), `${name}: the gradient accumulates`);
    }
    const refused: [string, () => Tensor][] = [
      ['x * 2', () => x.mul(2)], ['x / 2', () => x.div(2)], ['x * x', () => x.mul(x)], ['x.exp()', () => x.exp()],
      ['x.mean(0)', () => x.mean(0)], ['x[idx]', () => x.at(torch.tensor([0]))],
      ['x.gather(1, idx)', () => x.gather(1, torch.zeros(2, 1, { dtype: torch.int64 }))],
    ];
    for (const [name, f] of refused) {
      const y = f();
      y.sum().backward();
      assert.throws(() => y.sum().backward(), /backward through the graph a second time/, name);
    }
  });

  it('refuses a second backward through a freed graph with PyTorch\'s message, and allows it with retain_graph', () => {
    const x = torch.tensor([1.5, -2, 0.25], { requires_grad: true });
    const y = x.exp().mul(x).sum();
    y.backward();
    assert.throws(() => y.backward(), /^Error: Trying to backward through the graph a second time \(or directly access saved tensors after they have already been freed\)\. .*Specify retain_graph=True/);
    // A new graph over an op of the freed one is refused too; its value is still readable.
    const h = x.exp();
    const z = h.sum();
    z.backward();
    assert.throws(() => h.mul(2).sum().backward(), /backward through the graph a second time/);
    assert.ok(Math.abs((h.sum().item() as number) - (Math.exp(1.5) + Math.exp(-2) + Math.exp(0.25))) < 1e-5);

    const w = torch.tensor([0.5, 2], { requires_grad: true });
    const l = w.mul(w).sum();
    l.backward(undefined, true);
    l.backward({ retain_graph: true });
    l.backward();
    assert.deepEqual(w.grad!.tolist(), [3, 12]);
    assert.throws(() => l.backward(), /second time/);
  });
});
