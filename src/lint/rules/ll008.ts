// LL008 — gradient accumulation without scaling: backward every micro-batch, optimizer step every k, and
// the loss never divided by k: the update is the sum of k mean-gradients, k times too large.
import { field, methodName, methodObject, unparen } from '../ast';
import { accumulations, backwardCalls } from '../accumulation';
import { lossCall } from '../losses';
import type { PyModule } from '../module';
import type { Node } from '../syntax';
import type { Rule } from '../rule';

export const LL008: Rule = {
  code: 'LL008',
  title: 'gradient accumulation without dividing the loss',
  math: 'with k micro-batches per step, Σ_{i=1..k} ∇L_i = k · ∇(mean of L_i): without L/k the step is k times larger (as if lr were k·lr)',
  scene: 'training',
  sceneSettings: {},
  *check({ module, calls }) {
    for (const acc of accumulations(module, calls)) {
      if (/\.grad\b[^\n]*(\/=|div_|mul_)/.test(acc.loop.text)) continue; // gradients scaled by hand
      for (const { call, loss } of backwardCalls(module, acc, calls)) {
        if (scaling(module, loss, 0) !== 'unscaled') continue;
        yield {
          node: call,
          message: `backward() runs on every micro-batch but the optimizer steps only every ${acc.k.text}: the gradients of ${acc.k.text} batches are summed, so each update is ${acc.k.text} times the gradient of the mean loss (as if the learning rate were ${acc.k.text} times larger). Divide the loss by ${acc.k.text} before backward (or by the global token count).`,
        };
      }
    }
  },
};

/** Whether the value reaching backward() is a plain loss ('unscaled'), was divided or multiplied ('scaled'), or is unknown. */
function scaling(m: PyModule, expression: Node, depth: number): 'scaled' | 'unscaled' | 'unknown' {
  if (depth > 8) return 'unknown';
  const e = unparen(expression);
  if (e.type === 'binary_operator') return ['/', '*', '//'].includes(field(e, 'operator')!.text) ? 'scaled' : 'unknown';
  if (e.type === 'identifier') {
    const def = m.lookup(e);
    if (!def) return 'unknown';
    if (def.operator) return def.operator === '/=' || def.operator === '*=' ? 'scaled' : 'unknown';
    return def.value ? scaling(m, def.value, depth + 1) : 'unknown';
  }
  if (e.type === 'attribute' && field(e, 'attribute')!.text === 'loss') return 'unscaled';
  if (e.type === 'call') {
    if (lossCall(m, e) || m.qualify(field(e, 'function')!)?.startsWith('torch.nn.functional.')) return 'unscaled';
    const method = methodName(e);
    if (method === 'div' || method === 'mul' || method === 'div_' || method === 'mul_') return 'scaled';
    if (method === 'mean' || method === 'sum' || method === 'float') return scaling(m, methodObject(e)!, depth + 1);
  }
  return 'unknown';
}
