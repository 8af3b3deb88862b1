// One parsed Python file as the rules see it: imported names, per-function bindings, `self.x = …` attributes
// of each class, and the few ways a value flows that the rules follow (local names, view-like methods,
// tuple unpacking, `self.loss_fn`). What it cannot follow it reports as unknown, and the rules stay silent.
import { argument, enclosingClass, enclosingFunction, field, methodName, methodObject, named, unparen } from './ast';
import { Imports, torchName } from './names';
import type { Node } from './syntax';
import { Scope, type Def } from './scope';

/** Tensor methods that keep what a value is (probabilities stay probabilities, token ids stay token ids). */
export const VIEW_LIKE = new Set(['view', 'reshape', 'flatten', 'contiguous', 'float', 'double', 'half', 'bfloat16', 'to', 'type', 'squeeze', 'unsqueeze', 'permute', 'transpose', 'clone', 'cuda', 'cpu', 'long', 'int', 'view_as', 'reshape_as', 'detach', 'type_as']);

/** Any collective that could share the count between ranks (then LL006 leaves the file alone). */
const COLLECTIVE = /\b(all_reduce|all_gather|all_gather_into_tensor|reduce_scatter|reduce|gather|all_reduce_coalesced)\s*\(/;

export type Activation = 'softmax' | 'sigmoid' | 'log_softmax' | 'log';

export interface ActivationCall {
  kind: Activation;
  call: Node;
  /** What the activation is applied to. */
  input: Node;
  /** `x.softmax(-1)` rather than `F.softmax(x, -1)`. */
  method: boolean;
}

export interface Constructed {
  /** PyTorch class, one spelling (`CrossEntropyLoss`). */
  name: string;
  call: Node;
}

export class PyModule {
  readonly imports: Imports;
  private readonly moduleScope: Scope;
  private readonly scopes = new Map<number, Scope>();
  private readonly attributes = new Map<number, Map<string, Node[]>>();
  private readonly memo = new Map<string, Map<number, unknown>>();
  private isDistributed: boolean | undefined;
  private hasCollective: boolean | undefined;

  constructor(readonly root: Node, readonly text: string) {
    this.imports = new Imports(root);
    this.moduleScope = new Scope(root, undefined);
  }

  /** `compute()` once per table and node: every rule asks the same questions of the same nodes. */
  cached<T>(table: string, node: Node, compute: () => T): T {
    let map = this.memo.get(table);
    if (!map) this.memo.set(table, (map = new Map()));
    if (map.has(node.id)) return map.get(node.id) as T;
    const value = compute();
    map.set(node.id, value);
    return value;
  }

  scopeOf(node: Node): Scope {
    const fn = node.type === 'function_definition' ? node : enclosingFunction(node);
    if (!fn) return this.moduleScope;
    let s = this.scopes.get(fn.id);
    if (!s) this.scopes.set(fn.id, (s = new Scope(this.root, fn)));
    return s;
  }

  /** The dotted path of an imported name (`F.softmax` → `torch.nn.functional.softmax`), unless rebound locally. */
  qualify(expression: Node): string | undefined {
    return this.cached('qualify', expression, () => {
      const scope = this.scopeOf(expression);
      return this.imports.qualify(expression, (name) => scope.binds(name) && scope !== this.moduleScope);
    });
  }

  /** The PyTorch function or class an expression names, in one spelling. */
  torch(expression: Node): string | undefined {
    return torchName(this.qualify(expression));
  }

  /** The binding a use of `identifier` sees: in its function, else (if the function never binds it) the module's last one. */
  lookup(identifier: Node): Def | undefined {
    const scope = this.scopeOf(identifier);
    if (scope.binds(identifier.text)) return scope.reaching(identifier.text, identifier.startIndex);
    const all = this.moduleScope.all(identifier.text);
    return all.length === 1 ? all[0] : undefined;
  }

  /** `self.name = value` in the methods of the class around `node`: the value, when there is exactly one. */
  selfAttribute(expression: Node): Node | undefined {
    const e = unparen(expression);
    if (e.type !== 'attribute' || field(e, 'object')?.text !== 'self') return undefined;
    const cls = enclosingClass(e);
    if (!cls) return undefined;
    let map = this.attributes.get(cls.id);
    if (!map) this.attributes.set(cls.id, (map = classAttributes(cls)));
    const values = map.get(field(e, 'attribute')!.text) ?? [];
    return values.length === 1 ? values[0] : undefined;
  }

  /** The value an expression has, followed through local names and `self.x`, or undefined. */
  valueOf(expression: Node): Node | undefined {
    const e = unparen(expression);
    if (e.type === 'identifier') {
      const def = this.lookup(e);
      return def && !def.operator ? def.value : undefined;
    }
    if (e.type === 'attribute') return this.selfAttribute(e);
    return undefined;
  }

  /**
   * The chain of expressions an expression comes from: itself, then through local names and view-like
   * methods (and subscripts, when `subscripts`) back to where the value was made. The last one is the origin.
   */
  trace(expression: Node, subscripts = true): readonly Node[] {
    return this.cached(subscripts ? 'trace' : 'trace-no-subscripts', expression, () => this.traced(expression, subscripts));
  }

  private traced(expression: Node, subscripts: boolean): Node[] {
    const chain: Node[] = [];
    let n: Node | undefined = unparen(expression);
    while (n && chain.length < 24) {
      chain.push(n);
      if (n.type === 'identifier') n = this.valueOf(n);
      else if (n.type === 'call' && VIEW_LIKE.has(methodName(n) ?? '') && !this.qualify(field(n, 'function')!)) n = methodObject(n);
      else if (n.type === 'subscript' && subscripts) n = field(n, 'value');
      else n = undefined;
      if (n) n = unparen(n);
    }
    return chain;
  }

  origin(expression: Node, subscripts = true): Node {
    const chain = this.trace(expression, subscripts);
    return chain[chain.length - 1];
  }

  /** The PyTorch module class a callable was built from: `nn.CrossEntropyLoss()(…)`, `criterion(…)`, `self.loss_fn(…)`. */
  constructed(callee: Node): Constructed | undefined {
    const c = unparen(callee);
    const made = c.type === 'call' ? c : this.valueOf(c);
    if (!made || unparen(made).type !== 'call') return undefined;
    const call = unparen(made);
    const name = this.torch(field(call, 'function')!);
    return name && /^[A-Z]/.test(name) ? { name, call } : undefined;
  }

  /** Is `node` a call of softmax / sigmoid / log_softmax / log, in any of PyTorch's spellings? */
  activation(node: Node): ActivationCall | undefined {
    return this.cached('activation', node, () => this.activationCall(node));
  }

  private activationCall(node: Node): ActivationCall | undefined {
    const call = unparen(node);
    if (call.type !== 'call') return undefined;
    const fn = field(call, 'function')!;
    const path = this.qualify(fn);
    const fname = torchName(path);
    if (fname === 'softmax' || fname === 'sigmoid' || fname === 'log_softmax' || fname === 'log') {
      const input = argument(call, 0, 'input');
      return input && { kind: fname, call, input, method: false };
    }
    const method = methodName(call);
    if (!path && (method === 'softmax' || method === 'sigmoid' || method === 'log_softmax' || method === 'log')) {
      const object = methodObject(call)!;
      if (this.qualify(object)) return undefined; // a module's function we do not know
      return { kind: method, call, input: object, method: true };
    }
    const built = this.constructed(fn);
    const kinds: Record<string, Activation> = { Softmax: 'softmax', Sigmoid: 'sigmoid' };
    const input = positional0(call);
    if (built && kinds[built.name] && input) return { kind: kinds[built.name], call, input, method: false };
    return undefined;
  }

  /** The activation a value comes from (through names, views and subscripts), if any. */
  activationOf(expression: Node): ActivationCall | undefined {
    for (const n of this.trace(expression)) {
      const a = this.activation(n);
      if (a) return a;
    }
    return undefined;
  }

  /** Does the binding `name` sees get changed in place (`x[i] = v`, `x.masked_fill_(…)`) before `name`? */
  writtenInPlace(name: Node, def: Def | undefined): boolean {
    const scope = this.scopeOf(name);
    const from = def?.index ?? 0;
    for (const n of (scope.fn ?? scope.root).descendantsOfType(['assignment', 'augmented_assignment', 'call'])) {
      if (!n || n.startIndex < from || n.endIndex > name.startIndex) continue;
      const target = n.type === 'call' ? (/_$/.test(methodName(n) ?? '') ? methodObject(n) : undefined) : field(n, 'left');
      const base = target && (target.type === 'subscript' ? field(target, 'value') : n.type === 'call' ? target : undefined);
      if (base && unparen(base).text === name.text) return true;
    }
    return false;
  }

  /** Is `node` inside `with torch.no_grad():` (or `torch.inference_mode()`)? */
  underNoGrad(node: Node): boolean {
    for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
      if (p.type !== 'with_statement') continue;
      for (const item of p.descendantsOfType('with_item')) {
        const v = item && field(item, 'value');
        const call = v && unparen(v.type === 'as_pattern' ? named(v)[0] : v);
        if (call?.type === 'call' && this.torch(field(call, 'function')!) === 'no_grad') return true;
      }
    }
    return false;
  }

  /** Is the file distributed data-parallel code (torch.distributed or DistributedDataParallel)? */
  get distributed(): boolean {
    return (this.isDistributed ??= this.imports.uses('torch.distributed') || this.imports.uses('torch.nn.parallel') || /\b(DistributedDataParallel|torch\.distributed)\b/.test(this.text));
  }

  /** Does the file call any collective that could share a token count between ranks? */
  get sharesTokenCounts(): boolean {
    return (this.hasCollective ??= COLLECTIVE.test(this.text));
  }
}

function positional0(call: Node): Node | undefined {
  const args = field(call, 'arguments');
  const first = args && named(args)[0];
  return first && first.type !== 'keyword_argument' && first.type !== 'dictionary_splat' && first.type !== 'list_splat' ? first : undefined;
}

/** `self.x = v` in the class's methods, by attribute name (only direct methods; `self` is their first parameter). */
function classAttributes(cls: Node): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const a of cls.descendantsOfType('assignment')) {
    const left = a && field(a, 'left');
    if (!a || left?.type !== 'attribute' || field(left, 'object')?.text !== 'self') continue;
    if (enclosingClass(a)?.id !== cls.id) continue;
    const name = field(left, 'attribute')!.text;
    map.set(name, [...(map.get(name) ?? []), field(a, 'right')!]);
  }
  return map;
}
