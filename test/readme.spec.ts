// Proves that the README a newcomer follows is true to the code: every API call it shows carries a bearer token, it names where the OpenAPI document is served, its configuration table lists every variable the app reads, and no link in it or in docs/ leads outside the repository.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { docsPath, openApiJsonPath } from '../src/http/swagger';

const repoRoot = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const docs = readdirSync(path.join(repoRoot, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({
    name: `docs/${name}`,
    text: readFileSync(path.join(repoRoot, 'docs', name), 'utf8'),
  }));

describe('README.md', () => {
  it('sends a bearer token with every call to /api/v1 it shows, and shows the pool and its stream', () => {
    const calls = readme.split('\n').filter((line) => /curl .*\/api\/v1\//.test(line));
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(calls.filter((line) => !line.includes('-H "Authorization: Bearer $'))).toEqual([]);
    expect(calls.some((line) => line.includes('/api/v1/pools/'))).toBe(true);
    expect(calls.some((line) => line.includes('/api/v1/streams/'))).toBe(true);
  });

  it('names where the API docs and the OpenAPI document are served', () => {
    expect(readme).toContain(`\`${docsPath}\``);
    expect(readme).toContain(`\`${openApiJsonPath}\``);
  });

  it('lists in its configuration table every environment variable the app reads', () => {
    const configSource = readFileSync(
      path.join(repoRoot, 'src', 'config', 'app-config.ts'),
      'utf8',
    );
    // Any reader called with a variable's name: read, integer, boolean, loginUrl and those to come.
    const variables = [...configSource.matchAll(/[A-Za-z]+\(\s*'([A-Z][A-Z0-9_]+)'/g)].map(
      (match) => match[1],
    );
    expect(variables).toEqual(
      expect.arrayContaining(['SHUTDOWN_DRAIN_MS', 'RUN_PROCESSORS', 'DATABASE_APP_URL']),
    );
    const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
    expect(
      variables.filter((name) => !rows.some((row) => row.startsWith(`| \`${name}\``))),
    ).toEqual([]);
  });

  it.each([{ name: 'README.md', text: readme }, ...docs])(
    '$name points to nothing outside the repository',
    ({ text }) => {
      expect(text.match(/(?:\]\(|`)\.\.\/[^)`]*/g) ?? []).toEqual([]);
    },
  );
});
