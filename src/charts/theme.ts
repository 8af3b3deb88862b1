// Chart colours from the editor theme: the host page's --vscode-* CSS variables (a webview or notebook
// output), with light defaults for standalone reports.

export interface ChartTheme {
  foreground: string;
  background: string;
  grid: string;
  font: string;
  palette: string[];
  danger: string;
}

export const LIGHT_THEME: ChartTheme = {
  foreground: '#333333',
  background: '#ffffff',
  grid: '#e5e5e5',
  font: 'system-ui, sans-serif',
  palette: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'],
  danger: '#d62728',
};

/** Reads a theme from CSS variables through `read(name)` (e.g. getComputedStyle(document.body).getPropertyValue). */
export function themeFromCss(read: (name: string) => string): ChartTheme {
  const v = (name: string, fallback: string) => read(name).trim() || fallback;
  const palette = ['blue', 'orange', 'green', 'red', 'purple', 'yellow', 'magenta', 'cyan'].map((c, i) =>
    v(`--vscode-charts-${c}`, LIGHT_THEME.palette[i]),
  );
  return {
    foreground: v('--vscode-editor-foreground', LIGHT_THEME.foreground),
    background: v('--vscode-editor-background', LIGHT_THEME.background),
    grid: v('--vscode-editorWidget-border', LIGHT_THEME.grid),
    font: v('--vscode-font-family', LIGHT_THEME.font),
    palette,
    danger: v('--vscode-errorForeground', LIGHT_THEME.danger),
  };
}
