// A run's colour: chosen from its name alone (the same on every chart, after a reload, in the exported
// HTML and in `losslab plot`), unless the user set one. Theme-independent on purpose: the panel in a dark
// theme and a light HTML report must agree, so the palette is one of mid-luminance hues readable on both.

/** 20 categorical colours (Tableau 20's strong half and d3's category hues), each readable on white and on #1e1e1e. */
export const RUN_PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f',
] as const;

/** FNV-1a over the UTF-16 code units: a stable 32-bit hash, the same in every runtime. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `#rrggbb` (any case) or `#rgb`; anything else is not a colour a user may set. */
export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value);
}

/** The colour of `name`: the user's choice from `overrides` if valid, else a palette colour from the name's hash. */
export function runColor(name: string, overrides: Readonly<Record<string, string>> = {}): string {
  const chosen = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
  if (isHexColor(chosen)) return chosen.toLowerCase();
  return RUN_PALETTE[fnv1a(name) % RUN_PALETTE.length];
}
