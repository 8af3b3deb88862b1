// The host's validation of messages from the playground panel: it acts only on well-formed ones.
import * as assert from 'node:assert/strict';
import { isFromPanel, overridesProblem, PANEL_MAX_ELEMENTS, PANEL_MAX_REQUESTS } from '../../src/protocol/panel';

const tensor = (data: unknown[], dtype = 'float32') => ({ dtype, shape: [data.length], data });
const compute = (...requests: unknown[]) => ({ type: 'compute', id: 1, requests });
const softmax = (input: unknown, options: unknown = {}) => ({ op: 'softmax', inputs: { input }, options });

describe('playground panel messages (host-side validation)', () => {
  it('accepts compute requests with tensors, scalar / tensor options and references to earlier outputs', () => {
    assert.ok(isFromPanel(compute({ op: 'cross_entropy', inputs: { input: tensor([1, 2]), target: tensor([0], 'int64') }, options: { label_smoothing: 0.1, weight: tensor([1, 1]) } })));
    assert.ok(isFromPanel(compute(softmax(tensor([1, 2])), { op: 'kl_divergence', inputs: { p: tensor([0.5, 0.5]), q: { ref: 0 } }, options: {} })));
    assert.ok(isFromPanel(compute(softmax(tensor([1, 2])), softmax({ ref: 0, extra: 'q' }))));
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
      compute(softmax(tensor([1])), softmax({ ref: 0, extra: 3 })),
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

describe('training messages from the panel', () => {
  it('accepts known overrides of the right types, and says which value is out of range', () => {
    assert.ok(isFromPanel({ type: 'train', preset: 0, overrides: { optimizer: 'sgd', lr: 0.3, steps: 200, reduction: 'sequence' } }));
    assert.ok(isFromPanel({ type: 'train', preset: 2, overrides: {} }));
    assert.equal(overridesProblem({ lr: 0.3, steps: 200 }), undefined);
    assert.match(overridesProblem({ steps: -3 })!, /^steps must be a whole number from 1 to 100000/);
    assert.match(overridesProblem({ labelSmoothing: 1 })!, /^labelSmoothing must be a number from 0 to 0.99/);
    assert.match(overridesProblem({ batchSize: 2.5 })!, /^batchSize must be a whole number/);
  });

  it('refuses unknown keys, wrong types and non-finite numbers', () => {
    for (const m of [
      { type: 'train', preset: 0.5, overrides: {} },
      { type: 'train', preset: 0 },
      { type: 'train', preset: 0, overrides: { optimizer: 'lbfgs' } },
      { type: 'train', preset: 0, overrides: { reduction: 'mean' } },
      { type: 'train', preset: 0, overrides: { lr: '0.1' } },
      { type: 'train', preset: 0, overrides: { lr: null } },
      { type: 'train', preset: 0, overrides: { dataset: { kind: 'text', text: 'x' } } },
      { type: 'train', preset: 0, overrides: [] },
    ]) assert.equal(isFromPanel(m), false, JSON.stringify(m));
  });
});
