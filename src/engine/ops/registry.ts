// Every op the engine offers, by its PyTorch/TRL name.
import { binaryCrossEntropyWithLogits } from './bce';
import { clipGradNorm, clipGradValue } from './clipping';
import { ctcLoss } from './ctc';
import { focalLoss, sigmoidFocalLoss } from './focal';
import { infoNce } from './infoNce';
import { linearCrossEntropy } from './linearCrossEntropy';
import { multiTaskGradient } from './multiTask';
import { dpoLoss, rewardModelLoss } from './preference';
import { causalLmLoss, perplexity, sequenceCrossEntropy, topKAccuracy } from './tokens';
import { crossEntropy, nllLoss } from './crossEntropy';
import { discreteGaussianKl, entropy, klDiv, klDivergence } from './kl';
import type { OpDefinition } from './op';
import { beamScore } from './beamScore';
import { klRegularizedObjective } from './rlhf';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './regression';
import { logSoftmaxOp, naiveLogSoftmaxOp, naiveSoftmaxOp, softmax } from './softmax';

const ALL: OpDefinition[] = [
  crossEntropy,
  nllLoss,
  softmax,
  logSoftmaxOp,
  naiveSoftmaxOp,
  naiveLogSoftmaxOp,
  binaryCrossEntropyWithLogits,
  klDiv,
  klDivergence,
  entropy,
  discreteGaussianKl,
  mseLoss,
  l1Loss,
  huberLoss,
  smoothL1Loss,
  sigmoidFocalLoss,
  focalLoss,
  dpoLoss,
  rewardModelLoss,
  infoNce,
  ctcLoss,
  perplexity,
  sequenceCrossEntropy,
  causalLmLoss,
  topKAccuracy,
  linearCrossEntropy,
  klRegularizedObjective,
  beamScore,
  clipGradNorm,
  clipGradValue,
  multiTaskGradient,
];

export const OP_DEFINITIONS: ReadonlyMap<string, OpDefinition> = new Map(ALL.map((op) => [op.name, op]));
