// The Teams payloads NotifyChat produces, as pinned byte for byte by its exact tests
// (tests/TransactionEtl.Aws.Tests/Data/NotifyChat/exact/*.teams.json, rendered from samples/events/ and the corrections
// alerts), parsed and validated by the Adaptive Cards SDK: a card Teams would not render fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { teamsCardProblems } from './teams-cards.mjs';

const exact = join(repoRoot, 'tests', 'TransactionEtl.Aws.Tests', 'Data', 'NotifyChat', 'exact');
const pinned = readdirSync(exact).filter((f) => f.endsWith('.teams.json')).sort();
const load = (file) => JSON.parse(readFileSync(join(exact, file), 'utf8'));

test('the pinned Teams payloads are all found', () => {
  assert.ok(pinned.length >= 8, `only ${pinned.length} pinned Teams payloads in ${exact}`);
  // The backfill summary has a layout of its own (NotifyChat's BackfillSummaryPayloads): both of its cards are checked.
  for (const backfill of ['sns-warning-backfill-summary.teams.json', 'sns-error-backfill-failed.teams.json']) {
    assert.ok(pinned.includes(backfill), `${backfill} is not pinned in ${exact}`);
  }
});

for (const file of pinned) {
  test(`Teams payload ${file} is a valid Adaptive Card`, () => {
    assert.deepEqual(teamsCardProblems(load(file)), []);
  });
}

test('a card with a broken element is reported', () => {
  const payload = load(pinned[0]);
  payload.attachments[0].content.body.push({ type: 'FactSett', facts: [{ title: 'Rows', value: '1' }] });
  const problems = teamsCardProblems(payload);
  assert.ok(problems.some((p) => p.includes('FactSett')), problems.join('\n'));
});
