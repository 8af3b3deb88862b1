// What the softmax & cross-entropy scene calls its loss, gradient and decomposition for the options chosen, and
// which options combine. With class weights or focal γ the loss is no longer H(q, p) and its gradient no longer
// p − q: each is then shown under its own name and formula.
import { t } from '../../l10n';

export interface LossChoice {
  gamma: number;
  smoothing: number;
  weights?: number[];
  soft?: number[];
}

export interface LossLabels {
  /** The loss readout's name. */
  loss: string;
  /** Title of the gradient chart: the name and formula of what it plots. */
  gradient: string;
  /** Title of the H(q) + KL(q‖p) bar. */
  decomposition: string;
  /** Options chosen that the loss does not take, said rather than dropped. */
  ignored: string[];
}

/** Label smoothing the loss applies: PyTorch's focal losses take none. */
export const appliedSmoothing = (c: LossChoice) => (c.gamma > 0 ? 0 : c.smoothing);

/**
 * Labels for the choice; `addsUp` says whether the loss equals H(q, p) (weights cancel for one sample with a
 * class target and no smoothing, as PyTorch's weighted mean divides by the target's weight).
 */
export function lossLabels(c: LossChoice, addsUp: boolean): LossLabels {
  const ignored = c.gamma > 0 && c.smoothing > 0 ? [t("label smoothing ε = {0} is not applied: PyTorch's focal losses take no label smoothing", c.smoothing)] : [];
  const decomposition = addsUp ? t('cross-entropy = entropy + KL') : t('H(q,p) = H(q) + KL(q‖p)<br>unweighted: not the loss');
  if (c.gamma > 0) {
    return {
      loss: c.weights ? `focal γ=${c.gamma}, α=w` : `focal γ=${c.gamma}`,
      gradient: t('focal gradient ∂FL/∂(z/T) = k·(p − y)<br>k = α_y·(1 − p_y)^(γ−1)·(1 − p_y − γ·p_y·log p_y)'),
      decomposition,
      ignored,
    };
  }
  if (c.weights) {
    return {
      loss: 'weighted cross-entropy',
      gradient: c.soft ? t('weighted gradient ∂L/∂(z/T) = (Σa)·p − a<br>a = w ⊙ q') : t('weighted gradient ∂L/∂(z/T) = (Σa)·p − a<br>a = w ⊙ q / w_y'),
      decomposition,
      ignored,
    };
  }
  return { loss: 'cross-entropy', gradient: t('gradient ∂L/∂(z/T) = p − q<br>(negative pushes the logit up)'), decomposition, ignored };
}

/** Which options combine, as the losses define them. */
export const COMBINATIONS = () =>
  t('Temperature, label smoothing, class weights and a soft target combine (cross_entropy). Focal γ > 0 takes a class target and the class weights as α, but no label smoothing and no soft target.');
