/**
 * Lints statements, or a whole revision file (rendered offline, so nothing runs), against the
 * rule table. A rule a person acknowledged in the file (`dazzle:acknowledged <rule>`) drops to info.
 */
import { readFileSync } from 'node:fs';
import {
  describeStatement,
  loadRevisionModule,
  loadSqlParser,
  type RevisionInfo,
  recordingQueryRunner,
} from '@app/migrator';
import { LINT_RULES, type Severity } from './lint-rules';

export const ACKNOWLEDGED_MARKER = 'dazzle:acknowledged';

export interface LintFinding {
  rule: string;
  severity: Severity;
  statement: string;
  why: string;
  saferWay: string;
}

export async function lintStatements(
  statements: readonly string[],
  acknowledged: ReadonlySet<string> = new Set(),
): Promise<LintFinding[]> {
  await loadSqlParser();
  const createdTables = new Set<string>();
  const findings: LintFinding[] = [];
  for (const sql of statements) {
    const facts = describeStatement(sql);
    for (const rule of LINT_RULES) {
      if (!rule.matches(facts, { createdTables })) continue;
      findings.push({
        rule: rule.id,
        severity: acknowledged.has(rule.id) ? 'info' : rule.severity,
        statement: sql,
        why: rule.why,
        saferWay: rule.saferWay,
      });
    }
    if (facts.kind === 'CreateStmt') for (const t of facts.tables) createdTables.add(t);
  }
  return findings;
}

export async function lintRevision(info: RevisionInfo): Promise<LintFinding[]> {
  const statements: string[] = [];
  const module = await loadRevisionModule(info);
  await module.up(recordingQueryRunner(info, statements));
  const source = readFileSync(info.file, 'utf8');
  const acknowledged = new Set(
    [...source.matchAll(new RegExp(`${ACKNOWLEDGED_MARKER} ([a-z-]+)`, 'g'))].map((m) => m[1]!),
  );
  const findings = await lintStatements(
    statements.map((s) => s.replace(/;$/, '')),
    acknowledged,
  );
  source.split('\n').forEach((line, index) => {
    if (line.includes('dazzle:hand-fill')) {
      findings.push({
        rule: 'hand-fill',
        severity: 'error',
        statement: `${info.file}:${index + 1}`,
        why: 'a step still waits to be written by hand; the revision refuses to run until it is',
        saferWay: 'write the SQL, delete the marker line, run `dazzle db rehash`',
      });
    }
  });
  return findings;
}

/** One line per finding, for revision headers and terminal output. */
export function formatFinding(finding: LintFinding): string {
  const statement = finding.statement.replace(/\s+/g, ' ').slice(0, 120);
  return `${finding.severity.padEnd(7)} ${finding.rule}: ${statement} — ${finding.why}; safer: ${finding.saferWay}.`;
}
