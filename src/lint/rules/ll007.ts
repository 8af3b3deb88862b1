// LL007 — detached focal weight: the modulating factor (1 − p_t)^γ built from a detached p_t (or under
// no_grad) is a constant to autograd, so the focal loss's own gradient term is lost.
import { argument, field, methodName, methodObject, named, unparen } from '../ast';
import type { PyModule } from '../module';
import type { Node } from '../syntax';
import type { Rule } from '../rule';

export const LL007: Rule = {
  code: 'LL007',
  title: 'focal loss modulating factor detached from the graph',
  math: 'FL = −(1 − p_t)^γ log p_t; ∂FL/∂p_t = γ(1 − p_t)^{γ−1} log p_t − (1 − p_t)^γ / p_t — detaching p_t in the factor drops the first term',
  scene: 'softmax-ce',
  sceneSettings: { gamma: 2, naive: false },
  *check({ module, nodes }) {
    for (const node of nodes(['binary_operator', 'call'])) {
      if (!node) continue;
      const base = focalBase(module, node);
      if (!base || !weighsALoss(module, node)) continue;
      const why = detached(module, base, 0);
      if (!why) continue;
      yield {
        node,
        message: `the focal modulating factor is built from ${why}: autograd treats (1 − p_t)^γ as a constant, so the gradient loses the γ(1 − p_t)^(γ−1)·log p_t term and the loss behaves like a re-weighted cross-entropy rather than focal loss. Compute p_t from the live log-probabilities (no .detach(), not under torch.no_grad()).`,
      };
    }
  },
};

/** `(1 - x) ** g`, `torch.pow(1 - x, g)`, `(1 - x).pow(g)`: x. */
function focalBase(m: PyModule, node: Node): Node | undefined {
  let base: Node | undefined;
  if (node.type === 'binary_operator' && field(node, 'operator')!.text === '**') base = field(node, 'left');
  else if (node.type === 'call' && m.torch(field(node, 'function')!) === 'pow') base = argument(node, 0, 'input');
  else if (node.type === 'call' && methodName(node) === 'pow' && !m.qualify(field(node, 'function')!)) base = methodObject(node);
  if (!base) return undefined;
  const b = m.origin(base, false);
  if (b.type !== 'binary_operator' || field(b, 'operator')!.text !== '-' || !/^1(\.0*)?$/.test(unparen(field(b, 'left')!).text)) return undefined;
  return field(b, 'right');
}

/** The factor multiplies something: directly (`w * ce`) or through a name (`w = …; loss = w * ce`). */
function weighsALoss(m: PyModule, node: Node): boolean {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'binary_operator' && field(p, 'operator')!.text === '*') return true;
  if (p?.type === 'unary_operator' && p.parent?.type === 'binary_operator' && field(p.parent, 'operator')!.text === '*') return true;
  if (p?.type !== 'assignment' || field(p, 'left')?.type !== 'identifier') return false;
  const name = field(p, 'left')!.text;
  const scope = m.scopeOf(p);
  for (const op of (scope.fn ?? scope.root).descendantsOfType('binary_operator')) {
    if (!op || op.startIndex < p.endIndex || field(op, 'operator')!.text !== '*') continue;
    if ([field(op, 'left')!, field(op, 'right')!].some((x) => unparen(x).text === name || unparen(x).text === `-${name}`)) return true;
  }
  return false;
}

/** Why a value has no gradient: it comes through `.detach()`, `.data` or a binding made under no_grad. */
function detached(m: PyModule, expression: Node, depth: number): string | undefined {
  if (depth > 4) return undefined;
  const e = unparen(expression);
  const parts = [e, ...e.descendantsOfType(['call', 'attribute', 'identifier']).filter((n): n is Node => !!n)];
  for (const n of parts) {
    if (n.type === 'call' && methodName(n) === 'detach') return `${methodObject(n)!.text}.detach()`;
    if (n.type === 'attribute' && field(n, 'attribute')!.text === 'data') return `${n.text} (no gradient)`;
    if (n.type !== 'identifier' || n.parent?.type === 'attribute' && field(n.parent, 'attribute')?.id === n.id) continue;
    if (n.parent?.type === 'keyword_argument' && field(n.parent, 'name')?.id === n.id) continue;
    const def = m.lookup(n);
    if (!def || def.operator) continue;
    if (m.underNoGrad(def.statement)) return `${n.text}, computed under torch.no_grad()`;
    const why = def.value && detached(m, def.value, depth + 1);
    if (why) return why;
  }
  void named;
  return undefined;
}
