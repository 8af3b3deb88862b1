// `losslab lint PATH... [--format text|json|sarif] [--select LL001,LL004]`: the loss rules over Python files
// and notebooks. Exit 1 with findings, 0 without, 2 on a usage error or a file that cannot be linted.
import { lintTargets } from '../lint/files';
import { lintFile } from '../lint/lintFile';
import { loadPython } from '../lint/parser';
import { jsonReport, sarifReport, textReport, type Reported } from '../lint/report';
import { RULE_CODES, type RuleCode } from '../lint/rule';

const USAGE = 'usage: losslab lint PATH... [--format text|json|sarif] [--select LL001,LL004]\n';

interface LintArgs {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  select?: RuleCode[];
}

function parseArgs(args: string[]): LintArgs | string {
  const paths: string[] = [];
  let format: LintArgs['format'] = 'text';
  let select: RuleCode[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--format' || name === '--select') {
      const value = inline ?? args[++i];
      if (value === undefined) return `${name} needs a value`;
      if (name === '--format') {
        if (value !== 'text' && value !== 'json' && value !== 'sarif') return `--format must be text, json or sarif, got '${value}'`;
        format = value;
      } else {
        const codes = value.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
        const unknown = codes.filter((c) => !(RULE_CODES as readonly string[]).includes(c));
        if (unknown.length || !codes.length) return `--select: unknown rule code '${unknown[0] ?? value}' (rules: ${RULE_CODES.join(', ')})`;
        select = codes as RuleCode[];
      }
    } else if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
    else paths.push(a);
  }
  if (!paths.length) return 'no PATH given';
  return { paths, format, select };
}

export async function lintCommand(args: string[], version = '0.1.0'): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`losslab lint: ${parsed}\n${USAGE}`);
    return 2;
  }
  let files: string[];
  try {
    files = lintTargets(parsed.paths);
  } catch (e) {
    process.stderr.write(`losslab lint: ${(e as Error).message}\n`);
    return 2;
  }
  await loadPython();
  const findings: Reported[] = [];
  let failed = false;
  for (const file of files) {
    const result = lintFile(file, { select: parsed.select });
    findings.push(...result.findings);
    if (result.error) {
      failed = true;
      process.stderr.write(`losslab lint: ${result.error}\n`);
    }
  }
  const out = parsed.format === 'json' ? jsonReport(findings) : parsed.format === 'sarif' ? sarifReport(findings, version) : textReport(findings);
  process.stdout.write(out);
  if (parsed.format === 'text' && findings.length) process.stderr.write(`Found ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${new Set(findings.map((f) => f.file)).size} of ${files.length} file${files.length === 1 ? '' : 's'}.\n`);
  return failed ? 2 : findings.length ? 1 : 0;
}
