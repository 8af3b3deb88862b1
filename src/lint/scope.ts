// Where a local name got its value: the assignments of one function (or of the module), in source order.
// A use sees the last assignment before it; names bound by loops, `with … as`, parameters or unpacking of an
// unknown value are known to exist but have no value to follow.
import { enclosingClass, enclosingFunction, field, named, unparen } from './ast';
import type { Node } from './syntax';

export interface Def {
  name: string;
  /** Offset from which the binding holds (the end of the statement that makes it). */
  index: number;
  /** The value bound, when the binding is `name = value` (or one element of `a, b = x, y`). */
  value?: Node;
  /** For `name op= value`: the operator (`/=`, `*=`, …); the previous binding continues, changed. */
  operator?: string;
  statement: Node;
}

const BINDERS = ['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause', 'as_pattern', 'named_expression', 'parameters'];

export class Scope {
  private readonly defs = new Map<string, Def[]>();

  /** `fn` undefined: the module's own (top-level) bindings. */
  constructor(readonly root: Node, readonly fn: Node | undefined) {
    const owner = fn ?? root;
    for (const node of owner.descendantsOfType(BINDERS)) {
      if (!node || !this.owns(node)) continue;
      this.read(node);
    }
    for (const list of this.defs.values()) list.sort((a, b) => a.index - b.index);
  }

  private owns(node: Node): boolean {
    const f = enclosingFunction(node);
    if (node.type === 'parameters') return !!this.fn && node.parent?.id === this.fn.id;
    if (this.fn) return f?.id === this.fn.id;
    return !f && !enclosingClass(node);
  }

  private add(def: Def): void {
    const list = this.defs.get(def.name) ?? [];
    list.push(def);
    this.defs.set(def.name, list);
  }

  private read(node: Node): void {
    switch (node.type) {
      case 'assignment': {
        const right = field(node, 'right');
        // `a = b = x`: the inner assignment binds too (it is read on its own); this one binds to the same value.
        const value = right?.type === 'assignment' ? innermostValue(right) : right;
        this.bind(field(node, 'left'), value, node);
        return;
      }
      case 'augmented_assignment': {
        const left = field(node, 'left');
        if (left?.type === 'identifier') this.add({ name: left.text, index: node.endIndex, value: field(node, 'right'), operator: field(node, 'operator')?.text, statement: node });
        return;
      }
      case 'for_statement':
        return this.bind(field(node, 'left'), undefined, node, field(node, 'left')!.endIndex);
      case 'for_in_clause':
        return this.bind(field(node, 'left'), undefined, node, field(node, 'left')?.endIndex);
      case 'as_pattern': {
        const alias = field(node, 'alias');
        if (alias) this.bind(alias.type === 'as_pattern_target' ? named(alias)[0] : alias, undefined, node);
        return;
      }
      case 'named_expression': {
        const name = field(node, 'name');
        if (name) this.add({ name: name.text, index: node.endIndex, value: field(node, 'value'), statement: node });
        return;
      }
      default: // parameters
        for (const p of named(node)) {
          const id = p.type === 'identifier' ? p : named(p).find((c) => c.type === 'identifier');
          if (id) this.add({ name: id.text, index: node.startIndex, statement: node });
        }
    }
  }

  /** Binds a target pattern; a tuple of targets takes the matching element of a tuple of values. */
  private bind(target: Node | undefined, value: Node | undefined, statement: Node, index = statement.endIndex): void {
    if (!target) return;
    const t = unparen(target);
    if (t.type === 'identifier') return this.add({ name: t.text, index, value, statement });
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'expression_list'].includes(t.type)) {
      const targets = named(t);
      const v = value && unparen(value);
      const values = v && ['expression_list', 'tuple', 'list'].includes(v.type) ? named(v) : undefined;
      const same = values && values.length === targets.length && !values.some((x) => x.type === 'list_splat');
      targets.forEach((x, i) => this.bind(x.type === 'list_splat_pattern' ? named(x)[0] : x, same ? values[i] : undefined, statement, index));
    }
    // attributes and subscripts are not name bindings
  }

  /** True when the scope binds `name` anywhere. */
  binds(name: string): boolean {
    return this.defs.has(name);
  }

  /** The binding of `name` that a use at `index` sees: the last one before it. */
  reaching(name: string, index: number): Def | undefined {
    const list = this.defs.get(name);
    if (!list) return undefined;
    let found: Def | undefined;
    for (const d of list) if (d.index <= index) found = d;
    return found;
  }

  /** All bindings of `name` in source order. */
  all(name: string): readonly Def[] {
    return this.defs.get(name) ?? [];
  }
}

function innermostValue(node: Node): Node | undefined {
  let n: Node | undefined = node;
  while (n?.type === 'assignment') n = field(n, 'right');
  return n;
}
