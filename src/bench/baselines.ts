// Baselines the engine is measured against: plain JS, a memcpy of the same bytes (the memory floor),
// and PyTorch CPU when the machine's python3 has torch.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';

/** Cross-entropy (mean) and its gradient (softmax − one-hot)/N in straightforward JS, float32 storage. */
export function crossEntropyJs(x: Float32Array, target: BigInt64Array, N: number, C: number): { loss: number; grad: Float32Array } {
  const grad = new Float32Array(N * C);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const row = n * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, x[row + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(x[row + c] - max);
    const y = Number(target[n]);
    loss += Math.log(sum) + max - x[row + y];
    for (let c = 0; c < C; c++) grad[row + c] = Math.exp(x[row + c] - max) / sum / N;
    grad[row + y] -= 1 / N;
  }
  return { loss: loss / N, grad };
}

export function memcpy(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  out.set(x);
  return out;
}

const TORCH_SCRIPT = `
import sys, time, torch
torch.set_num_threads(int(sys.argv[3]))
N, C, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4])
x = (torch.arange(N * C, dtype=torch.float64) * 0.37).sin().mul(4).float().reshape(N, C)
t = (torch.arange(N) * 7919) % C
times = []
for i in range(repeats + 1):
    xi = x.clone().requires_grad_(True)
    t0 = time.perf_counter()
    torch.nn.functional.cross_entropy(xi, t).backward()
    if i > 0: times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(times[len(times) // 2])
`;

/** Median ms of torch's cross_entropy forward + backward at [N, C] with this machine's core count, or undefined. */
export function torchCrossEntropy(N: number, C: number, repeats: number): number | undefined {
  try {
    const out = execFileSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, String(N), String(C), String(os.cpus().length), String(repeats)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 600_000,
    });
    return Number(out.trim());
  } catch {
    return undefined;
  }
}
