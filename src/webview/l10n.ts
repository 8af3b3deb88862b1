// Webview strings in VS Code's display language: the host puts its l10n bundle (vscode.l10n.bundle) in the
// page as `data-l10n` on the app element; `t` then translates like vscode.l10n.t ({0} placeholders).
import * as l10n from '@vscode/l10n';

export function loadTranslations(app: HTMLElement): void {
  const bundle = app.dataset.l10n;
  if (bundle) l10n.config({ contents: JSON.parse(bundle) as Record<string, string> });
}

export const t = l10n.t;
