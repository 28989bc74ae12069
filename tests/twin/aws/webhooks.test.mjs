import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCa, slackProblems, start, teamsProblems } from './webhooks.mjs';
import { CallLog } from './calls.mjs';
import { Credentials } from './credentials.mjs';
import { signedRequest } from './sigv4.mjs';

// NotifyChat's exact payloads, as its C# tests pin them: what the sinks must accept.
const EXACT = fileURLToPath(new URL('../../TransactionEtl.Aws.Tests/Data/NotifyChat/exact/', import.meta.url));

async function setup(t) {
  const dir = await mkdtemp(join(tmpdir(), 'twin-ca-'));
  const ca = await createCa(dir);
  const sinks = await start({ calls: new CallLog(), credentials: new Credentials(), region: 'eu-central-1', account: '123456789012', caCertPath: ca.certPath, caKeyPath: ca.keyPath });
  t.after(async () => {
    await sinks.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { sinks, ca: await readFile(ca.certPath, 'utf8') };
}

const post = (url, ca, body, { method = 'POST', contentType = 'application/json; charset=utf-8' } = {}) =>
  signedRequest(url, { method, headers: { 'content-type': contentType }, body }, null, null, null, { ca });

test("NotifyChat's exact Slack and Teams payloads are accepted over TLS the CA vouches for, and recorded", async (t) => {
  const { sinks, ca } = await setup(t);
  assert.match(sinks.slackUrl, /^https:\/\/127\.0\.0\.1:\d+\/slack\//);
  const files = (await readdir(EXACT)).sort();
  assert.ok(files.length >= 8);
  for (const file of files) {
    const teams = file.endsWith('.teams.json');
    const res = await post(teams ? sinks.teamsUrl : sinks.slackUrl, ca, await readFile(EXACT + file, 'utf8'));
    assert.equal(res.status, teams ? 202 : 200, `${file}: ${res.body}`);
    if (!teams) assert.equal(res.body, 'ok');
  }
  assert.equal(sinks.messages('slack').length, files.length / 2);
  assert.equal(sinks.messages('teams')[0].attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  assert.deepEqual(Object.keys(JSON.parse(sinks.webhookSecret())), ['slack_webhook_url', 'teams_webhook_url']);
});

test('the sink refuses what the real endpoints refuse', async (t) => {
  const { sinks, ca } = await setup(t);
  const slack = JSON.parse(await readFile(EXACT + 'sns-error-failed.slack.json', 'utf8'));
  const teams = JSON.parse(await readFile(EXACT + 'sns-error-failed.teams.json', 'utf8'));
  assert.equal((await post(sinks.slackUrl, ca, JSON.stringify(slack), { contentType: 'text/plain' })).status, 400);
  assert.equal((await post(sinks.slackUrl, ca, '{not json')).status, 400);
  assert.equal((await post(sinks.slackUrl, ca, '{}', { method: 'PUT' })).status, 405);
  assert.equal((await post(sinks.slackUrl.replace(/\/[^/]+$/, '/wrong'), ca, '{}')).status, 404);
  const longHeader = structuredClone(slack);
  longHeader.blocks[0].text.text = 'x'.repeat(151);
  const refused = await post(sinks.slackUrl, ca, JSON.stringify(longHeader));
  assert.equal(refused.status, 400);
  assert.match(refused.body, /invalid_blocks: blocks\[0\] \(header\)/);
  assert.deepEqual(slackProblems({ blocks: [] }), ['invalid_blocks: blocks must be 1-50']);
  assert.deepEqual(slackProblems({}), ['no_text']);

  const noCard = structuredClone(teams);
  noCard.attachments[0].content.type = 'HeroCard';
  assert.equal((await post(sinks.teamsUrl, ca, JSON.stringify(noCard))).status, 400);
  const badFact = structuredClone(teams);
  badFact.attachments[0].content.body[1].facts[0].value = 3;
  assert.match(teamsProblems(badFact).join(), /body\[1\] \(FactSet\)/);
  const httpLink = structuredClone(teams);
  httpLink.attachments[0].content.actions[0].url = 'http://example.com';
  assert.match(teamsProblems(httpLink).join(), /actions\[0\]/);
  assert.equal(sinks.messages().length, 0);
  assert.ok(sinks.posts('slack').every((p) => p.status >= 400));
});

test('failNext answers 500 or 429 with Retry-After, then accepts again', async (t) => {
  const { sinks, ca } = await setup(t);
  const body = await readFile(EXACT + 'sns-info-loaded.slack.json', 'utf8');
  sinks.failNext('slack', 1, 500);
  sinks.failNext('slack', 1, 429, 2);
  assert.equal((await post(sinks.slackUrl, ca, body)).status, 500);
  const limited = await post(sinks.slackUrl, ca, body);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '2');
  assert.equal((await post(sinks.slackUrl, ca, body)).status, 200);
  assert.deepEqual(sinks.posts('slack').map((p) => p.status), [500, 429, 200]);
  assert.equal(sinks.messages('slack').length, 1);
});

test('a client that does not trust the CA cannot post', async (t) => {
  const { sinks } = await setup(t);
  await assert.rejects(post(sinks.slackUrl, undefined, '{}'), /self.signed|unable to verify|certificate/i);
});
