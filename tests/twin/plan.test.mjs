// deploymentFromPlan on small plan JSONs shaped like `terraform show -json` output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentFromPlan } from './plan.mjs';

const rc = (address, after, unknown = {}) => {
  const m = /^(.*?)\.?(?:(data)\.)?([a-z0-9_]+)\.([a-z0-9_]+)(\["([^"]+)"\])?$/.exec(address);
  return { address, module_address: m[1] || undefined, mode: 'managed', type: m[3], name: m[4], index: m[6] ?? null,
    change: { actions: ['create'], after, after_unknown: unknown } };
};
const fn = 'module.etl.module.functions';
const policy = (action, resource) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

function plan(overrides = {}) {
  return {
    variables: { account_id: { value: '123456789012' }, region: { value: 'eu-central-1' } },
    output_changes: { loader_username: { after: 'txetl_etl' } },
    resource_changes: [
      rc(`${fn}.aws_lambda_function.this["run-etl"]`, {
        function_name: 'txetl-dev-run-etl', handler: 'run-etl', timeout: 900, memory_size: 1024, reserved_concurrent_executions: 2,
        filename: '/a/run-etl.zip', environment: [{ variables: { TXETL_DB_SSL_MODE: 'VerifyFull' } }],
        logging_config: [{ log_group: '/aws/lambda/txetl-dev-run-etl' }], vpc_config: [{}],
      }, { environment: [{ variables: overrides.envUnknown ?? { TXETL_DB_SECRET_ID: true } }] }),
      rc(`${fn}.aws_iam_role.this["run-etl"]`, { name: 'txetl-dev-run-etl', path: '/', assume_role_policy: '{"Statement":[]}' }),
      rc(`${fn}.aws_iam_role_policy.this["run-etl"]`, overrides.policyUnknown ? { name: 'run-etl' } : { name: 'run-etl', policy: policy('s3:GetObject', 'arn:aws:s3:::b/*') },
        overrides.policyUnknown ? { policy: true } : {}),
      rc('module.etl.module.database.aws_db_instance.this', { identifier: 'txetl-dev', db_name: 'txetl', username: 'txetl_admin', port: 5432, manage_master_user_password: true }),
      rc('module.etl.module.database.aws_secretsmanager_secret.loader', { name: 'txetl-dev-db-loader' }, { arn: true }),
      rc('module.etl.module.database.aws_kms_key.this', { policy: '{"Statement":[]}' }, { arn: true, key_id: true }),
      rc('module.etl.module.database.aws_kms_alias.this', { name: 'alias/txetl-dev-database' }),
      rc('module.etl.module.database.aws_lambda_invocation.migrate', { function_name: 'txetl-dev-migrate', input: '{}' }),
      rc('module.etl.module.queue.aws_sqs_queue.events', { name: 'txetl-dev-file-events', visibility_timeout_seconds: 180, message_retention_seconds: 345600,
        redrive_policy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-central-1:123456789012:txetl-dev-file-events-dlq","maxReceiveCount":5}' }),
      rc('module.etl.module.queue.aws_lambda_event_source_mapping.start', { function_name: 'txetl-dev-run-etl', event_source_arn: 'arn:aws:sqs:eu-central-1:123456789012:txetl-dev-file-events',
        batch_size: 10, maximum_batching_window_in_seconds: 1, scaling_config: [{ maximum_concurrency: 2 }], function_response_types: ['ReportBatchItemFailures'] }),
    ],
  };
}

test('functions, roles and queues come from the plan; unknown secret ARNs are filled and listed', () => {
  const d = deploymentFromPlan(plan());
  const f = d.functions['run-etl'];
  assert.equal(f.arn, 'arn:aws:lambda:eu-central-1:123456789012:function:txetl-dev-run-etl');
  assert.equal(f.reserved, 2);
  assert.equal(f.roleArn, 'arn:aws:iam::123456789012:role/txetl-dev-run-etl');
  assert.equal(f.logGroup.arn, 'arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-dev-run-etl');
  assert.match(f.env.TXETL_DB_SECRET_ID, /^arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-dev-db-loader-[A-Za-z0-9]{6}$/);
  assert.equal(f.env.TXETL_DB_SECRET_ID, d.secrets.loader.arn);
  assert.equal(f.env.TXETL_DB_SSL_MODE, 'VerifyFull');
  assert.deepEqual(d.roles['txetl-dev-run-etl'].policies[0].document.Statement[0].Action, 's3:GetObject');
  assert.deepEqual(d.queues['txetl-dev-file-events'].redrive, { deadLetterTargetArn: 'arn:aws:sqs:eu-central-1:123456789012:txetl-dev-file-events-dlq', maxReceiveCount: 5 });
  assert.deepEqual(d.eventSourceMappings[0], { functionKey: 'run-etl', queueArn: 'arn:aws:sqs:eu-central-1:123456789012:txetl-dev-file-events',
    batchSize: 10, maximumBatchingWindowSeconds: 1, maximumConcurrency: 2, reportBatchItemFailures: true });
  assert.deepEqual(d.migrateInvocation, { functionName: 'txetl-dev-migrate', input: {} });
  assert.equal(d.database.loaderUsername, 'txetl_etl');
  const filledWhat = d.filled.map((x) => x.what).join('\n');
  assert.match(filledWhat, /environment\.TXETL_DB_SECRET_ID/);
  assert.match(filledWhat, /aws_kms_key\.this\.arn/);
});

test('the RDS master secret is named rds!db-<uuid> and tagged with the instance ARN', () => {
  const d = deploymentFromPlan(plan());
  assert.match(d.secrets.master.name, /^rds!db-[0-9a-f-]{36}$/);
  assert.match(d.secrets.master.arn, /:secret:rds!db-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/);
  assert.equal(d.secrets.master.tags['aws:rds:primaryDBInstanceArn'], 'arn:aws:rds:eu-central-1:123456789012:db:txetl-dev');
  const key = Object.entries(d.kmsKeys)[0];
  assert.match(key[0], /^arn:aws:kms:eu-central-1:123456789012:key\/[0-9a-f-]{36}$/);
  assert.deepEqual(key[1].aliases, ['alias/txetl-dev-database']);
  assert.equal(d.secrets.master.kmsKeyArn, key[0]);
});

test('an identity policy unknown at plan time is refused, naming the resource', () => {
  assert.throws(() => deploymentFromPlan(plan({ policyUnknown: true })), /aws_iam_role_policy\.this\["run-etl"\]\.policy/);
});

test('an environment map unknown as a whole is refused (its keys cannot be read)', () => {
  assert.throws(() => deploymentFromPlan(plan({ envUnknown: true })), /environment\.variables \(whole map unknown/);
});

test('a wholly unknown environment map is read from the root output function_environment, unknown values filled', () => {
  const p = plan({ envUnknown: true });
  p.output_changes.function_environment = { after: { 'run-etl': { TXETL_DB_SSL_MODE: 'VerifyFull' } }, after_unknown: { 'run-etl': { TXETL_DB_SECRET_ID: true } } };
  const d = deploymentFromPlan(p);
  assert.deepEqual(Object.keys(d.functions['run-etl'].env).sort(), ['TXETL_DB_SECRET_ID', 'TXETL_DB_SSL_MODE']);
  assert.equal(d.functions['run-etl'].env.TXETL_DB_SECRET_ID, d.secrets.loader.arn);
});
