// LL006 — a local denominator: a token mean whose count is this rank's (data parallel, no all_reduce of
// the count) or this micro-batch's (gradient accumulation that then divides by the number of steps).
import { field, unparen } from '../ast';
import { accumulations, backwardCalls } from '../accumulation';
import type { Rule } from '../rule';
import { isTokenMean, tokenMeanOf } from '../tokenMean';
import type { PyModule } from '../module';
import type { Node } from '../syntax';

export const LL006: Rule = {
  code: 'LL006',
  title: 'token mean over a local denominator',
  math: 'the objective is Σ_r Σ_t m_rt ℓ_rt / Σ_r Σ_t m_rt; averaging per-rank (or per-micro-batch) means gives Σ_r (Σ_t m_rt ℓ_rt / Σ_t m_rt) / R, which weights a token of a short batch more than one of a long batch',
  scene: 'masks',
  sceneSettings: { maskPadding: true, microBatches: 2, ranks: 2 },
  *check({ module, calls, nodes }) {
    const reported = new Set<number>();
    if (module.distributed && !module.sharesTokenCounts) {
      for (const node of nodes(['binary_operator', 'call'])) {
        if (!node || !isTokenMean(module, node) || module.underNoGrad(node)) continue;
        reported.add(node.id);
        yield {
          node,
          message: `token mean over this rank's own token count in data-parallel code: DistributedDataParallel then averages the ranks' gradients, so ranks with fewer tokens weigh each token more and the objective is not the mean over all tokens. all_reduce the token count (torch.distributed.all_reduce) and divide the summed loss by the global count (times the world size, since DDP averages).`,
        };
      }
    }
    for (const acc of accumulations(module, calls)) {
      for (const { loss } of backwardCalls(module, acc, calls)) {
        const division = dividedBy(module, loss, acc.k);
        if (!division || reported.has(division.id)) continue;
        const mean = tokenMeanOf(module, field(division, 'left')!);
        if (!mean) continue;
        reported.add(division.id);
        yield {
          node: division,
          message: `each micro-batch's loss is a mean over its own tokens, then divided by ${acc.k.text}: micro-batches with different token counts get equal weight, so a token of a short micro-batch counts more than one of a long one and the update is not the token mean of the whole batch. Sum the token losses and divide by the total token count of the ${acc.k.text} micro-batches.`,
        };
      }
    }
  },
};

/** The `x / k` (or `x /= k`) the backward loss comes from (through local names), if any. */
function dividedBy(m: PyModule, loss: Node, k: Node): Node | undefined {
  for (const n of m.trace(loss, false)) {
    const e = unparen(n);
    if (e.type === 'binary_operator' && field(e, 'operator')!.text === '/' && unparen(field(e, 'right')!).text === unparen(k).text) return e;
    if (e.type === 'identifier') {
      const def = m.lookup(e);
      if (def?.operator === '/=' && def.value && unparen(def.value).text === unparen(k).text) return def.statement;
    }
  }
  return undefined;
}
