/**
 * One list of search attributes: infra/search-attributes.txt, which scripts/stack.sh registers on the dev server,
 * names the same attributes with the same types as the keys the code upserts (infra/search-attributes.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { DUBAN_SEARCH_ATTRIBUTES } from '../../infra/search-attributes';

const ROOT = path.join(__dirname, '..', '..');

test('infra/search-attributes.txt lists the keys of infra/search-attributes.ts, in order, with their types', () => {
  const listed = readFileSync(path.join(ROOT, 'infra', 'search-attributes.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  expect(listed).toEqual(
    DUBAN_SEARCH_ATTRIBUTES.map(({ name, type }) => `${name}=${TypedSearchAttributes.toMetadataType(type)}`),
  );
  expect(listed).toEqual([
    'DubanCycle=Keyword',
    'DubanUnit=Keyword',
    'DubanStatus=Keyword',
    'DubanLight=Keyword',
    'DubanNextDue=Datetime',
  ]);
});

test('scripts/stack.sh registers the attributes from that file', () => {
  const stack = readFileSync(path.join(ROOT, 'scripts', 'stack.sh'), 'utf8');
  expect(stack).toContain('"$ROOT/infra/search-attributes.txt"');
  expect(stack).toMatch(/--search-attribute "\$line"/);
});
