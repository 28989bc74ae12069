import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { authorizer, coverage, evaluateCalls, expandActions, grantTables, iamReport, parseJustifications, plannedGrants, readJustifications, repoRoot, roleNameOf } from './iam.mjs';

const account = '123456789012';
const region = 'eu-central-1';
const bucketArn = 'arn:aws:s3:::txetl-dev-drop';
const queueArn = `arn:aws:sqs:${region}:${account}:txetl-dev-file-events`;
const topicArn = `arn:aws:sns:${region}:${account}:txetl-dev-alerts`;
const notifyArn = `arn:aws:lambda:${region}:${account}:function:txetl-dev-notify-chat`;
const keyArn = `arn:aws:kms:${region}:${account}:key/0d0c5b1e-1111-2222-3333-444455556666`;
const runEtlRole = `arn:aws:iam::${account}:role/txetl-dev-run-etl`;

const policy = (...Statement) => ({ Version: '2012-10-17', Statement });

/** A small Deployment of the shape plan.mjs builds: one role, a bucket, a queue, a topic, a key, a function. */
function deployment() {
  return {
    region,
    account,
    partition: 'aws',
    functions: { 'run-etl': { key: 'run-etl', name: 'txetl-dev-run-etl' } },
    bucket: { name: 'txetl-dev-drop', arn: bucketArn },
    kmsKeys: { [keyArn]: { aliases: ['alias/txetl-dev-data'] } },
    roles: {
      'txetl-dev-run-etl': {
        arn: runEtlRole,
        policies: [{
          name: 'run-etl',
          document: JSON.stringify(policy(
            { Sid: 'ReadIncomingFiles', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${bucketArn}/incoming/*` },
            { Sid: 'WriteReports', Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucketArn}/reports/*` },
            {
              Sid: 'UseDataKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: `arn:aws:kms:${region}:${account}:key/*`,
              Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/txetl-dev-data' }, StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
            },
          )),
        }],
      },
    },
    resourcePolicies: [
      {
        kind: 'bucket', arn: bucketArn, document: policy({
          Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      },
      {
        kind: 'queue', arn: queueArn, document: policy({
          Sid: 'AllowBucketNotifications', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': account } },
        }),
      },
      {
        kind: 'lambda', arn: notifyArn, document: policy({
          Sid: 'AllowAlertsTopic', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: notifyArn,
          Condition: { ArnLike: { 'aws:SourceArn': topicArn } },
        }),
      },
      {
        kind: 'kms', arn: keyArn, document: policy({
          Sid: 'AccountIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Describe*'], Resource: '*',
        }),
      },
    ],
  };
}

/** deployment() changed before its first evaluation (verdicts are cached per Deployment, which never changes in the twin). */
function variant(change) {
  const d = deployment();
  change(d);
  return d;
}

const role = { type: 'role', arn: runEtlRole };
const tls = { 'aws:SecureTransport': 'true' };
const getIncoming = { service: 's3', action: 's3:GetObject', resource: `${bucketArn}/incoming/a.csv`, principal: role, context: tls, scenario: 'clean-file' };
const abortReport = { service: 's3', action: 's3:AbortMultipartUpload', resource: `${bucketArn}/reports/a.csv.rejects.csv`, principal: role, context: tls, scenario: 'clean-file' };
const s3ToQueue = (sourceArn) => ({
  service: 'sqs', action: 'sqs:SendMessage', resource: queueArn, principal: { type: 'service', service: 's3.amazonaws.com' },
  context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': account, 'aws:SecureTransport': 'true' }, scenario: 'clean-file',
});
const decryptViaS3 = {
  service: 'kms', action: 'kms:Decrypt', resource: keyArn, principal: role,
  context: { 'kms:ViaService': `s3.${region}.amazonaws.com`, 'aws:SecureTransport': 'true' }, scenario: 'clean-file',
};

test('A call the role policy grants is allowed, and the deciding statement is named', async () => {
  const result = await evaluateCalls([getIncoming], deployment());
  assert.deepEqual(result.denied, []);
  assert.deepEqual(result.errors, []);
  assert.equal(result.allowed.length, 1);
  assert.deepEqual(result.allowed[0].decisive.map((d) => [d.owner, d.sid, d.resources]), [['txetl-dev-run-etl', 'ReadIncomingFiles', [`${bucketArn}/incoming/*`]]]);
  assert.match(result.line, /1 calls evaluated, 1 allowed, 0 denied, 0 not evaluable/);
});

test('A call without a grant is denied with its action, resource, role and scenario named', async () => {
  const { denied } = await evaluateCalls([getIncoming, abortReport], deployment());
  assert.equal(denied.length, 1);
  assert.equal(denied[0].result, 'ImplicitlyDenied');
  for (const part of ['s3:AbortMultipartUpload', `${bucketArn}/reports/a.csv.rejects.csv`, 'role txetl-dev-run-etl', 'scenario clean-file']) {
    assert.ok(denied[0].message.includes(part), `${denied[0].message} should name ${part}`);
  }
});

test('The bucket policy denies a granted call made without TLS', async () => {
  const { denied } = await evaluateCalls([{ ...getIncoming, context: { 'aws:SecureTransport': 'false' } }], deployment());
  assert.equal(denied.length, 1);
  assert.equal(denied[0].result, 'ExplicitlyDenied');
  assert.match(denied[0].message, /DenyInsecureTransport/);
  assert.match(denied[0].message, new RegExp(`resource policy of ${bucketArn}`));
});

test('A service principal is allowed only by the resource policy, and only with the right aws:SourceArn', async () => {
  const d = deployment();
  const right = await evaluateCalls([s3ToQueue(bucketArn)], d);
  assert.equal(right.allowed.length, 1);
  assert.deepEqual(right.allowed[0].decisive.map((x) => [x.owner, x.sid]), [[queueArn, 'AllowBucketNotifications']]);
  const wrong = await evaluateCalls([s3ToQueue('arn:aws:s3:::someone-elses-bucket')], d);
  assert.equal(wrong.denied.length, 1);
  assert.match(wrong.denied[0].message, /service s3\.amazonaws\.com may not sqs:SendMessage on .*txetl-dev-file-events/);
  // An identity policy never speaks for a service principal, however broad.
  const noQueuePolicy = variant((x) => {
    x.roles['txetl-dev-run-etl'].policies.push({ name: 'broad', document: policy({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }) });
    x.resourcePolicies = x.resourcePolicies.filter((rp) => rp.kind !== 'queue');
  });
  const none = await evaluateCalls([s3ToQueue(bucketArn)], noQueuePolicy);
  assert.match(none.denied[0].message, /no resource policy/);
});

test('Lambda permissions decide whether a service may invoke a function', async () => {
  const invoke = (sourceArn) => ({
    service: 'lambda', action: 'lambda:InvokeFunction', resource: notifyArn, principal: { type: 'service', service: 'sns.amazonaws.com' }, context: { 'aws:SourceArn': sourceArn },
  });
  const result = await evaluateCalls([invoke(topicArn), invoke(`${topicArn}-other`)], deployment());
  assert.equal(result.allowed.length, 1);
  assert.equal(result.denied.length, 1);
  assert.match(result.denied[0].message, /service sns\.amazonaws\.com may not lambda:InvokeFunction on .*txetl-dev-notify-chat/);
});

test('A KMS call needs the identity grant and the key policy; the key aliases come from the plan', async () => {
  const d = deployment();
  const ok = await evaluateCalls([decryptViaS3], d);
  assert.deepEqual(ok.denied, []);
  assert.deepEqual(ok.allowed[0].decisive.map((x) => x.sid).sort(), ['AccountIamPolicies', 'UseDataKey']);
  const otherAlias = variant((x) => { x.kmsKeys[keyArn].aliases = ['alias/other']; });
  assert.equal((await evaluateCalls([decryptViaS3], otherAlias)).denied.length, 1);
  const noKeyPolicy = variant((x) => { x.resourcePolicies = x.resourcePolicies.filter((rp) => rp.kind !== 'kms'); });
  assert.equal((await evaluateCalls([decryptViaS3], noKeyPolicy)).denied.length, 1, 'without a key policy the role grant alone is not enough');
});

test('A record iam-simulate cannot validate is reported as an error, never as allowed', async () => {
  const result = await evaluateCalls([
    { ...getIncoming, action: 's3:GetObjectt' },
    { ...getIncoming, principal: { type: 'role', arn: `arn:aws:iam::${account}:role/txetl-dev-unplanned` } },
    { ...getIncoming, resource: queueArn },
  ], deployment());
  assert.equal(result.allowed.length, 0);
  assert.equal(result.errors.length, 3);
  assert.match(result.errors[0].message, /s3:GetObjectt.*invalid\.action/);
  assert.match(result.errors[1].message, /role txetl-dev-unplanned is not in the plan/);
  assert.match(result.errors[2].message, /cannot evaluate role txetl-dev-run-etl s3:GetObject on .*file-events/);
});

test('A secret tag condition is judged on the plan\'s tags, under either key name', async () => {
  const dbArn = `arn:aws:rds:${region}:${account}:db:txetl-dev`;
  const master = `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-1-AbCdEf`;
  const withMaster = (taggedWith) => variant((x) => {
    x.secrets = { master: { name: 'rds!db-1', arn: master, tags: { 'aws:rds:primaryDBInstanceArn': taggedWith } } };
    x.roles['txetl-dev-run-etl'].policies.push({ name: 'master', document: policy({
      Sid: 'ReadMasterSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-*`,
      Condition: { StringEquals: { 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn': dbArn } },
    }) });
  });
  const d = withMaster(dbArn);
  const read = (context) => ({ service: 'secretsmanager', action: 'secretsmanager:GetSecretValue', resource: master, principal: role, context });
  const fromPlan = await evaluateCalls([read(tls), read({ ...tls, 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn': dbArn })], d);
  assert.equal(fromPlan.allowed.length, 2, JSON.stringify(fromPlan.errors));
  assert.ok(fromPlan.notes.some((n) => n.includes('evaluated as aws:ResourceTag')));
  assert.equal((await evaluateCalls([read(tls)], withMaster(`${dbArn}-other`))).denied.length, 1);
});

test('Context keys that do not apply to an action are listed, so a wrongly recorded key shows', async () => {
  const result = await evaluateCalls([{ ...getIncoming, context: { ...tls, 'kms:ViaService': 'x' } }], deployment());
  assert.deepEqual(result.ignoredContextKeys, [{ action: 's3:GetObject', keys: ['kms:ViaService'] }]);
});

test('The inline authorizer gives a server the same decision, with the denial message as reason', async () => {
  const authorize = authorizer(deployment());
  assert.deepEqual(await authorize(getIncoming), { allowed: true });
  const denied = await authorize(abortReport);
  assert.equal(denied.allowed, false);
  assert.match(denied.reason, /role txetl-dev-run-etl may not s3:AbortMultipartUpload/);
});

test('roleNameOf reads role and assumed-role session ARNs', () => {
  assert.equal(roleNameOf(runEtlRole), 'txetl-dev-run-etl');
  assert.equal(roleNameOf(`arn:aws:sts::${account}:assumed-role/txetl-dev-run-etl/session-1`), 'txetl-dev-run-etl');
  assert.equal(roleNameOf(`arn:aws:iam::${account}:role/service/txetl-dev-x`), 'txetl-dev-x');
});

test('Wildcard actions expand to every action of iam-simulate\'s catalogue they match', async () => {
  const actions = await expandActions(['kms:Describe*', 's3:GetObject']);
  assert.deepEqual(actions, ['kms:DescribeCustomKeyStores', 'kms:DescribeKey', 's3:GetObject']);
});

const docs = `
# IAM

## Legend
| Column | Meaning |
|---|---|
| Sid | statement |

### Role \`{prefix}-run-etl\`
| Sid | Actions | Resource | Used by scenario / why kept |
|---|---|---|---|
| \`ReadIncomingFiles\` | \`s3:GetObject\` | \`arn:{partition}:s3:::{bucket}/incoming/*\` | used: clean-file |
| \`ReadIncomingFiles\` | \`s3:GetObjectVersion\` | \`arn:{partition}:s3:::{bucket}/incoming/*\` | kept: the versioned read of a redriven file |
| \`WriteReports\` | \`s3:PutObject\` | \`arn:{partition}:s3:::{bucket}/reports/*\` | used: rejects |
| \`UseDataKey\` | \`kms:Decrypt\`, \`kms:GenerateDataKey\` | \`arn:{partition}:kms:{region}:{account}:key/*\` | kept: S3 uses the key |

### Key policy \`{kms:alias/{prefix}-data}\`
| Sid | Actions | Resource | Used by scenario / why kept |
|---|---|---|---|
| AccountIamPolicies | kms:Decrypt, kms:GenerateDataKey, kms:DescribeCustomKeyStores, kms:DescribeKey | * | kept: delegates the key to the account's IAM policies |

### Queue policy \`arn:{partition}:sqs:{region}:{account}:{prefix}-file-events\`
| Sid | Actions | Resource | Used by scenario / why kept |
|---|---|---|---|
| AllowBucketNotifications | sqs:SendMessage | arn:{partition}:sqs:{region}:{account}:{prefix}-file-events | used: clean-file |
| Gone | sqs:SendMessage | * | kept: a row for a statement that is no longer planned |
`;

test('Coverage counts granted, used and justified grants, and names an unused one with no kept: row', async () => {
  const d = deployment();
  const evaluation = await evaluateCalls([getIncoming, s3ToQueue(bucketArn)], d);
  const result = await coverage(evaluation, d, parseJustifications(docs));
  // run-etl: 2 + 1 + 2; queue 1; lambda permission 1; key policy: Decrypt, GenerateDataKey, Describe* (2).
  assert.equal(result.granted, 11);
  assert.equal(result.used, 2);
  // kept: GetObjectVersion, UseDataKey x2, the 4 key-policy grants.
  assert.equal(result.justified, 7);
  assert.equal(result.line, 'granted 11, used 2, justified 7');
  const unjustified = result.unjustified.map((g) => `${g.owner} ${g.sid} ${g.action}`);
  assert.deepEqual(unjustified, [
    'txetl-dev-run-etl WriteReports s3:PutObject',
    `${notifyArn} AllowAlertsTopic lambda:InvokeFunction`,
  ]);
  assert.match(result.unjustified[0].message, /docs\/iam\.md says "used: rejects" but no recorded call used it/);
  assert.match(result.unjustified[1].message, /remove it or justify it in docs\/iam\.md/);
  assert.deepEqual(result.stale.map((r) => r.sid), ['Gone']);
  assert.deepEqual(result.undocumented, []);
});

test('Coverage accepts the raw calls and the markdown text as well', async () => {
  const result = await coverage([getIncoming, decryptViaS3], deployment(), docs);
  assert.equal(result.used, 3, 'GetObject, the role\'s kms:Decrypt and the key policy\'s kms:Decrypt delegation');
  assert.ok((await plannedGrants(deployment())).every((g) => !/[*?]/.test(g.action)), 'no wildcard action left unexpanded');
});

test('The grant tables are rendered from the plan with placeholders, keeping the reasons the docs give', async () => {
  const tables = await grantTables(deployment(), parseJustifications(docs));
  assert.match(tables, /### Role `\{prefix\}-run-etl`/);
  assert.match(tables, /### Key policy `\{kms:alias\/\{prefix\}-data\}`/);
  assert.match(tables, /\| `ReadIncomingFiles` \| `s3:GetObject` \| `arn:\{partition\}:s3:::\{bucket\}\/incoming\/\*` \| used: clean-file \|/);
  assert.match(tables, /\| `UseDataKey` \| `kms:Decrypt`, `kms:GenerateDataKey` \| `arn:\{partition\}:kms:\{region\}:\{account\}:key\/\*` \| kept: S3 uses the key \|/);
  assert.match(tables, /### Lambda permissions `arn:\{partition\}:lambda:\{region\}:\{account\}:function:\{prefix\}-notify-chat`\n\n.*\n.*\n\| `AllowAlertsTopic` .* \| TODO \|/);
  // Once the TODOs are written, the tables parse back to rows that cover every grant.
  const rows = parseJustifications(tables.replaceAll('| TODO |', '| kept: written |'));
  const result = await coverage([], deployment(), rows);
  // No calls here: the three `used:` rows claim uses that did not happen, so only they stay unjustified.
  assert.deepEqual(result.unjustified.map((g) => g.sid).sort(), ['AllowBucketNotifications', 'ReadIncomingFiles', 'WriteReports']);
  assert.equal(result.stale.length, 0);
});

test('The stage report fails on a denial and on an unjustified grant, and prints the counts line', async () => {
  const report = await iamReport([getIncoming, abortReport, s3ToQueue(bucketArn)], deployment(), docs);
  assert.equal(report.ok, false);
  assert.ok(report.lines.includes('granted 11, used 2, justified 7'), report.lines.join('\n'));
  assert.ok(report.lines.some((l) => l.startsWith('IAM denied: role txetl-dev-run-etl may not s3:AbortMultipartUpload')));
  assert.ok(report.lines.some((l) => l.startsWith('unused grant: txetl-dev-run-etl WriteReports s3:PutObject')));
  assert.ok(report.lines.some((l) => /docs\/iam\.md line \d+: no planned grant matches .* Gone/.test(l)));
});

test('The stage report passes when every call is allowed and every grant is used or kept', async () => {
  const rows = parseJustifications((await grantTables(deployment())).replaceAll('| TODO |', '| kept: written |'));
  const report = await iamReport([getIncoming, s3ToQueue(bucketArn)], deployment(), rows);
  assert.equal(report.ok, true, report.lines.join('\n'));
  assert.ok(report.lines.includes('granted 11, used 2, justified 9'), report.lines.join('\n'));
});

test('A grant table row whose last cell is neither used: nor kept: is refused with its line', () => {
  assert.throws(() => parseJustifications('### Role `r`\n| Sid | Actions | Resource | Why |\n|---|---|---|---|\n| A | s3:GetObject | * | because |\n'), /line 4: .*"used:" or "kept:"/);
});

test('docs/iam.md parses: a table for each role of design D5 and each granting resource policy, every row used: or kept:', () => {
  const rows = readJustifications();
  const owners = new Set(rows.map((r) => r.owner));
  for (const role of ['start-workflow', 'run-etl', 'migrate', 'notify-chat', 'etl-state-machine']) assert.ok(owners.has(`{prefix}-${role}`), `no table for role ${role}`);
  for (const owner of owners) assert.match(owner, /^(\{prefix\}-[a-z-]+|arn:\{partition\}:[a-z]+:.*|\{kms:alias\/\{prefix\}-[a-z]+\})$/);
  assert.ok(rows.some((r) => r.owner === '{prefix}-run-etl' && r.actions.includes('s3:AbortMultipartUpload')), 'the grant issue 14 adds is listed');
});

// iam-simulate is AGPL-3.0: a test-time tool. Nothing that is built into or packages a function may
// reference it.
const agplNames = ['@cloud-copilot', 'iam-simulate'];

function referencesTo(root, paths) {
  const hits = [];
  const visit = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) if (!['bin', 'obj', 'node_modules'].includes(entry)) visit(join(path, entry));
      return;
    }
    // Raw bytes: a zip's entry names are stored uncompressed, so a packaged module would show.
    const text = readFileSync(path).toString('latin1');
    for (const name of agplNames) if (text.includes(name)) hits.push(`${relative(root, path)} references ${name}`);
  };
  for (const p of paths) visit(join(root, p));
  return hits;
}

// What ships: the sources, the Lambda packages and the CLI build. Not artifacts/test-logs, whose logs of
// this very stage name the simulator.
test('Nothing under src/, the built packages or scripts/package-lambda.sh references the AGPL simulator', () => {
  assert.deepEqual(referencesTo(repoRoot, ['src', 'artifacts/lambda', 'artifacts/txetl-aot', 'scripts/package-lambda.sh']), []);
});

test('The containment check finds a reference when there is one', () => {
  const root = mkdtempSync(join(tmpdir(), 'twiam-'));
  try {
    mkdirSync(join(root, 'src', 'Fn'), { recursive: true });
    writeFileSync(join(root, 'src', 'Fn', 'index.mjs'), "import x from '@cloud-copilot/iam-simulate';\n");
    writeFileSync(join(root, 'clean.txt'), 'nothing\n');
    assert.deepEqual(referencesTo(root, ['src', 'artifacts', 'clean.txt']), [
      `${join('src', 'Fn', 'index.mjs')} references @cloud-copilot`,
      `${join('src', 'Fn', 'index.mjs')} references iam-simulate`,
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
