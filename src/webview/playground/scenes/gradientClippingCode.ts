// The gradient-clipping scene's synthetic loss curve (for the loss-spike rule) and the notebook cell that
// recomputes the scene; no DOM here, so the tests run that cell too.

/** The settings the scene's controls hold. */
export interface ClippingSettings {
  g: [number, number];
  maxNorm: number;
  normType: 1 | 2;
  clipValue: number;
  spikeK: number;
}

/** 300 steps of a decaying loss with deterministic wiggle and four spikes of different heights. */
export const SPIKY_LOSS: number[] = Array.from({ length: 300 }, (_, t) => {
  const spike = ({ 70: 0.9, 140: 0.35, 200: 1.6, 255: 0.2 } as Record<number, number>)[t] ?? 0;
  return 2.4 * Math.exp(-t / 70) + 0.45 + 0.04 * Math.sin(t * 1.7) + 0.03 * Math.cos(t * 0.61) + spike;
});

/** The notebook cell: the engine's clip ops on the scene's gradient, and torch.nn.utils.clip_grad_norm_ on a parameter. */
export function clippingNotebookCode(s: ClippingSettings): string {
  return [
    `// A 2-D gradient g = [${s.g.join(', ')}]; max_norm = ${s.maxNorm}, norm_type = ${s.normType}, clip_value = ${s.clipValue}`,
    `const grads = torch.tensor([${s.g.join(", ")}], { dtype: torch.float32 });`,
    `const by_norm = F.clip_grad_norm_(grads, { max_norm: ${s.maxNorm}, norm_type: ${s.normType} });`,
    `const by_value = F.clip_grad_value_(grads, { clip_value: ${s.clipValue} });`,
    '// The same clipping as a training loop does it: on the .grad of a parameter, in place',
    'const w = torch.zeros(2).requires_grad_();',
    'w.mul(grads).sum().backward(); // w.grad = g',
    `const total_norm = nn.utils.clip_grad_norm_([w], ${s.maxNorm}, ${s.normType});`,
    `plot.distribution({ g: grads, clip_grad_norm_: by_norm, clip_grad_value_: by_value }, { labels: ["g₁", "g₂"], title: "g and its clipped versions" });`,
    'console.log("clip_grad_norm_", by_norm.tolist(), "total_norm", by_norm.extras.total_norm.item(), "clip_coef", by_norm.extras.clip_coef.item());',
    'console.log("clip_grad_value_", by_value.tolist());',
    'console.log("nn.utils.clip_grad_norm_", w.grad.tolist(), "total_norm", total_norm.item());',
  ].join('\n');
}
