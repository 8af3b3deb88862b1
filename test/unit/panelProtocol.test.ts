// The host's check of messages from the playground panel: it acts only on well-formed ones, rebuilt from the
// checked fields, and answers every refused one with a short message naming the field and the bad value.
import * as assert from 'node:assert/strict';
import { PANEL_LIMITS, PANEL_SCENES } from '../../src/protocol/panel';
import { checkFromPanel, refusalReply } from '../../src/protocol/panelValidation';

const tensor = (data: unknown[], dtype = 'float32', shape: unknown[] = [data.length]) => ({ dtype, shape, data });
const compute = (...requests: unknown[]) => ({ type: 'compute', id: 1, requests });
const softmax = (input: unknown, options: unknown = {}) => ({ op: 'softmax', inputs: { input }, options });
const check = (m: unknown) => checkFromPanel(m, { presets: 3 });
const withKey = (o: object, key: string, value: unknown) => Object.defineProperty({ ...o }, key, { value, enumerable: true });
const snapshot = (over: object = {}) => ({ version: 1, scene: 'backprop', title: 'Backprop', numbers: 'loss 0.3', charts: [{ kind: 'distribution', version: 1, title: 't', labels: ['0', '1'], series: [{ name: 'p', values: [0.4, 0.6] }] }], ...over });
const open = (over: object = {}, snap: object = {}) => ({ type: 'openInNotebook', title: 'Backprop', code: 'x', snapshot: snapshot(snap), ...over });

/** Refused, with a message matching `pattern` and never longer than a line or two. */
function refused(m: unknown, pattern: RegExp): string {
  const r = check(m);
  assert.equal(r.ok, false, `accepted: ${JSON.stringify(m)?.slice(0, 200)}`);
  const error = (r as { error: string }).error;
  assert.match(error, pattern);
  assert.ok(error.length < 400, `a short message: ${error.length} characters`);
  return error;
}

describe('playground panel messages (host-side check)', () => {
  it('accepts what the panel sends: tensors, scalar / tensor options, references to earlier outputs, every scene', () => {
    for (const m of [
      compute({ op: 'cross_entropy', inputs: { input: tensor([1, 2]), target: tensor([0], 'int64') }, options: { label_smoothing: 0.1, weight: tensor([1, 1]) } }),
      compute(softmax(tensor([1, 2])), { op: 'kl_divergence', inputs: { p: tensor([0.5, 0.5]), q: { ref: 0 } }, options: {} }),
      compute(softmax(tensor([1, 2])), softmax({ ref: 0, extra: 'q' })),
      compute(softmax(tensor(['NaN', 'Infinity', '-Infinity', 1]))),
      compute(softmax(tensor([], 'float32', [0, 3]))),
      ...PANEL_SCENES.map((scene) => ({ type: 'state', scene })),
      { type: 'ready' },
      open(),
      open({}, { scene: 'other', charts: [{ kind: 'curve', version: 1, title: 'loss', x: [0, 1], series: [{ name: 'mse', y: [0, null] }] }] }),
      { type: 'train', preset: 2, overrides: { optimizer: 'sgd', lr: 0.3, steps: 200, reduction: 'sequence' } },
    ]) assert.ok(check(m).ok, JSON.stringify(check(m)));
  });

  it('passes on only the checked fields, in fresh objects', () => {
    const m = compute(softmax(tensor([1, 2])));
    const r = check(m);
    assert.ok(r.ok);
    assert.deepEqual(r.message, m);
    assert.notEqual((r.message as typeof m).requests[0], m.requests[0]);
  });

  it('refuses what is not a message, and unknown types (prototype names too)', () => {
    for (const m of [null, 'compute', 1, []]) refused(m, /panel message must be an object/);
    for (const type of ['computee', '__proto__', 'toString', 'constructor', 1]) refused({ type }, /unknown panel message type/);
    refused({ type: 'ready', extra: 1 }, /unexpected field "extra"/);
  });

  it('refuses a scene that is not one of the playground\'s, and never echoes a 10 MB one', () => {
    for (const scene of ['../../../../tmp/evil', '/etc/passwd', 'a/b', '..', 'backprop\u0000', 5, null, 'no-such-scene']) {
      refused({ type: 'state', scene }, /state: scene must be one of the playground's scenes \(softmax-ce, kl, /);
      refused(open({}, { scene }), /snapshot: scene must be one of/);
    }
    refused({ type: 'state', scene: 'x'.repeat(10 * 2 ** 20) }, /got "x{60}"… \(10485760 characters\)$/);
  });

  it('refuses a compute id or request list that is not what the bridge sends', () => {
    for (const id of [NaN, Infinity, -1, 1.5, '1', null, 2 ** 60]) refused({ type: 'compute', id, requests: [softmax(tensor([1]))] }, /compute: id must be a whole number/);
    refused(compute(), /requests is empty/);
    refused({ type: 'compute', id: 1, op: 'softmax' }, /unexpected field "op"/);
    refused(compute(...new Array(PANEL_LIMITS.requests + 1).fill(softmax(tensor([1])))), /33 entries, more than 32/);
    assert.ok(check(compute(...new Array(PANEL_LIMITS.requests).fill(softmax(tensor([1]))))).ok);
  });

  it('refuses op, input, option and extra names that are not short identifiers, __proto__ and constructor included', () => {
    for (const op of ['x'.repeat(100_000), '__proto__', 'constructor', '', 'a b', 3]) refused(compute({ op, inputs: {}, options: {} }), /op must (be a name|be a string)|characters long/);
    refused(compute({ op: 'softmax', inputs: withKey({}, '__proto__', tensor([1])), options: {} }), /softmax\(\) input name must be a name/);
    refused(compute(softmax(tensor([1]), withKey({}, '__proto__', 'sum'))), /softmax\(\) got an unexpected keyword argument "__proto__"/);
    refused(compute(softmax(tensor([1])), softmax({ ref: 0, extra: 'x'.repeat(100_000) })), /extra is 100000 characters long/);
  });

  it('refuses tensors whose dtype, shape or data are not what they claim', () => {
    refused(compute(softmax(tensor([1], 'float16'))), /unsupported dtype "float16"/);
    for (const shape of [[1, -3], [1.5, 2], ['1', '3'], [2 ** 31, 2 ** 31], 'x'] as unknown[]) refused(compute(softmax(tensor([1, 2, 3], 'float32', shape as unknown[]))), /shape/);
    refused(compute(softmax(tensor([1, 2, 3], 'float32', [1, 4]))), /shape \[1, 4\] needs 4 values, got 3/);
    for (const x of [null, '2', [2], true, 'abc']) refused(compute(softmax(tensor([1, x, 3]))), /data\[1\] must be a number \(or "NaN", "Infinity", "-Infinity"\), got /);
    refused(compute(softmax(tensor([0.5], 'int64'))), /int64 tensor needs integers .* got 0.5 at data\[0\]/);
    refused(compute(softmax(tensor([2 ** 60], 'int64'))), /int64 tensor needs integers within ±9007199254740991/);
    refused(compute(softmax(null)), /softmax\(\) input 'input' must be an object, got null/);
    refused(compute(softmax({ ...tensor([1]), extra: 1 })), /unexpected field "extra"/);
  });

  it('refuses a tensor with both data and a ref, and refs to no earlier request', () => {
    refused(compute(softmax(tensor([1])), softmax({ ref: 0, ...tensor([1]) })), /either a tensor .* not both/);
    refused(compute(softmax({ ref: 0 })), /names no earlier request/);
    for (const ref of [1, 5, -1, 0.5, NaN, '0']) refused(compute(softmax(tensor([1])), softmax({ ref })), /ref must be a whole number from 0 to 0/);
  });

  it('refuses more elements than a playground sends, in one tensor or across a message', () => {
    refused(compute(softmax(tensor(new Array(PANEL_LIMITS.elements + 1).fill(0)))), /shape\[0\] must be a whole number from 0 to 100000, got 100001/);
    const many = Array.from({ length: 30 }, () => softmax(tensor(new Array(90_000).fill(0))));
    refused(compute(...many), /more than 100000 elements in all/);
    refused(compute(softmax(tensor([], 'float32', [400, 400]))), /shape \[400, 400\] has 160000 elements, more than the playground's 100000/);
  });

  it('refuses options of the wrong kind: null, NaN, lists, strings of any length', () => {
    refused(compute(softmax(tensor([1]), { dim: null })), /softmax\(\) argument 'dim' must be a number, string, bool or tensor, got null/);
    refused(compute(softmax(tensor([1]), { dim: NaN })), /argument 'dim' must be a finite number, got NaN/);
    refused(compute(softmax(tensor([1]), { dim: [0] })), /must be a number, string, bool or tensor/);
    refused(compute(softmax(tensor([1]), { reduction: 'x'.repeat(100_000) })), /argument 'reduction' is 100000 characters long, more than 64/);
  });

  it('refuses oversize or malformed notebook snapshots', () => {
    refused(open({ title: 'x'.repeat(100_000) }), /notebook title is 100000 characters long/);
    refused(open({}, { numbers: 'x'.repeat(1_000_000) }), /snapshot: numbers is 1000000 characters long/);
    refused(open({}, { charts: new Array(5000).fill(snapshot().charts[0]) }), /charts has 5000 entries, more than 16/);
    refused(open({}, { version: 2 }), /version must be 1/);
    for (const chart of [null, 1, { kind: 'pie' }, { kind: 'distribution', labels: 'x', series: [] }]) refused(open({}, { charts: [chart] }), /chart 0/);
    refused(open({}, { charts: [{ kind: 'distribution', labels: ['a', 'b'], series: [{ name: 'p', values: [1] }] }] }), /series 'p' values has 1 values for 2 points/);
    refused(open({}, { charts: [{ kind: 'curve', x: [0], series: [{ name: 'y', y: ['1'] }] }] }), /y\[0\] must be a number/);
  });

  it('refuses training presets out of range and settings that are not the panel\'s, toString included', () => {
    for (const preset of [-1, 1.5, NaN, '0', 2 ** 40, 3]) refused({ type: 'train', preset, overrides: {} }, /training preset must be a whole number from 0 to 2/);
    for (const key of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'dataset']) refused({ type: 'train', preset: 0, overrides: withKey({}, key, 1) }, /unknown training setting/);
    refused({ type: 'train', preset: 0 }, /training settings must be an object, got nothing/);
    refused({ type: 'train', preset: 0, overrides: [] }, /training settings must be an object/);
    refused({ type: 'train', preset: 0, overrides: { optimizer: 'lbfgs' } }, /optimizer must be one of 'sgd', 'momentum', 'adam', got "lbfgs"/);
    refused({ type: 'train', preset: 0, overrides: { lr: '0.1' } }, /lr must be a number from 0.000001 to 10|lr must be a number from 1e-6 to 10/);
    refused({ type: 'train', preset: 0, overrides: { steps: -3 } }, /^steps must be a whole number from 1 to 100000, got -3/);
    refused({ type: 'train', preset: 0, overrides: { labelSmoothing: 1 } }, /^labelSmoothing must be a number from 0 to 0.99/);
    refused({ type: 'train', preset: 0, overrides: { batchSize: 2.5 } }, /^batchSize must be a whole number/);
  });

  it('answers a refusal where the panel looks: the compute\'s reply, a failed run, or an inline notice', () => {
    assert.deepEqual(refusalReply({ type: 'compute', id: 4 }, 'bad'), { type: 'result', id: 4, error: 'bad' });
    assert.deepEqual(refusalReply({ type: 'train', preset: 9 }, 'bad'), { type: 'trainingEnd', run: '', reason: 'failed', message: 'bad', stepsPerSecond: 0 });
    assert.deepEqual(refusalReply({ type: 'compute', id: NaN }, 'bad'), { type: 'refused', message: 'bad' });
    assert.deepEqual(refusalReply(null, 'bad'), { type: 'refused', message: 'bad' });
  });
});
