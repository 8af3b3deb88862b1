// Fuzzes the host's handling of playground panel messages: valid messages of every type, then mutated ones
// (wrong types, out-of-range or oversize fields, `__proto__` names, path-like scene names, hostile override
// keys), each through the host's check and, for a compute it lets through, the real engine. A refusal must be
// a clear, short reply of the right kind; an invalid message that gets a result is wrong, a valid one refused
// is lost, a valid compute must give PyTorch's numbers, and a throw is a crash.
import type { EngineClient } from '../../src/engine/client';
import { computeForPanel } from '../../src/extension/playground/panelCompute';
import type { OpResultMessage, ToPanel } from '../../src/protocol/panel';
import { checkFromPanel, refusalReply } from '../../src/protocol/panelValidation';
import { startEngine } from '../engineWorker';
import type { FuzzContext } from './evalCases';
import { leak, type Outcome } from './outcome';
import type { Random } from './random';

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const tensor = (dtype: string, shape: unknown[], data: unknown[]) => ({ dtype, shape, data });

const VALID: Json[] = [
  { type: 'ready' },
  { type: 'stopTraining' },
  { type: 'trainingReceived', run: 'MLP on two moons (adam, lr 0.01, token)', step: 20 },
  { type: 'state', scene: 'softmax-ce' },
  { type: 'train', preset: 0, overrides: { lr: 0.01, steps: 100, optimizer: 'adam' } },
  {
    type: 'compute',
    id: 1,
    requests: [
      { op: 'cross_entropy', inputs: { input: tensor('float32', [1, 3], [1, 2, 3]), target: tensor('int64', [1], [0]) }, options: { reduction: 'mean', label_smoothing: 0.1 } },
      { op: 'log_softmax', inputs: { input: tensor('float32', [1, 3], [1, 2, 3]) }, options: {} },
      { op: 'nll_loss', inputs: { input: { ref: 1 }, target: tensor('int64', [1], [0]) }, options: {} },
    ],
  },
  {
    type: 'openInNotebook',
    title: 'Backprop',
    code: 'const x = torch.tensor([[1, 2]]);\nx',
    snapshot: { version: 1, scene: 'backprop', title: 'Backprop', numbers: 'loss 0.3', charts: [{ kind: 'distribution', version: 1, title: 't', labels: ['0', '1'], series: [{ name: 'p', values: [0.4, 0.6] }] }] },
  },
];

function withKey(o: Json, key: string, value: unknown): Json {
  const c = clone(o);
  Object.defineProperty(c, key, { value, enumerable: true, writable: true, configurable: true });
  return c;
}

type Mutation = (m: Json, r: Random) => [string, Json, boolean] | undefined;

const compute = (f: (m: Json & { requests: Json[] }, r: Random) => string): Mutation => (m, r) => {
  if (m.type !== 'compute') return undefined;
  const c = clone(m) as Json & { requests: Json[] };
  return [f(c, r), c, false];
};

const MUTATIONS: Mutation[] = [
  (m) => ['valid', clone(m), true],
  (_m, r) => [`not an object`, r.pick([null, 1, 'compute', [], true]) as unknown as Json, false],
  (m, r) => ['unknown type', { ...clone(m), type: r.pick(['computee', '__proto__', 'toString', 1, null]) }, false],
  (m) => (m.type === 'state' ? ['state of 10 MB', { type: 'state', scene: 'x'.repeat(10 * 2 ** 20) }, false] : undefined),
  (m, r) => (m.type === 'state' ? ['state not a scene', { type: 'state', scene: r.pick([1, null, {}, '../../etc', 'no-such-scene']) }, false] : undefined),
  compute((c, r) => ((c.id = r.pick([NaN, Infinity, -1, 1.5, '1', null, 2 ** 60])), 'compute id not a whole number')),
  compute((c) => ((c.requests[0].op = 'x'.repeat(100_000)), 'op name of 100 kB')),
  compute((c, r) => ((c.requests[0].op = r.pick(['__proto__', 'constructor', 'toString', 'no_such_op', ''])), 'op not an engine op')),
  compute((c, r) => (((c.requests[0].inputs as Json).input = tensor('float32', r.pick<unknown[]>([[1, -3], [1.5, 2], ['1', '3'], [2 ** 31, 2 ** 31]]), [1, 2, 3])), 'shape contents invalid')),
  compute((c, r) => (((c.requests[0].inputs as Json).input = tensor('float32', [1, 3], r.pick([[1, null, 3], [1, '2', 3], [1, [2], 3], [1, true, 3]]))), 'data element not a number')),
  compute((c) => (((c.requests[0].inputs as Json).input = tensor('float32', [1, 4], [1, 2, 3])), 'data length ≠ shape')),
  compute((c) => (((c.requests[0].inputs as Json).input = null), 'null input')),
  compute((c) => (((c.requests[0].inputs as Json).input = tensor('float32', [1, 200_000], new Array(200_000).fill(0))), 'tensor over the element cap')),
  compute((c) => ((c.requests = Array.from({ length: 40 }, () => clone(c.requests[0]))), 'too many requests')),
  compute((c) => {
    c.requests = Array.from({ length: 30 }, () => ({ ...clone(c.requests[0]), inputs: { input: tensor('float32', [1, 90_000], new Array(90_000).fill(0)), target: tensor('int64', [1], [0]) } }));
    return 'many requests under the cap each, 2.7M elements in all';
  }),
  compute((c) => ((c.requests[1].inputs = { input: { ref: 0, dtype: 'float32', shape: [1], data: [1] } }), 'tensor with both data and ref')),
  compute((c, r) => ((c.requests[1].inputs = { input: { ref: r.pick([1, 5, -1, 0.5, NaN, '0']) } }), 'ref to no earlier request')),
  compute((c) => ((c.requests[1].inputs = { input: { ref: 0, extra: 'x'.repeat(100_000) } }), 'extra name of 100 kB')),
  compute((c) => ((c.requests[0].options = { reduction: 'x'.repeat(100_000) }), 'option string of 100 kB')),
  compute((c) => ((c.requests[0].options = withKey(c.requests[0].options as Json, '__proto__', 'sum')), '__proto__ option')),
  compute((c) => ((c.requests[0].inputs = withKey(c.requests[0].inputs as Json, '__proto__', tensor('float32', [1], [1]))), '__proto__ input')),
  compute((c) => ((c.requests[0].options = { reduction: null }), 'null option')),
  compute((c) => ((c.requests[0].options = { label_smoothing: NaN }), 'NaN option')),
  compute((c, r) => ((c.requests[0].options = { [r.pick(['reductio', 'toString', 'hasOwnProperty', 'valueOf'])]: 'sum' }), 'option the op does not take')),
  compute((c) => (((c.requests[0].inputs as Json).target = tensor('int64', [1], [3])), 'target out of bounds')),
  compute((c) => (((c.requests[0].inputs as Json).target = tensor('int64', [2], [0, 1])), 'target of another batch size')),
  compute((c) => ((c.requests[0].options = { label_smoothing: 1.5 }), 'label_smoothing above 1')),
  (m, r) => {
    if (m.type !== 'openInNotebook') return undefined;
    const c = clone(m) as Json & { snapshot: Json };
    c.snapshot.scene = r.pick(['../../../../tmp/evil', '/etc/passwd', 'a/b', '..', 'backprop\u0000', 5, null, 'no-such-scene']);
    return ['snapshot scene not a known scene', c, false];
  },
  (m, r) => {
    if (m.type !== 'openInNotebook') return undefined;
    const c = clone(m) as Json & { snapshot: Json };
    const which = r.pick(['title', 'numbers', 'charts']);
    if (which === 'title') c.title = 'x'.repeat(100_000);
    if (which === 'numbers') c.snapshot.numbers = 'x'.repeat(1_000_000);
    if (which === 'charts') c.snapshot.charts = Array.from({ length: 5000 }, () => clone((m.snapshot as { charts: unknown[] }).charts[0]));
    return [`oversize ${which}`, c, false];
  },
  (m, r) => {
    if (m.type !== 'openInNotebook') return undefined;
    const c = clone(m) as Json & { snapshot: Json };
    c.snapshot.charts = [r.pick([null, 1, { kind: 'pie' }, { kind: 'distribution', labels: 'x', series: [] }])];
    return ['chart of the wrong form', c, false];
  },
  (m, r) => {
    if (m.type !== 'train') return undefined;
    const key = r.pick(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']);
    return [`override named ${key}`, { ...clone(m), overrides: withKey({}, key, 1) }, false];
  },
  (m, r) => (m.type === 'train' ? ['preset not an index', { ...clone(m), preset: r.pick([-1, 1.5, NaN, '0', 2 ** 40]) }, false] : undefined),
];

/** The three answers of the valid compute, from PyTorch's definitions: z = [1, 2, 3], target 0. */
function expectedCompute(): number[][] {
  const z = [1, 2, 3];
  const lse = Math.log(z.reduce((a, x) => a + Math.exp(x), 0));
  const logp = z.map((x) => x - lse);
  const nll = -logp[0];
  const smoothed = 0.9 * nll + (0.1 * -logp.reduce((a, b) => a + b, 0)) / 3; // label_smoothing 0.1
  return [[smoothed], logp, [nll]];
}

/** An error text a user can read: no internals, and short (a 10 MB field is never echoed back). */
function unclear(text: string | undefined): string | undefined {
  if (!text) return 'an empty error';
  if (leak(text)) return `internal words (${leak(text)})`;
  if (text.length > 1000) return `an error of ${text.length} characters`;
  return undefined;
}

/** Judges the host's answer to one message. */
async function judge(engine: EngineClient, message: Json, valid: boolean): Promise<[Outcome, string]> {
  const checked = checkFromPanel(message, { presets: PRESETS });
  if (!checked.ok) {
    const reply: ToPanel = refusalReply(message, checked.error);
    const text = reply.type === 'result' ? reply.error : reply.type === 'trainingEnd' ? reply.message : reply.type === 'refused' ? reply.message : undefined;
    const bad = unclear(text);
    if (bad) return ['crash', `refused with ${bad}: ${String(text).slice(0, 160)}`];
    if (message?.type === 'compute' && Number.isSafeInteger(message.id) && (message.id as number) >= 0 && (reply.type !== 'result' || reply.id !== message.id)) return ['lost', `a refused compute got no reply of its id: ${JSON.stringify(reply).slice(0, 160)}`];
    return valid ? ['lost', `refused a valid ${String(message.type)} message: ${checked.error}`] : ['error', ''];
  }
  if (checked.message.type !== 'compute') return valid ? ['correct', ''] : ['wrong', `accepted: ${JSON.stringify(message).slice(0, 160)}`];
  const reply: OpResultMessage = await computeForPanel(engine, checked.message);
  if (reply.error !== undefined) {
    const bad = unclear(reply.error);
    if (bad) return ['crash', `the engine answered with ${bad}: ${reply.error.slice(0, 160)}`];
    return valid ? ['lost', `a valid compute failed: ${reply.error}`] : ['error', ''];
  }
  if (!valid) return ['wrong', `computed: ${JSON.stringify(message).slice(0, 160)}`];
  const got = (reply.results ?? []).map((r) => r.output.data.map(Number));
  const want = expectedCompute();
  const off = want.findIndex((w, i) => w.length !== got[i]?.length || w.some((x, j) => Math.abs(x - got[i][j]) > 1e-5));
  return off < 0 && reply.id === message.id ? ['correct', ''] : ['wrong', `request ${off}: ${JSON.stringify(got[off])} instead of ${JSON.stringify(want[off])}`];
}

/** Training presets the fuzzed host offers (the extension's own list needs VS Code). */
const PRESETS = 4;

export async function fuzzPanel(ctx: FuzzContext): Promise<void> {
  const r = ctx.random;
  const engine = startEngine();
  try {
    let made = 0;
    for (let k = 0; made < ctx.count && k < ctx.count * 20; k++) {
      const base = r.pick(VALID);
      const mutant = r.pick(MUTATIONS)(base, r);
      if (!mutant) continue;
      made++;
      const [name, message, valid] = mutant;
      let outcome: Outcome;
      let detail = '';
      try {
        [outcome, detail] = await judge(engine, message, valid);
      } catch (error) {
        outcome = 'crash';
        detail = String(error);
      }
      ctx.tally.add('panel', `${String(base.type)}: ${name}`, outcome, detail);
    }
  } finally {
    engine.dispose();
  }
}
