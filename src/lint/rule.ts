// What a rule is: a stable code, its documentation (one-line math, the playground scene that shows it) and
// a check over one parsed file that yields findings at the call that gets the bad value.
import { field } from './ast';
import type { PyModule } from './module';
import type { Node } from './syntax';

import type { Fix, RuleCode, TextEdit } from '../protocol/lint';
import type { SceneSettings } from '../protocol/panel';

export { RULE_CODES } from '../protocol/lint';
export type { Fix, RuleCode, TextEdit } from '../protocol/lint';

/** Playground scenes a finding can open (ids of the playground's scenes). */
export type SceneId = 'softmax-ce' | 'other' | 'masks' | 'training';


export interface RuleFinding {
  node: Node;
  message: string;
  fix?: Fix;
}

export interface RuleContext {
  module: PyModule;
  /** The calls of the statement being checked, in source order: where the rules start from. */
  calls: readonly Node[];
  /** The statement's nodes of these types (and the statement itself, if it is one), in source order. */
  nodes(types: readonly string[]): readonly Node[];
}

export interface Rule {
  code: RuleCode;
  /** Short name, as in the README's heading. */
  title: string;
  /** The one-line math of why it changes the objective (hover). */
  math: string;
  scene: SceneId;
  /** The scene's controls set so that it shows this bug (the hover's Open in Playground link applies them). */
  sceneSettings: SceneSettings;
  check(context: RuleContext): Iterable<RuleFinding>;
}

/** Replaces `node` with `text`. */
export function replace(node: Node, text: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, text };
}

/** `F.softmax(x)` / `x.softmax(-1)` → the same call of `name`; undefined for other spellings. */
export function renameCallee(call: Node, name: string, title: string): Fix | undefined {
  const fn = field(call, 'function');
  const attribute = fn?.type === 'attribute' ? field(fn, 'attribute') : undefined;
  return attribute ? { title, edits: [replace(attribute, name)] } : undefined;
}
