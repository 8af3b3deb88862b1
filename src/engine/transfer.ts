// Which ArrayBuffers a message may transfer (move) instead of copying.
import type { OpRequest, OpResult } from '../protocol/engine';
import type { Tensor } from '../protocol/tensor';

/** Buffers wholly owned by one tensor; views into a larger or shared buffer are copied instead. */
function ownedBuffers(tensors: Iterable<Tensor | unknown>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of tensors) {
    const data = (t as Tensor | undefined)?.data;
    if (!ArrayBuffer.isView(data) || !(data.buffer instanceof ArrayBuffer)) continue;
    if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) buffers.add(data.buffer);
  }
  return [...buffers];
}

export function resultBuffers(result: OpResult): ArrayBuffer[] {
  return ownedBuffers([result.output, ...Object.values(result.grad), ...Object.values(result.extras)]);
}

export function requestBuffers(request: OpRequest): ArrayBuffer[] {
  return ownedBuffers([...Object.values(request.inputs), ...Object.values(request.options ?? {})]);
}
