import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallLog, rolePrincipal, servicePrincipal } from './calls.mjs';
import { Credentials } from './credentials.mjs';

test('CallLog stamps scenario and time, filters and summarizes', () => {
  const log = new CallLog();
  const role = 'arn:aws:iam::123456789012:role/txetl-dev-run-etl';
  log.setScenario('clean file');
  log.record({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/incoming/a.csv', principal: rolePrincipal(role), context: { 'aws:SecureTransport': 'true' } });
  log.record({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/incoming/a.csv', principal: rolePrincipal(role) });
  log.setScenario('burst');
  log.record({ action: 'sns:Publish', resource: 'arn:aws:sns:eu-central-1:123456789012:alerts', principal: servicePrincipal('events.amazonaws.com') });
  assert.equal(log.calls.length, 3);
  assert.equal(log.calls[0].service, 's3');
  assert.equal(log.calls[0].scenario, 'clean file');
  assert.match(log.calls[0].at, /^\d{4}-\d{2}-\d{2}T/);
  assert.equal(log.filter({ principal: 'events.amazonaws.com' }).length, 1);
  assert.deepEqual(log.summary().map((g) => [g.principal, g.action, g.count, g.scenarios]), [
    [role, 's3:GetObject', 2, ['clean file']],
    ['events.amazonaws.com', 'sns:Publish', 1, ['burst']],
  ]);
  assert.throws(() => log.record({ action: 'GetObject', principal: rolePrincipal(role) }));
  assert.throws(() => log.record({ action: 's3:GetObject' }));
});

test('Credentials: issued keys look up to their role, revoked ones do not', () => {
  const credentials = new Credentials();
  const role = 'arn:aws:iam::123456789012:role/txetl-dev-migrate';
  const a = credentials.issue(role);
  assert.match(a.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.deepEqual(credentials.lookup(a.accessKeyId), { roleArn: role, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken });
  assert.equal(credentials.forRole(role).accessKeyId, a.accessKeyId);
  assert.equal(credentials.environment(role).AWS_SESSION_TOKEN, a.sessionToken);
  credentials.revoke(a.accessKeyId);
  assert.equal(credentials.lookup(a.accessKeyId), undefined);
  assert.throws(() => credentials.issue('txetl-dev-migrate'));
});
