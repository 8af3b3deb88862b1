// Guesses which tensor of a file is the logits, the labels, the mask and the input ids, from names and shapes:
// logits [B, T, V] or [N, V] (a float tensor), labels and masks with the logits' leading shape.
import type { InspectRoles, InspectSettings, TensorInfo } from '../protocol/inspect';

const FLOAT = ['float32', 'float16', 'bfloat16', 'float64'];

function leading(shape: number[]): string {
  return shape.slice(0, -1).join();
}

function best(candidates: TensorInfo[], patterns: RegExp[]): TensorInfo | undefined {
  for (const p of patterns) {
    const hit = candidates.find((t) => p.test(t.name.split('.').pop() ?? t.name));
    if (hit) return hit;
  }
  return undefined;
}

export function guessRoles(tensors: TensorInfo[]): { roles?: InspectRoles; shift: boolean } {
  const floats = tensors.filter((t) => FLOAT.includes(t.dtype) && (t.shape.length === 2 || t.shape.length === 3));
  const logits = best(floats, [/^logits$/i, /logit/i, /scores/i]) ?? [...floats].sort((a, b) => b.bytes - a.bytes)[0];
  if (!logits) return { shift: false };
  const sameLead = tensors.filter((t) => t !== logits && !FLOAT.includes(t.dtype) && t.shape.join() === leading(logits.shape));
  const labels = best(sameLead, [/^labels?$/i, /^targets?$/i, /label|target/i]);
  const inputIds = best(sameLead, [/input_ids/i, /^ids$|tokens/i]);
  const mask = best(sameLead, [/^loss_mask$/i, /^attention_mask$/i, /mask/i]);
  const chosen = labels ?? inputIds ?? sameLead.find((t) => t !== mask);
  if (!chosen) return { shift: false };
  return {
    roles: { logits: logits.name, labels: chosen.name, mask: mask?.name, inputIds: chosen !== inputIds ? inputIds?.name : undefined },
    shift: chosen === inputIds,
  };
}

/** Settings for a file from its guessed roles and PyTorch's defaults (ignore_index −100, no pad id). */
export function defaultSettings(tensors: TensorInfo[]): InspectSettings | undefined {
  const { roles, shift } = guessRoles(tensors);
  return roles && { roles, ignoreIndex: -100, shift, worst: 20 };
}

/** Why no roles could be guessed: what the file lacks, named with the tensors it has. */
export function missingRoles(tensors: TensorInfo[]): string {
  const list = (ts: TensorInfo[]) => ts.slice(0, 12).map((t) => `${t.name} ${t.dtype}[${t.shape.join(', ')}]`).join(', ') + (ts.length > 12 ? `, … (${ts.length} tensors)` : '');
  if (tensors.length === 0) return 'the file holds no tensor';
  const floats = tensors.filter((t) => FLOAT.includes(t.dtype) && (t.shape.length === 2 || t.shape.length === 3));
  if (floats.length === 0) return `no logits: no floating-point tensor of shape [B, T, V] or [N, V] among ${list(tensors)}`;
  const { roles } = guessRoles(tensors);
  if (roles) return '';
  const logits = best(floats, [/^logits$/i, /logit/i, /scores/i]) ?? [...floats].sort((a, b) => b.bytes - a.bytes)[0];
  return `no labels: no integer tensor of shape [${leading(logits.shape).split(',').join(', ')}] to score '${logits.name}' ${logits.dtype}[${logits.shape.join(', ')}] against, among ${list(tensors)}`;
}
