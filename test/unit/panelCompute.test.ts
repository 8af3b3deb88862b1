// The host's answer to a playground compute message, on the real engine worker: one reply for a batch,
// references to earlier outputs, non-finite values that survive JSON, and the failing op named.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import { computeForPanel } from '../../src/extension/playground/panelCompute';
import type { PanelInput, PanelOpRequest } from '../../src/protocol/panel';
import { startEngine } from '../engineWorker';

const f32 = (data: number[], shape = [data.length]): PanelInput => ({ dtype: 'float32', shape, data });
const request = (op: string, inputs: Record<string, PanelInput>, options: PanelOpRequest['options'] = {}): PanelOpRequest => ({ op, inputs, options });

describe('playground compute messages (host side)', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  it('answers a batch in order; a { ref } input is an earlier output, usable twice', async () => {
    const z = f32([2, 1, 0.1], [1, 3]);
    const q = f32([1, 0, 0], [1, 3]);
    const reply = await computeForPanel(engine, {
      type: 'compute',
      id: 7,
      requests: [
        request('log_softmax', { input: z }),
        request('kl_div', { input: { ref: 0 }, target: q }, { reduction: 'sum' }),
        request('cross_entropy', { input: z, target: q }),
        request('kl_div', { input: { ref: 0 }, target: q }, { reduction: 'sum' }),
      ],
    });
    assert.equal(reply.id, 7);
    assert.equal(reply.error, undefined);
    const [logp, kl, ce, again] = reply.results!.map((r) => r.output.data as number[]);
    assert.ok(Math.abs(kl[0] - 0.41703) < 1e-4, `KL(onehot‖p) = −log p0: ${kl[0]}`);
    assert.ok(Math.abs(kl[0] - ce[0]) < 1e-6 && Math.abs(logp[0] + kl[0]) < 1e-6);
    assert.deepEqual(again, kl);
    assert.equal(reply.results![2].grad.input.data.length, 3);
  });

  it('a { ref, extra } input is a named extra of an earlier op; an unknown extra is named in the error', async () => {
    const one = (v: number) => f32([v]);
    const reply = await computeForPanel(engine, {
      type: 'compute',
      id: 8,
      requests: [
        request('dpo_loss', { policy_chosen_logps: one(-12), policy_rejected_logps: one(-14), reference_chosen_logps: one(-13), reference_rejected_logps: one(-13.5) }, { beta: 0.1 }),
        request('reward_model_loss', { chosen_rewards: { ref: 0, extra: 'chosen_rewards' }, rejected_rewards: { ref: 0, extra: 'rejected_rewards' } }),
      ],
    });
    const [chosen, rejected] = [reply.results![0].extras.chosen_rewards.data[0] as number, reply.results![0].extras.rejected_rewards.data[0] as number];
    assert.ok(Math.abs(chosen - 0.1) < 1e-6 && Math.abs(rejected + 0.05) < 1e-6, `${chosen}, ${rejected}`);
    const bt = reply.results![1].output.data[0] as number;
    assert.ok(Math.abs(bt - Math.log1p(Math.exp(-(chosen - rejected)))) < 1e-6, `Bradley–Terry −log σ(r⁺ − r⁻): ${bt}`);
    const bad = await computeForPanel(engine, { type: 'compute', id: 9, requests: [request('softmax', { input: f32([1, 2]) }), request('softmax', { input: { ref: 0, extra: 'nope' } })] });
    assert.match(bad.error!, /no extra 'nope'/);
  });

  it('sends NaN and ±Infinity as strings (JSON has neither)', async () => {
    const reply = await computeForPanel(engine, { type: 'compute', id: 1, requests: [request('naive_log_softmax', { input: f32([1000, 0, -1000], [1, 3]) })] });
    assert.deepEqual(reply.results![0].output.data, ['NaN', '-Infinity', '-Infinity']);
    assert.deepEqual(JSON.parse(JSON.stringify(reply)).results[0].output.data, ['NaN', '-Infinity', '-Infinity']);
  });

  it('answers a failing batch with the first failing op named, and keeps serving', async () => {
    const reply = await computeForPanel(engine, {
      type: 'compute',
      id: 2,
      requests: [request('softmax', { input: f32([1, 2]) }), request('cross_entropy', { input: f32([1, 2], [1, 2]), target: { dtype: 'int64', shape: [1], data: [5] } })],
    });
    assert.equal(reply.results, undefined);
    assert.match(reply.error!, /^cross_entropy: .*5/);
    const ok = await computeForPanel(engine, { type: 'compute', id: 3, requests: [request('softmax', { input: f32([0, 0]) })] });
    assert.deepEqual(ok.results![0].output.data, [0.5, 0.5]);
  });
});
