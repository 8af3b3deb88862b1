// The three output formats of `losslab lint`: ruff-like text, a JSON list, SARIF 2.1.0 (GitHub code scanning).
import { RULES } from './rules';
import { RULE_CODES } from './rule';

/** One finding as reported: 1-based line and column (of the call that gets the bad value). */
export interface Reported {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
  /** 1-based cell number, for notebooks (the line and column are then within that cell). */
  cell?: number;
}

export function textReport(findings: readonly Reported[]): string {
  return findings.map((f) => `${f.file}:${f.cell ? `cell ${f.cell}:` : ''}${f.line}:${f.column}: ${f.code} ${f.message}\n`).join('');
}

export function jsonReport(findings: readonly Reported[]): string {
  return JSON.stringify(findings, null, 2) + '\n';
}

export function sarifReport(findings: readonly Reported[], version: string): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'losslab',
            version,
            rules: RULE_CODES.map((code) => ({
              id: code,
              name: RULES[code].title,
              shortDescription: { text: RULES[code].title },
              fullDescription: { text: RULES[code].math },
              help: { text: `${RULES[code].title}. See the "Loss linter" section of Loss Lab's README, rule ${code}.` },
              defaultConfiguration: { level: 'warning' },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: RULE_CODES.indexOf(f.code as (typeof RULE_CODES)[number]),
          level: 'warning',
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.split('\\').join('/') },
                region: { startLine: f.line, startColumn: f.column },
              },
              ...(f.cell ? { properties: { cell: f.cell } } : {}),
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
