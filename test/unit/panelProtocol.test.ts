// The host's validation of messages from the playground panel: it acts only on well-formed ones.
import * as assert from 'node:assert/strict';
import { isFromPanel, PANEL_MAX_ELEMENTS, PANEL_MAX_REQUESTS } from '../../src/protocol/panel';

const tensor = (data: unknown[], dtype = 'float32') => ({ dtype, shape: [data.length], data });
const compute = (...requests: unknown[]) => ({ type: 'compute', id: 1, requests });
const softmax = (input: unknown, options: unknown = {}) => ({ op: 'softmax', inputs: { input }, options });

describe('playground panel messages (host-side validation)', () => {
  it('accepts compute requests with tensors, scalar / tensor options and references to earlier outputs', () => {
    assert.ok(isFromPanel(compute({ op: 'cross_entropy', inputs: { input: tensor([1, 2]), target: tensor([0], 'int64') }, options: { label_smoothing: 0.1, weight: tensor([1, 1]) } })));
    assert.ok(isFromPanel(compute(softmax(tensor([1, 2])), { op: 'kl_divergence', inputs: { p: tensor([0.5, 0.5]), q: { ref: 0 } }, options: {} })));
    assert.ok(isFromPanel({ type: 'state', scene: 'kl' }));
  });

  it('refuses malformed messages', () => {
    for (const m of [
      null,
      'compute',
      { type: 'compute', id: '1', requests: [softmax(tensor([1]))] },
      { type: 'compute', id: 1, op: 'softmax', inputs: { input: tensor([1]) }, options: {} },
      compute(),
      compute(softmax(tensor(['1']))),
      compute(softmax(tensor([1], 'float16'))),
      compute(softmax(tensor([1]), { dim: [0] })),
      compute({ op: 'softmax', inputs: { input: tensor([1]) } }),
      compute(softmax({ ref: 0 })),
      compute(softmax(tensor([1])), softmax({ ref: 1 })),
      compute(softmax(tensor([1])), softmax({ ref: 0.5 })),
      compute(softmax(tensor([1])), softmax({ ref: 0, data: [1] })),
      { type: 'state', scene: 3 },
      { type: 'openInNotebook', title: 't', code: 'x', snapshot: { version: 2, charts: [] } },
      { type: 'evaluateAnything' },
    ]) assert.equal(isFromPanel(m), false, JSON.stringify(m));
  });

  it('refuses tensors larger than a playground ever sends, and too many requests', () => {
    const big = new Array(PANEL_MAX_ELEMENTS + 1).fill(0);
    assert.equal(isFromPanel(compute(softmax(tensor(big)))), false);
    assert.equal(isFromPanel(compute(...new Array(PANEL_MAX_REQUESTS + 1).fill(softmax(tensor([1]))))), false);
    assert.equal(isFromPanel(compute(...new Array(PANEL_MAX_REQUESTS).fill(softmax(tensor([1]))))), true);
  });
});
