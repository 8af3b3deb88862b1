// `lossLab.lint.enable` and `lossLab.lint.rules` ({"LL006": "off", "LL002": "error"}; warning by default).
import * as vscode from 'vscode';
import { RULE_CODES, type RuleCode } from '../../lint/rule';

export type Level = 'off' | 'warning' | 'error';

export interface LintSettings {
  enabled: boolean;
  level(code: RuleCode): Level;
  /** The rules not turned off. */
  selected: RuleCode[];
}

export function lintSettings(scope?: vscode.ConfigurationScope): LintSettings {
  const config = vscode.workspace.getConfiguration('lossLab.lint', scope);
  const rules = config.get<Record<string, string>>('rules') ?? {};
  const level = (code: RuleCode): Level => {
    const v = rules[code];
    return v === 'off' || v === 'error' ? v : 'warning';
  };
  return { enabled: config.get<boolean>('enable', true), level, selected: RULE_CODES.filter((c) => level(c) !== 'off') };
}
