// Gradient accumulation as written in training loops: a loop whose optimizer steps only inside
// `if (step + 1) % k == 0:`; `k` is the number of micro-batches per update.
import { argument, field, methodName, methodObject, unparen } from './ast';
import type { PyModule } from './module';
import type { Node } from './syntax';

export interface Accumulation {
  /** The for/while loop over micro-batches. */
  loop: Node;
  /** The `if` that steps the optimizer. */
  guard: Node;
  /** The modulus: how many micro-batches each step takes. */
  k: Node;
}

function modulus(condition: Node): Node | undefined {
  const ops = [unparen(condition), ...condition.descendantsOfType('binary_operator').filter((n): n is Node => !!n)];
  for (const op of ops) if (op.type === 'binary_operator' && field(op, 'operator')?.text === '%') return field(op, 'right');
  return undefined;
}

/** Every loop that steps an optimizer every k-th iteration. */
export function accumulations(m: PyModule, calls: readonly Node[]): Accumulation[] {
  const found = new Map<number, Accumulation>();
  for (const call of calls) {
    if (methodName(call) !== 'step' || !/opt|scaler/i.test(methodObject(call)!.text)) continue;
    let guard: Node | undefined;
    for (let p = call.parent; p && p.type !== 'function_definition'; p = p.parent) {
      if (!guard && p.type === 'if_statement') {
        const k = modulus(field(p, 'condition')!);
        if (k) guard = p;
        continue;
      }
      if (guard && (p.type === 'for_statement' || p.type === 'while_statement')) {
        found.set(guard.id, { loop: p, guard, k: modulus(field(guard, 'condition')!)! });
        break;
      }
    }
  }
  void m;
  return [...found.values()];
}

/** `loss.backward()` and `scaler.scale(loss).backward()` in the loop, outside the stepping `if`: the loss each one differentiates. */
export function backwardCalls(m: PyModule, acc: Accumulation, calls: readonly Node[]): { call: Node; loss: Node }[] {
  const out: { call: Node; loss: Node }[] = [];
  for (const call of calls) {
    if (call.startIndex < acc.loop.startIndex || call.endIndex > acc.loop.endIndex) continue;
    if (call.startIndex >= acc.guard.startIndex && call.endIndex <= acc.guard.endIndex) continue;
    if (methodName(call) !== 'backward' || field(call, 'arguments')!.namedChildCount > 0) continue;
    let loss = unparen(methodObject(call)!);
    if (loss.type === 'call' && methodName(loss) === 'scale') loss = argument(loss, 0, 'outputs') ?? loss;
    out.push({ call, loss });
  }
  void m;
  return out;
}
