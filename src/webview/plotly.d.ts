// The part of plotly.js (loaded as a global by its own script tag) that our webviews use.
declare const Plotly: {
  react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  restyle(el: HTMLElement, update: Record<string, unknown>, traces?: number[]): Promise<unknown>;
  update(el: HTMLElement, traceUpdate: Record<string, unknown>, layoutUpdate: Record<string, unknown>, traces?: number[]): Promise<unknown>;
  purge(el: HTMLElement): void;
  Plots: { resize(el: HTMLElement): Promise<unknown> };
  toImage(el: HTMLElement, options: { format: 'png'; width?: number; height?: number }): Promise<string>;
};
