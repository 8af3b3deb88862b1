// The HTML shell of every Loss Lab webview: strict CSP (default-src 'none', nonce'd scripts and styles),
// plotly.js and the view's bundle from dist/, and the nonce'd empty style element plotly fills through the
// CSSOM instead of injecting a <style> tag (which the CSP would refuse).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  title: string;
  /** Bundle in dist/webview/, e.g. 'logView.js'. */
  script: string;
  /** Static markup of the page body (ids the script fills in). */
  body: string;
  /** Page-specific CSS. */
  css?: string;
  /** plotly.js bundle in dist/ (default 'plotly.min.js', the basic one: scatter and bar, SVG only). */
  plotly?: string;
  /** Stylesheets in dist/ the page links, e.g. 'katex/katex.min.css' (linked, never inlined: the CSP holds). */
  stylesheets?: string[];
}

/** Options for panels that show a Loss Lab page: scripts on, resources limited to dist/ and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data: blob:`, // blob: for Plotly.toImage (PNG export)
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${page.title}</title>
<style nonce="${nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); }
  .control { display: inline-flex; align-items: center; gap: 6px; margin-right: 14px; }
  .error { color: var(--vscode-errorForeground); }
  /* Native controls in the editor theme: without these, text fields and selects stay white in a dark theme. */
  body.vscode-dark, body.vscode-high-contrast { color-scheme: dark; }
  body.vscode-light, body.vscode-high-contrast-light { color-scheme: light; }
  input:not([type="range"]):not([type="checkbox"]), select, textarea { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-widget-border, transparent)); border-radius: 2px; font: inherit; padding: 2px 4px; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border-color: var(--vscode-dropdown-border, transparent); }
  input::placeholder { color: var(--vscode-input-placeholderForeground); }
  input:focus, select:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  input[type="range"] { accent-color: var(--vscode-button-background); }
  ${page.css ?? ''}
</style>
${(page.stylesheets ?? []).map((href) => `<link rel="stylesheet" href="${asset(...href.split('/'))}">`).join('\n')}
<style id="plotly.js-style-global" nonce="${nonce}"></style>
<script nonce="${nonce}" src="${asset(page.plotly ?? 'plotly.min.js')}"></script>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${asset('webview', page.script)}"></script>
</body>
</html>`;
}

/** ` data-l10n="…"`: VS Code's l10n bundle for the page's `t()` (src/webview/l10n.ts), as an HTML attribute. */
export function l10nAttribute(): string {
  return ` data-l10n="${attribute(JSON.stringify(vscode.l10n.bundle ?? {}))}"`;
}

/** Text safe inside a double-quoted HTML attribute. */
export const attribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
