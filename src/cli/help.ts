// The text of `losslab --help`: every command and option.
export const HELP = `losslab — Loss Lab's command line: PyTorch-parity losses on ONNX Runtime, headless.

Usage:
  losslab eval FILE.json            Evaluate every case of a losslab-golden/1 file (\`expected\` may be
                                    absent). Prints {"format": "losslab-results/1", "results": [...]}:
                                    per case {"id", "output", "grad": {input: T}, ...extra tensors} or
                                    {"id", "error"}. A bad case gives an error entry; the others still run.
  losslab eval --check FILE.json    Compare every case with its \`expected\` values (tolerance 1e-4
                                    relative, 1e-3 for */extreme/* cases); print a per-op table and
                                    "N passed, M failed, K with no reference" (cases without \`expected\`
                                    only have to run). Exit code 1 if any case failed.
  losslab plot LOG... -o report.html
                                    Training curves of logs as one self-contained HTML page: Hugging Face
                                    trainer_state.json, JSONL, CSV (Lightning, Keras), TensorBoard event
                                    files, or folders of them (event files of one folder form one run).
                                    --smoothing W (default 0.6), --smoother ema (TensorBoard's, the
                                    default) | time_ema (weighted by the step gaps) | moving_average
                                    (centred), --log-y, --x step | wall_time | relative (time since
                                    each run's first point) | TAG (a logged series that never decreases,
                                    e.g. num_input_tokens_seen or epoch; a run where it is missing or
                                    decreases is named and left out).
                                    Without -o: ./report.html (the path is printed). Exit code 1 if no
                                    training log is found.
  losslab plot LOG... --format csv|json [-o FILE]
                                    The decoded scalars, to stdout or FILE. csv: one row per point, long
                                    format \`run,tag,step,wall_time,value\` (wall_time empty where the format
                                    has none; nan/inf as pandas reads them). json: {"<tag>": [[step,
                                    wall_time, value], ...]} ("<run>/<tag>" for several runs; NaN as null).
                                    Both, and the HTML report, take the log view's selection:
                                    --runs REGEX, --tags REGEX (alternatives with |, !… excludes, case-
                                    insensitive); --group-by REGEX or --group-level K draws each group of runs
                                    (seeds) as its mean with a band, --band std|minmax (default std).
  losslab run NOTEBOOK.lossnb [--out FILE] [--timeout SECONDS]
                                    Run every code cell of a Loss Lab notebook with its kernel, outside
                                    VS Code, and write the outputs (into FILE, or back into the notebook).
                                    A cell running past --timeout (default 600 s) is stopped; after a
                                    failed cell the rest are cleared, and what ran is still written.
                                    Exit code 1 if a cell fails. Cells are JavaScript or TypeScript and
                                    read like PyTorch, no await needed: torch.tensor/zeros/ones/arange/
                                    randn/cat/stack/where…, tensor methods (add matmul reshape at(':, 1:')
                                    at(mask) sum mean softmax log_softmax topk gather backward .grad …),
                                    F (every engine op, linear, normalize, one_hot, logsigmoid, …),
                                    nn.Linear/Embedding, nn.utils.clip_grad_norm_, optim.SGD/Adam/AdamW,
                                    torch.no_grad, torch.load(path) and safetensors.load_file(path)
                                    (relative to the notebook; a pickle is never run), show(t),
                                    plot.distribution/curve, train({...}).
                                    Keyword arguments as one trailing object: x.sum(1, { keepdim: true }).
  losslab lint PATH... [--format text|json|sarif] [--select LL001,LL004]
                                    Check PyTorch training code (.py, .ipynb; folders walked, .gitignored
                                    paths skipped) for the loss bugs LL001–LL008 (README: "Loss linter").
                                    Text is path:line:col: CODE message; json is a list of {file, line,
                                    column, code, message}; sarif is SARIF 2.1.0. Exit code 1 with findings,
                                    0 without, 2 on a usage error or a file that cannot be parsed.
  losslab inspect FILE [--logits NAME --labels NAME --mask NAME --input-ids NAME --ignore-index N
                  --pad-id N --shift|--no-shift --tokenizer FILE --worst N] [--format text|json|html] [-o OUT]
                                    Per-token loss, p(target), rank, entropy and top-5 of a batch's logits
                                    against its labels (.safetensors, .npy, .npz, torch.save .pt/.pth), with
                                    token- and sequence-mean loss, perplexity, top-1/5, ECE, loss by position
                                    and sequence, the worst tokens and checks (see README for the JSON).
  losslab --help                    Show this help.

Tensors are {"dtype": "float32" | "float64" | "int64", "shape": [...], "data": [flat row-major]}.
Ops and argument names follow torch.nn.functional and TRL: cross_entropy, nll_loss, softmax, log_softmax,
binary_cross_entropy_with_logits, kl_div, kl_divergence, entropy, mse_loss, l1_loss, huber_loss,
smooth_l1_loss, sigmoid_focal_loss, focal_loss, dpo_loss, reward_model_loss, info_nce, ctc_loss,
perplexity, sequence_cross_entropy, causal_lm_loss, top_k_accuracy, linear_cross_entropy; and, for teaching,
naive_softmax / naive_log_softmax (no max subtracted: they overflow) and discrete_gaussian_kl.
`;
