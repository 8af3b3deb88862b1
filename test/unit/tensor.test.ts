// The notebook tensor library: synchronous values from ORT, autograd through chains, PyTorch's errors and
// printing, caching by structure.
import * as assert from 'node:assert/strict';
import { F as Fn, format, nn, optim, torch, type Tensor } from '../../src/tensor';
import { useTestEngine } from '../tensorEngine';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const F = Fn as any;

function close(actual: unknown, expected: unknown, tol = 1e-5): void {
  const a = (actual as unknown[]).flat(Infinity) as number[];
  const e = (expected as unknown[]).flat(Infinity) as number[];
  assert.equal(a.length, e.length, `length ${a.length} vs ${e.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= tol * (1 + Math.abs(e[i])), `[${i}] ${v} vs ${e[i]}`));
}

describe('notebook tensors', () => {
  before(() => useTestEngine());

  it('infers dtypes as PyTorch does and reads values without await', () => {
    assert.equal(torch.tensor([[1, 2], [3, 4]]).dtype, 'int64');
    assert.equal(torch.tensor([1, 2.5]).dtype, 'float32');
    assert.equal(torch.tensor([true, false]).dtype, 'bool');
    assert.equal(torch.tensor([1, 2], { dtype: torch.float64 }).dtype, 'float64');
    assert.deepEqual(torch.arange(6).reshape(2, 3).tolist(), [[0, 1, 2], [3, 4, 5]]);
    assert.equal(torch.tensor([1, 2, 3]).sum().item(), 6);
  });

  it('backpropagates through a chain and accumulates .grad across backward calls', () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6.5]], { requires_grad: true });
    const y = x.mul(2).exp().sum(1).log().mean();
    close([y.item()], [9.598958]);
    y.backward();
    const softmax = (row: number[]) => row.map((v) => Math.exp(2 * v) / row.reduce((s, u) => s + Math.exp(2 * u), 0));
    const expected = [softmax([1, 2, 3]), softmax([4, 5, 6.5])];
    close(x.grad!.tolist(), expected);
    x.mul(2).exp().sum(1).log().mean().backward();
    close(x.grad!.tolist(), expected.map((r) => r.map((v) => 2 * v)));
  });

  it('throws PyTorch-worded errors at the op that is wrong', () => {
    assert.throws(() => torch.ones(2, 3).matmul(torch.ones(4, 5)), /mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)/);
    assert.throws(() => torch.ones(2, 3).add(torch.ones(4)), /The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1/);
    assert.throws(() => torch.ones(5).at(7), /index 7 is out of bounds for dimension 0 with size 5/);
    assert.throws(() => torch.ones(5).sum().backward(), /element 0 of tensors does not require grad/);
    assert.throws(() => torch.arange(6).at(torch.tensor([0, 9])), /index 9 is out of bounds for dimension 0 with size 6/);
  });

  it('prints like PyTorch', () => {
    assert.equal(format(torch.tensor([[0.1, 0.2]])), 'tensor([[0.1000, 0.2000]])');
    assert.equal(format(torch.tensor([1e-5, 1])), 'tensor([1.0000e-05, 1.0000e+00])');
    assert.equal(format(torch.tensor([1, 2], { dtype: torch.float64 })), 'tensor([1., 2.], dtype=torch.float64)');
    assert.equal(format(torch.tensor([true, false])), 'tensor([ True, False])');
    assert.equal(format(torch.eye(2)), 'tensor([[1., 0.],\n        [0., 1.]])');
    const w = torch.tensor([1.5, -2], { requires_grad: true });
    assert.equal(format(w), 'tensor([ 1.5000, -2.0000], requires_grad=True)');
    assert.equal(format(w.mul(2).sum()), 'tensor(-1., grad_fn=<SumBackward0>)');
  });

  it('indexes with slice strings, masks and index tensors, differentiably', () => {
    const x = torch.arange(12).reshape(3, 4);
    assert.deepEqual(x.at(':, :-1').tolist(), [[0, 1, 2], [4, 5, 6], [8, 9, 10]]);
    assert.deepEqual(x.at('1:, ::2').tolist(), [[4, 6], [8, 10]]);
    assert.deepEqual(x.at('..., 0').tolist(), [0, 4, 8]);
    assert.deepEqual(x.at('None, -1').shape, [1, 4]);
    assert.deepEqual(x.at(x.gt(8)).tolist(), [9, 10, 11]);
    assert.deepEqual(x.at(torch.tensor([2, -3])).tolist(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
    const w = torch.ones(3, 4, { requires_grad: true });
    w.at('1:, ::2').sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[0, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0]]);
  });

  it('trains nn.Linear with AdamW and clip_grad_norm_, one compiled graph per step shape', () => {
    torch.manual_seed(0);
    const lin = nn.Linear(3, 2);
    const opt = optim.AdamW(lin.parameters(), { lr: 0.05 });
    const x = torch.randn(8, 3);
    const y = torch.randint(0, 2, [8]);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      opt.zero_grad();
      const loss = F.cross_entropy(lin(x), y) as Tensor;
      loss.backward();
      const norm = nn.utils.clip_grad_norm_(lin.parameters(), 1.0);
      assert.ok(norm.item() as number >= 0);
      opt.step();
      losses.push(loss.item() as number);
    }
    assert.ok(losses[29] < losses[0], `loss ${losses[0]} → ${losses[29]}`);
  });

  it("nn.utils.clip_grad_norm_ takes PyTorch's arguments (norm_type, error_if_nonfinite, foreach) positionally or by name", () => {
    const w = torch.tensor([3, -4.5], { requires_grad: true });
    const b = torch.tensor([1.5], { requires_grad: true });
    const grads = () => {
      w.grad = null;
      b.grad = null;
      w.mul(torch.tensor([2, 2.5])).sum().add(b.mul(-2).sum()).backward(); // grads [2, 2.5] and [-2]
    };
    grads();
    close([nn.utils.clip_grad_norm_([w, b], 3, 1).item()], [6.5]);
    close(w.grad!.tolist(), [2 * 3 / (6.5 + 1e-6), 2.5 * 3 / (6.5 + 1e-6)]);
    grads();
    close([nn.utils.clip_grad_norm_([w, b], { max_norm: 10, norm_type: Infinity, foreach: true }).item()], [2.5]);
    close(b.grad!.tolist(), [-2]);
    w.grad = torch.tensor([Infinity, 1]);
    assert.throws(() => nn.utils.clip_grad_norm_([w], 1, 2.0, true), /^Error: The total norm of order 2\.0 for gradients from `parameters` is non-finite, so it cannot be clipped/);
    assert.throws(() => nn.utils.clip_grad_norm_([w]), /missing 1 required positional argument: 'max_norm'/);
  });

  it('refuses a graph over the memory budget before running, naming the size', () => {
    assert.throws(() => torch.zeros(200000, 100000), /a tensor of shape \[200000, 100000\] needs 74.5 GiB, more than the/);
    assert.throws(() => torch.zeros(200000, 1).expand(200000, 100000).exp().sum().item(), /this computation needs about .* GiB \(its largest tensor has shape \[200000, 100000\]\), more than the/);
  });
});
