// Hover on a loss-lint finding: the rule's one-line math and a link that opens the playground at the scene
// that shows the bug with numbers.
import * as vscode from 'vscode';
import { RULES } from '../../lint/rules';
import type { LintDiagnostics } from './diagnostics';

export const OPEN_SCENE_COMMAND = 'lossLab.openPlaygroundScene';

export class LintHover implements vscode.HoverProvider {
  constructor(private readonly diagnostics: LintDiagnostics) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const offset = doc.offsetAt(position);
    const here = this.diagnostics.findingsOf(doc.uri).filter((f) => f.start <= offset && offset <= f.end);
    if (!here.length) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [OPEN_SCENE_COMMAND] };
    for (const f of here) {
      const rule = RULES[f.code];
      const link = `command:${OPEN_SCENE_COMMAND}?${encodeURIComponent(JSON.stringify([rule.scene, rule.sceneSettings]))}`;
      md.appendMarkdown(`**${f.code}** ${rule.title}\n\n`);
      md.appendMarkdown(`\`${rule.math}\`\n\n`);
      md.appendMarkdown(`[${vscode.l10n.t('Open in Playground')}](${link} "${vscode.l10n.t('See this bug with numbers in the Loss Playground')}")\n\n`);
    }
    const first = here[0];
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(first.start), doc.positionAt(first.end)));
  }
}
