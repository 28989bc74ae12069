// The backfill role's planned policy, evaluated by @cloud-copilot/iam-simulate (test-time only, like the
// twin's IAM check): what a Distributed Map and its children call is allowed, what lies next to it is not.
// Usage: node tests/statemachine/backfill-iam.mjs PLAN.json  (terraform show -json of a plan with the
// backfill enabled; scripts/test.d/40-terraform.sh runs it on the prod plan). Exit 1 names each wrong verdict.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';

const require = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));
const { runSimulation } = await import(require.resolve('@cloud-copilot/iam-simulate'));

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const changes = plan.resource_changes ?? [];
const machine = changes.find((r) => r.type === 'aws_sfn_state_machine' && r.change.after.name.endsWith('-backfill'))?.change.after;
const policy = changes.find((r) => r.type === 'aws_iam_role_policy' && r.change.after.name === 'backfill-state-machine')?.change.after.policy;
const runEtlPolicy = changes.find((r) => r.type === 'aws_iam_role_policy' && r.change.after.name === 'run-etl')?.change.after.policy;
const bucket = changes.find((r) => r.type === 'aws_s3_bucket')?.change.after.bucket;
if (!machine || !policy || !runEtlPolicy || !bucket) {
  console.error('the plan has no backfill state machine, backfill or RunEtl role policy, or bucket');
  process.exit(1);
}
const prefix = machine.name.slice(0, -'-backfill'.length);
const definition = JSON.parse(machine.definition);
const runEtl = definition.States.LoadPrefix.ItemProcessor.States.RunEtl.Parameters.FunctionName;
const [, partition, , region, account] = runEtl.split(':');
const states = `arn:${partition}:states:${region}:${account}`;
const topic = definition.States.PublishSummary.Parameters.TopicArn;
const results = definition.States.LoadPrefix.ResultWriter.Parameters.Prefix;
const child = `${machine.name}/backfill:0f0e0d0c-0b0a-0908-0706-050403020100`;

const expectations = [
  // What the Distributed Map and the children do with the role.
  ['Allowed', 'states:StartExecution', `${states}:stateMachine:${machine.name}`],
  ['Allowed', 'states:DescribeExecution', `${states}:execution:${child}`],
  ['Allowed', 'states:StopExecution', `${states}:execution:${child}`],
  ['Allowed', 'states:DescribeMapRun', `${states}:mapRun:${child}`],
  ['Allowed', 's3:ListBucket', `arn:${partition}:s3:::${bucket}`, { 's3:prefix': 'incoming/2026-11/' }],
  ['Allowed', 's3:PutObject', `arn:${partition}:s3:::${bucket}/${results}/0f0e0d0c/manifest.json`],
  ['Allowed', 'lambda:InvokeFunction', runEtl],
  ['Allowed', 'sns:Publish', topic],
  // Next to it, and not granted.
  ['ImplicitlyDenied', 'states:StartExecution', `${states}:stateMachine:${prefix}-etl`],
  ['ImplicitlyDenied', 'states:StopExecution', `${states}:execution:${prefix}-etl:some-file`],
  ['ImplicitlyDenied', 's3:ListBucket', `arn:${partition}:s3:::${bucket}`, { 's3:prefix': 'reports/' }],
  ['ImplicitlyDenied', 's3:ListBucket', `arn:${partition}:s3:::${bucket}`, {}],
  ['ImplicitlyDenied', 's3:GetObject', `arn:${partition}:s3:::${bucket}/incoming/2026-11/a.csv`],
  ['ImplicitlyDenied', 's3:PutObject', `arn:${partition}:s3:::${bucket}/incoming/2026-11/a.csv`],
  ['ImplicitlyDenied', 's3:DeleteObject', `arn:${partition}:s3:::${bucket}/${results}/0f0e0d0c/manifest.json`],
  ['ImplicitlyDenied', 'lambda:InvokeFunction', runEtl.replace(/run-etl$/, 'migrate')],
];

// The counting step (CountFileStatuses: RunEtl in mode backfill-summary) reads the Map Run results with RunEtl's role:
// the manifest and the result files beside it, and no other report.
const countingExpectations = [
  ['Allowed', 's3:GetObject', `arn:${partition}:s3:::${bucket}/${results}/0f0e0d0c/manifest.json`],
  ['Allowed', 's3:GetObject', `arn:${partition}:s3:::${bucket}/${results}/0f0e0d0c/SUCCEEDED_0.json`],
  ['ImplicitlyDenied', 's3:GetObject', `arn:${partition}:s3:::${bucket}/reports/incoming-a.csv-0123456789abcdef/rejects.csv`],
  ['ImplicitlyDenied', 's3:DeleteObject', `arn:${partition}:s3:::${bucket}/${results}/0f0e0d0c/manifest.json`],
];
if (definition.States.CountFileStatuses.Parameters.FunctionName !== runEtl) {
  console.error(`CountFileStatuses invokes ${definition.States.CountFileStatuses.Parameters.FunctionName}, not RunEtl ${runEtl}`);
  process.exit(1);
}

let wrong = 0;
const roles = [
  ['backfill-state-machine', policy, expectations],
  ['run-etl', runEtlPolicy, countingExpectations],
];
for (const [role, rolePolicy, list] of roles) for (const [expected, action, resource, context = {}] of list) {
  const response = await runSimulation({
    request: {
      principal: `arn:${partition}:iam::${account}:role/${prefix}-${role}`,
      action,
      resource: { resource, accountId: account },
      contextVariables: { 'aws:SecureTransport': 'true', ...context },
    },
    identityPolicies: [{ name: role, policy: JSON.parse(rolePolicy) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  const verdict = response.resultType === 'error' ? `error ${JSON.stringify(response.errors)}` : response.overallResult;
  const ok = verdict === expected;
  if (!ok) wrong++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${role}: ${action} on ${resource} ${JSON.stringify(context)}: ${verdict}${ok ? '' : ` (expected ${expected})`}`);
}
process.exit(wrong === 0 ? 0 : 1);
