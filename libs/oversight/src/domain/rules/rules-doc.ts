import { ruleCatalogue } from './catalogue';
import type { ParameterValue, RuleDefinition } from './rule';

/**
 * docs/rules.md, rendered from the catalogue itself so that the document cannot drift from the
 * rules the cross-checks run (test/rules-doc.spec.ts compares them; UPDATE_RULES_DOC=1 rewrites it).
 */
export function renderRulesDoc(rules: readonly RuleDefinition[] = ruleCatalogue): string {
  const lines = [
    '# Cross-check rules',
    '',
    '<!-- Generated from libs/oversight/src/domain/rules (renderRulesDoc); UPDATE_RULES_DOC=1 npx jest test/rules-doc.spec.ts rewrites it. -->',
    '',
    'Each rule is a versioned, pure function over plain data: the roster lines or payments checked',
    '(a payment is one made to a person directly from a pool of the division checked; one made from',
    'a roster line is that line), and the snapshots of other departments’ registries in force',
    '(formats.md). It raises **leads** (疑点) for a commission to check, never verdicts; every lead',
    'carries its evidence — the lines’ and payments’ events and positions, the registry rows with',
    'their snapshot’s file hash and row, the parameters used — and a one-sentence explanation in',
    'Chinese and English. Matching is always on the normalised, valid ID number, never on a name.',
    'A new behaviour is a new version.',
    '`GET /api/v1/rules` serves the same catalogue. How a commission disposed of each rule’s leads,',
    'and so the rule’s measured precision (confirmed, rectified or recovered / disposed), is at',
    '`GET /api/v1/rules/:ruleId/stats` ([`findings.md`](findings.md)).',
    '',
    '| rule | version | title | registries |',
    '|---|---|---|---|',
    ...rules.map(
      (rule) =>
        `| [\`${rule.id}\`](#${rule.id}) | ${rule.version} | ${rule.title.zh} · ${rule.title.en} | ${rule.registries.join(', ') || '—'} |`,
    ),
  ];
  for (const rule of rules) {
    lines.push(
      '',
      `## ${rule.id}`,
      '',
      `${rule.title.zh} · ${rule.title.en} — version ${rule.version}`,
    );
    lines.push('', `**Method.** ${rule.method}`, '', `**Inputs.** ${rule.inputs.join('; ')}.`);
    const parameters = Object.entries(rule.parameters);
    lines.push('', '**Parameters.**', '');
    if (parameters.length === 0) lines.push('None.');
    else {
      lines.push('| parameter | default | meaning |', '|---|---|---|');
      for (const [name, parameter] of parameters)
        lines.push(
          `| \`${name}\` | \`${formatDefault(parameter.default)}\` | ${parameter.description} |`,
        );
    }
    lines.push('', '**Exclusions.**', '', ...rule.exclusions.map((exclusion) => `- ${exclusion}`));
    lines.push('', `**Example.** ${rule.example}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatDefault(value: ParameterValue): string {
  return JSON.stringify(value);
}
