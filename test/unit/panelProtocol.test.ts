// The host's validation of messages from the playground panel: it acts only on well-formed ones.
import * as assert from 'node:assert/strict';
import { isFromPanel, PANEL_MAX_ELEMENTS } from '../../src/protocol/panel';

const tensor = (data: unknown[], dtype = 'float32') => ({ dtype, shape: [data.length], data });

describe('playground panel messages (host-side validation)', () => {
  it('accepts a compute request with tensors and scalar / tensor options', () => {
    assert.ok(isFromPanel({ type: 'compute', id: 1, op: 'cross_entropy', inputs: { input: tensor([1, 2]), target: tensor([0], 'int64') }, options: { label_smoothing: 0.1, weight: tensor([1, 1]) } }));
    assert.ok(isFromPanel({ type: 'state', scene: 'kl' }));
  });

  it('refuses malformed messages', () => {
    for (const m of [
      null,
      'compute',
      { type: 'compute', id: '1', op: 'softmax', inputs: {}, options: {} },
      { type: 'compute', id: 1, op: 'softmax', inputs: { input: tensor(['1']) }, options: {} },
      { type: 'compute', id: 1, op: 'softmax', inputs: { input: tensor([1], 'float16') }, options: {} },
      { type: 'compute', id: 1, op: 'softmax', inputs: { input: tensor([1]) }, options: { dim: [0] } },
      { type: 'compute', id: 1, op: 'softmax', inputs: { input: tensor([1]) } },
      { type: 'state', scene: 3 },
      { type: 'openInNotebook', title: 't', code: 'x', snapshot: { version: 2, charts: [] } },
      { type: 'evaluateAnything' },
    ]) assert.equal(isFromPanel(m), false, JSON.stringify(m));
  });

  it('refuses tensors larger than a playground ever sends', () => {
    const big = new Array(PANEL_MAX_ELEMENTS + 1).fill(0);
    assert.equal(isFromPanel({ type: 'compute', id: 1, op: 'softmax', inputs: { input: tensor(big) }, options: {} }), false);
  });
});
