// The length-normalisation scene's data (four finished beam hypotheses) and the notebook cell that recomputes
// it; no DOM here, so the tests run that cell too.
/** The hypotheses: their tokens and each token's log-probability under the model. */
export const BEAM_HYPOTHESES: { tokens: string[]; logprobs: number[] }[] = [
  { tokens: ['It', 'is.'], logprobs: [-1.2, -0.5] },
  { tokens: ['It', 'is', 'the', 'mean.'], logprobs: [-0.9, -0.4, -0.3, -0.5] },
  { tokens: ['It', 'is', 'the', 'mean', 'over', 'counted', 'tokens.'], logprobs: [-0.9, -0.4, -0.3, -0.3, -0.2, -0.15, -0.15] },
  { tokens: ['It', 'is', 'the', 'mean', 'over', 'the', 'tokens', 'that', 'count.'], logprobs: [-0.9, -0.4, -0.3, -0.35, -0.3, -0.2, -0.2, -0.15, -0.2] },
];
export const BEAM_TOKENS = Math.max(...BEAM_HYPOTHESES.map((h) => h.tokens.length));
export const BEAM_LABELS = ['A', 'B', 'C', 'D'];

/** The notebook cell that recomputes the scene with the notebook tensor library: the scores and the winner. */
export function lengthNotebookCode(alpha: number): string {
  return [
    `// ${BEAM_HYPOTHESES.length} finished hypotheses, their token log-probabilities padded to ${BEAM_TOKENS}; length_penalty α = ${alpha}`,
    `const logprobs = torch.tensor(${JSON.stringify(BEAM_HYPOTHESES.map((h) => [...h.logprobs, ...Array(BEAM_TOKENS - h.logprobs.length).fill(0)]))}, { dtype: torch.float32 });`,
    `const lengths = torch.tensor(${JSON.stringify(BEAM_HYPOTHESES.map((h) => h.tokens.length))});`,
    `const score = F.beam_score(logprobs, lengths, { length_penalty: ${alpha} });`,
    `plot.distribution({ score }, { labels: ${JSON.stringify(BEAM_LABELS)}, title: "score = Σ log p / |Y|^α" });`,
    `console.log("score", score.tolist(), "winner", ${JSON.stringify(BEAM_LABELS.join(''))}[score.argmax().item()]);`,
  ].join('\n');
}

