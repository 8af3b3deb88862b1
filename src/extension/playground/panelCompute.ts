// The host's answer to a playground compute message: each request evaluated on the engine, a
// `{ ref }` input replaced by an earlier request's output; the first failed request answers the whole message.
import type { EngineClient } from '../../engine/client';
import { fromJson } from '../../engine/tensorJson';
import type { ComputeMessage, OpResultMessage, PanelNumber, PanelOpResult, PanelTensor } from '../../protocol/panel';
import type { OpResult } from '../../protocol/engine';
import type { Tensor } from '../../protocol/tensor';

export async function computeForPanel(engine: EngineClient, m: ComputeMessage): Promise<OpResultMessage> {
  // Every request goes to the worker at once; one that takes an earlier output waits for that one only.
  const outputs: Promise<OpResult>[] = [];
  const results: Promise<PanelOpResult & { result: OpResult }>[] = [];
  for (const request of m.requests) {
    const result = (async () => {
      const inputs: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(request.inputs)) inputs[k] = 'ref' in t ? copy(pick(await outputs[t.ref], t.extra)) : fromJson(k, t);
      const options = Object.fromEntries(Object.entries(request.options).map(([k, v]) => [k, typeof v === 'object' ? fromJson(k, v) : v]));
      const r = await engine.evaluate({ op: request.op, inputs, options });
      return { output: toPanel(r.output), grad: mapTensors(r.grad), extras: mapTensors(r.extras), result: r };
    })();
    results.push(result);
    outputs.push(result.then((x) => x.result));
    outputs[outputs.length - 1].catch(() => undefined); // a failure is reported once, through `results`
  }
  const settled = await Promise.allSettled(results);
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    const reason = (settled[failed] as PromiseRejectedResult).reason as unknown;
    const text = reason instanceof Error ? reason.message : String(reason);
    return { type: 'result', id: m.id, error: m.requests.length > 1 ? `${m.requests[failed].op}: ${text}` : text };
  }
  const answers: PanelOpResult[] = settled.map((s) => {
    const { output, grad, extras } = (s as PromiseFulfilledResult<PanelOpResult & { result: OpResult }>).value;
    return { output, grad, extras };
  });
  return { type: 'result', id: m.id, results: answers };
}

function pick(r: OpResult, extra: string | undefined): Tensor {
  if (extra === undefined) return r.output;
  const t = r.extras[extra];
  if (!t) throw new Error(`no extra '${extra}'; this op has ${Object.keys(r.extras).join(', ') || 'none'}`);
  return t;
}

/** A ref'd output may feed several requests: each gets its own buffer (requests transfer theirs to the worker). */
const copy = (t: Tensor): Tensor => ({ ...t, shape: [...t.shape], data: t.data.slice() });

const mapTensors = (ts: Record<string, Tensor>) => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, toPanel(t)]));

function toPanel(t: Tensor): PanelTensor {
  const data = Array.from(t.data as ArrayLike<number | bigint>, (v): PanelNumber => {
    const x = Number(v);
    return Number.isFinite(x) ? x : (String(x) as PanelNumber);
  });
  return { shape: [...t.shape], data };
}
