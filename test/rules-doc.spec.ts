// Proves docs/rules.md is exactly what the rule catalogue renders, so the documented method,
// parameters, defaults and exclusions are those of the rules the cross-checks run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderRulesDoc } from '@sunlight/oversight';

const docPath = path.resolve(__dirname, '..', 'docs', 'rules.md');

describe('docs/rules.md', () => {
  it('is the catalogue as rendered (UPDATE_RULES_DOC=1 rewrites it)', () => {
    const rendered = renderRulesDoc();
    if (process.env.UPDATE_RULES_DOC === '1') writeFileSync(docPath, rendered);
    expect(readFileSync(docPath, 'utf8')).toBe(rendered);
  });
});
