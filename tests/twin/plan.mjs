// The Deployment the twin runs, built ONLY from an offline `terraform plan` of environments/dev (plan
// JSON), never from infra/ or statemachine/ sources: what the twin runs is what `terraform apply` would
// create. Values the plan leaves unknown (known only after apply) are filled the way AWS forms them, and
// each one is listed in `filled` so the stage can print it.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referencedArn, referencedRedrive } from './plan-refs.mjs';

const override = (sfnPort) => `terraform {
  backend "local" {}
}

provider "aws" {
  allowed_account_ids         = null
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    sfn = "http://127.0.0.1:${sfnPort}"
  }
}
`;

/**
 * The loopback ValidateStateMachineDefinition stub 40-terraform.sh starts (the provider validates a
 * plan-time known definition with Step Functions during plan). -> { port, stop() }
 */
function startValidateStub(root, work) {
  const portFile = join(work, 'sfn-stub.port');
  const out = openSync(portFile, 'w');
  const child = spawn('python3', [join(root, 'infra', 'tests', 'fixtures', 'sfn-validate-stub.py')], { stdio: ['ignore', out, 'inherit'] });
  closeSync(out);
  const until = Date.now() + 10_000;
  let port = '';
  while (!/^\d+\n/.test(port)) {
    if (Date.now() > until) { child.kill(); throw new Error('the Step Functions validation stub did not start'); }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    port = readFileSync(portFile, 'utf8');
  }
  return { port: Number(port.trim()), stop: () => child.kill() };
}

/**
 * Runs the offline plan exactly as scripts/test.d/40-terraform.sh does (a copy of infra/ with a local
 * backend and the provider's skip flags in an override file, fake credentials, the repository's offline
 * provider mirror), but with the real Lambda zips and the real definition. Returns { plan, planFile }.
 */
export function runPlan({ root, artifactsDir, definitionPath, account = '123456789012', env = 'dev', work }) {
  work ??= mkdtempSync(join(tmpdir(), 'twin-plan-'));
  const infra = join(work, 'infra');
  mkdirSync(infra, { recursive: true });
  cpSync(join(root, 'infra'), infra, { recursive: true, dereference: true, filter: (src) => !/\/\.terraform(\/|$)/.test(src) }); // provider caches stay out, lock files come along
  const dir = join(infra, 'environments', env);
  const stub = startValidateStub(root, work);
  writeFileSync(join(dir, 'offline_override.tf'), override(stub.port));
  const tfEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(root, 'infra', 'terraform.rc'),
    TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1',
    TF_DATA_DIR: join(work, `data-${env}`),
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-offline-plans',
    AWS_REGION: 'eu-central-1', AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) delete tfEnv[name];
  const tf = (...args) => execFileSync('terraform', [`-chdir=${dir}`, ...args], { env: tfEnv, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const planFile = join(work, `${env}.tfplan`);
  try {
    tf('init', '-lockfile=readonly', '-no-color');
    tf('plan', '-lock=false', '-no-color', `-out=${planFile}`, `-var=account_id=${account}`,
      `-var=lambda_artifacts_dir=${artifactsDir}`, `-var=state_machine_definition_path=${definitionPath}`);
    const json = tf('show', '-json', planFile);
    writeFileSync(join(work, `${env}.json`), json);
    return { plan: JSON.parse(json), planFile };
  } catch (err) {
    throw new Error(`offline terraform plan of environments/${env} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  } finally {
    stub.stop();
  }
}

/** One planned resource: its values, and which attributes the plan leaves unknown. */
function resources(plan) {
  return (plan.resource_changes ?? [])
    .filter((r) => r.mode === 'managed' && !(r.change.actions.length === 1 && r.change.actions[0] === 'delete'))
    .map((r) => ({ address: r.address, module: r.module_address ?? '', type: r.type, name: r.name, index: r.index,
      after: r.change.after ?? {}, unknown: r.change.after_unknown ?? {} }));
}

const parse = (text) => (typeof text === 'string' && text !== '' ? JSON.parse(text) : text ?? null);
const first = (list) => (Array.isArray(list) ? list[0] : undefined);

/** Builds the Deployment (see /work/notes/issue14.md "Shared interfaces") from plan JSON. */
export function deploymentFromPlan(plan, { planFile = null } = {}) {
  const all = resources(plan);
  const of = (type) => all.filter((r) => r.type === type);
  const filled = [];
  const fill = (what, value, why) => { filled.push({ what, value, why }); return value; };
  const missing = [];
  const known = (r, attr, what) => {
    if (r.unknown[attr] === true) { missing.push(`${r.address}.${attr} (${what})`); return undefined; }
    return r.after[attr];
  };

  const account = plan.variables?.account_id?.value ?? '123456789012';
  const region = plan.variables?.region?.value ?? 'eu-central-1';
  const partition = 'aws';
  const arn = (service, rest, { reg = region, acct = account } = {}) => `arn:${partition}:${service}:${reg}:${acct}:${rest}`;
  // Same module, same for_each key: how the modules pair a function with its role and log group.
  const sibling = (list, r) => list.find((x) => x.module === r.module && x.index === r.index)
    ?? (list.filter((x) => x.module === r.module).length === 1 ? list.find((x) => x.module === r.module) : undefined);

  // KMS keys: ids are random (key/<uuid>); aliases are named.
  const kmsKeys = {};
  // ARNs of resources, formed from their planned names (or filled); what configuration references resolve to.
  const formed = new Map();
  const arnOf = (r) => formed.get(r.address) ?? {
    aws_sqs_queue: () => arn('sqs', r.after.name), aws_sns_topic: () => arn('sns', r.after.name),
    aws_lambda_function: () => arn('lambda', `function:${r.after.function_name}`),
    aws_iam_role: () => `arn:${partition}:iam::${account}:role${r.after.path ?? '/'}${r.after.name}`,
    aws_sfn_state_machine: () => arn('states', `stateMachine:${r.after.name}`),
    aws_cloudwatch_event_rule: () => arn('events', `rule/${r.after.name}`),
    aws_s3_bucket: () => `arn:${partition}:s3:::${r.after.bucket}`,
    aws_cloudwatch_log_group: () => arn('logs', `log-group:${r.after.name}`),
  }[r.type]?.();
  const byReference = (r, path, why) => {
    const value = referencedArn(plan, r, path, { all, arnOf });
    if (value === undefined) { missing.push(`${r.address}.${path.join('.')}`); return null; }
    return fill(`${r.address}.${path.join('.')}`, value, why);
  };
  const keyArnByModule = {};
  for (const k of of('aws_kms_key')) {
    const keyArn = fill(`${k.address}.arn`, arn('kms', `key/${randomUUID()}`), 'KMS key ids are random UUIDs chosen by AWS');
    const aliases = of('aws_kms_alias').filter((a) => a.module === k.module).map((a) => a.after.name);
    kmsKeys[keyArn] = { aliases, policy: parse(k.after.policy) };
    keyArnByModule[k.module] = keyArn;
    formed.set(k.address, keyArn);
  }

  const roles = {};
  const roleArnOf = (r) => r.after.name && `arn:${partition}:iam::${account}:role${r.after.path ?? '/'}${r.after.name}`;
  for (const r of of('aws_iam_role')) {
    const policies = of('aws_iam_role_policy').filter((p) => p.module === r.module && (p.index === r.index || of('aws_iam_role').filter((x) => x.module === r.module).length === 1))
      .map((p) => ({ name: p.after.name, document: parse(known(p, 'policy', 'identity policies must be known at plan time (D7)')) }));
    const managed = of('aws_iam_role_policy_attachment').filter((p) => p.module === r.module && p.index === r.index).map((p) => p.after.policy_arn);
    roles[r.after.name] = { arn: roleArnOf(r), trust: parse(r.after.assume_role_policy), policies, managedPolicyArns: managed };
  }
  const roleFor = (r) => { const role = sibling(of('aws_iam_role'), r); return role && roleArnOf(role); };

  const queues = {};
  for (const q of of('aws_sqs_queue')) {
    queues[q.after.name] = { name: q.after.name, arn: arn('sqs', q.after.name), url: null,
      visibilityTimeoutSeconds: q.after.visibility_timeout_seconds, messageRetentionSeconds: q.after.message_retention_seconds,
      redrive: q.unknown.redrive_policy === true ? null : (() => { const p = parse(q.after.redrive_policy); return p ? { deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: Number(p.maxReceiveCount) } : null; })(),
      sse: q.after.sqs_managed_sse_enabled === true };
    // redrive_policy is also computed: unknown without a configured value just means "none".
    if (q.unknown.redrive_policy === true && configured(plan, q, 'redrive_policy')) {
      const redrive = referencedRedrive(plan, q, { all, arnOf });
      if (redrive) queues[q.after.name].redrive = fill(`${q.address}.redrive_policy`, redrive, 'SQS\'s redrive JSON from the referenced dead-letter queue and maxReceiveCount variable');
      else missing.push(`${q.address}.redrive_policy (queue settings)`);
    }
  }

  const db = first(of('aws_db_instance'));
  const dbArn = db && arn('rds', `db:${db.after.identifier}`);
  const secrets = {};
  const secretByName = {};
  const randomSuffix = () => randomBytes(4).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6).padEnd(6, 'a');
  const secretArn = (name, address) => fill(`${address}.arn`, arn('secretsmanager', `secret:${name}-${randomSuffix()}`),
    'Secrets Manager appends "-" and 6 random characters to the secret name');
  for (const s of of('aws_secretsmanager_secret')) {
    const role = /loader/.test(s.after.name) ? 'loader' : /webhook/.test(s.after.name) ? 'webhooks' : s.after.name;
    const entry = { name: s.after.name, arn: secretArn(s.after.name, s.address), kmsKeyArn: keyArnByModule[s.module] ?? null, tags: s.after.tags ?? {} };
    secrets[role] = entry;
    formed.set(s.address, entry.arn);
    secretByName[entry.name] = entry;
  }
  if (db?.after.manage_master_user_password) {
    const name = fill(`${db.address}.master_user_secret[0].secret_arn (name)`, `rds!db-${randomUUID()}`, 'RDS names its managed master secret rds!db-<uuid>');
    secrets.master = { name, arn: secretArn(name, `${db.address}.master_user_secret`), kmsKeyArn: keyArnByModule[db.module] ?? null,
      tags: { 'aws:rds:primaryDBInstanceArn': dbArn, 'aws:secretsmanager:owningService': 'rds' } };
    secretByName[name] = secrets.master;
  }
  // Env vars the plan leaves unknown hold secret ARNs (D4); which secret each names is the variable's meaning.
  const secretForEnv = { TXETL_DB_SECRET_ID: 'loader', TXETL_MIGRATION_DB_SECRET_ID: 'master', TXETL_CHAT_SECRET_ID: 'webhooks' };

  const functions = {};
  for (const f of of('aws_lambda_function')) {
    const key = typeof f.index === 'string' ? f.index : f.after.handler;
    let envUnknown = first(f.unknown.environment)?.variables;
    let env = { ...(first(f.after.environment)?.variables ?? {}) };
    // The AWS provider plans the whole variables map unknown once one value is; Terraform itself keeps
    // per-key unknowns, so a root output of the environments (if the configuration has one) still shows the keys.
    const envOutput = plan.output_changes?.function_environment ?? plan.output_changes?.function_environments;
    if (envUnknown === true && envOutput?.after?.[key] !== undefined) {
      env = { ...envOutput.after[key] };
      envUnknown = envOutput.after_unknown?.[key] === true ? true : envOutput.after_unknown?.[key] ?? {};
    }
    if (envUnknown === true) missing.push(`${f.address}.environment.variables (whole map unknown: keys cannot be read; a root output function_environment would show them)`);
    for (const [name, unknown] of Object.entries(envUnknown && envUnknown !== true ? envUnknown : {})) {
      if (unknown !== true) continue;
      const secret = secrets[secretForEnv[name]];
      if (!secret) { missing.push(`${f.address}.environment.${name} (no way to form it)`); continue; }
      env[name] = fill(`${f.address}.environment.${name}`, secret.arn, `ARN of the ${secretForEnv[name]} secret, formed as AWS does`);
    }
    const logName = first(f.after.logging_config)?.log_group ?? `/aws/lambda/${f.after.function_name}`;
    const invokeConfig = of('aws_lambda_function_event_invoke_config').find((c) => c.after.function_name === f.after.function_name);
    functions[key] = {
      key, name: f.after.function_name, arn: arn('lambda', `function:${f.after.function_name}`), handler: f.after.handler, env,
      timeoutSeconds: f.after.timeout, memoryMb: f.after.memory_size,
      reserved: f.after.reserved_concurrent_executions >= 0 ? f.after.reserved_concurrent_executions : null,
      roleArn: roleFor(f), logGroup: { name: logName, arn: arn('logs', `log-group:${logName}`) },
      vpc: (f.after.vpc_config ?? []).length > 0 ? { inVpc: true } : null, zip: f.after.filename,
      asyncConfig: invokeConfig ? {
        maxRetryAttempts: invokeConfig.after.maximum_retry_attempts, maxEventAgeSeconds: invokeConfig.after.maximum_event_age_in_seconds,
        onFailure: first(first(invokeConfig.after.destination_config)?.on_failure)?.destination ?? null,
      } : null,
    };
  }
  const functionKeyOf = (nameOrArn) => Object.values(functions).find((f) => f.name === nameOrArn || f.arn === nameOrArn || nameOrArn?.endsWith(`:function:${f.name}`))?.key;

  const sm = first(of('aws_sfn_state_machine'));
  const stateMachine = sm && {
    name: sm.after.name, arn: arn('states', `stateMachine:${sm.after.name}`), roleArn: roleFor(sm),
    definition: parse(known(sm, 'definition', 'the rendered definition must be known at plan time')),
  };

  const bucketRes = first(of('aws_s3_bucket'));
  const notification = first(of('aws_s3_bucket_notification'));
  const bucket = bucketRes && {
    name: bucketRes.after.bucket, arn: `arn:${partition}:s3:::${bucketRes.after.bucket}`, kmsKeyArn: keyArnByModule[bucketRes.module] ?? null,
    notifications: [
      ...(notification?.after.queue ?? []).map((q, i) => ({ queueArn: q.queue_arn ?? byReference(notification, ['queue', i, 'queue_arn'], 'the referenced queue\'s ARN, formed from its name'), events: q.events, prefix: q.filter_prefix ?? '', suffix: q.filter_suffix ?? '' })),
      ...(notification?.after.lambda_function ?? []).map((l) => ({ functionArn: l.lambda_function_arn ?? null, events: l.events, prefix: l.filter_prefix ?? '', suffix: l.filter_suffix ?? '' })),
    ],
  };

  const eventSourceMappings = of('aws_lambda_event_source_mapping').map((m) => ({
    functionKey: functionKeyOf(m.after.function_name ?? byReference(m, ['function_name'], 'the referenced function\'s ARN, formed from its name'))
      ?? (missing.push(`${m.address}.function_name (no planned function)`), null), queueArn: m.after.event_source_arn ?? byReference(m, ['event_source_arn'], 'the referenced queue\'s ARN, formed from its name'),
    batchSize: m.after.batch_size, maximumBatchingWindowSeconds: m.after.maximum_batching_window_in_seconds ?? 0,
    maximumConcurrency: first(m.after.scaling_config)?.maximum_concurrency ?? null,
    reportBatchItemFailures: (m.after.function_response_types ?? []).includes('ReportBatchItemFailures'),
  }));

  const topics = {};
  const topicArnByModule = {};
  for (const t of of('aws_sns_topic')) {
    const topicArn = arn('sns', t.after.name);
    topics[topicArn] = { name: t.after.name, kmsKeyArn: keyArnByModule[t.module] ?? null, subscriptions: [] };
    topicArnByModule[t.module] = topicArn;
  }
  for (const s of of('aws_sns_topic_subscription')) {
    const topicArn = s.after.topic_arn ?? byReference(s, ['topic_arn'], 'the referenced topic\'s ARN, formed from its name');
    const endpoint = s.after.endpoint ?? byReference(s, ['endpoint'], 'the referenced endpoint\'s ARN, formed from its name');
    topics[topicArn]?.subscriptions.push({ protocol: s.after.protocol, endpoint, filterPolicy: parse(s.after.filter_policy),
      filterPolicyScope: s.after.filter_policy_scope ?? 'MessageAttributes', rawMessageDelivery: s.after.raw_message_delivery === true });
  }

  const eventRules = of('aws_cloudwatch_event_rule').map((r) => {
    const ruleArn = arn('events', `rule/${r.after.name}`);
    const targets = of('aws_cloudwatch_event_target').filter((t) => t.after.rule === r.after.name || (t.module === r.module && t.unknown.rule))
      .map((t) => ({ arn: t.after.arn ?? byReference(t, ['arn'], 'the referenced target\'s ARN, formed from its name'), inputTransformer: first(t.after.input_transformer) ?? null, input: t.after.input ?? null }));
    return { name: r.after.name, arn: ruleArn, pattern: parse(r.after.event_pattern), targets, busName: r.after.event_bus_name ?? 'default' };
  });

  const resourcePolicies = resourcePoliciesOf(of, { bucket, functions, kmsKeys, missing, parse, byReference });

  const database = db && {
    identifier: db.after.identifier, arn: dbArn, dbName: db.after.db_name, masterUsername: db.after.username, port: db.after.port ?? 5432,
    engineVersion: db.after.engine_version,
    loaderUsername: plan.output_changes?.loader_username?.after ?? fill('output loader_username', 'txetl_etl', 'the plan has no loader_username output; design D1 default'),
    host: fill(`${db.address}.address`, `${db.after.identifier}.${randomBytes(6).toString('hex')}.${region}.rds.amazonaws.com`, 'RDS endpoint host names are random; the twin connects to 127.0.0.1 and verifies the certificate for it'),
  };
  const invocation = first(of('aws_lambda_invocation'));
  const migrateInvocation = invocation && { functionName: invocation.after.function_name, input: parse(invocation.after.input) };

  if (missing.length) {
    const err = new Error(`the plan leaves values unknown that the twin cannot form the way AWS does:\n  ${missing.join('\n  ')}`);
    err.missing = missing;
    // What could be read, for a reader debugging the plan (never run: the gaps above are real).
    err.partial = { region, account, partition, planFile, functions, roles, resourcePolicies, stateMachine, bucket, queues,
      eventSourceMappings, topics, eventRules, secrets, kmsKeys, database, migrateInvocation, filled };
    throw err;
  }
  return { region, account, partition, planFile, functions, roles, resourcePolicies, stateMachine, bucket, queues,
    eventSourceMappings, topics, eventRules, secrets, kmsKeys, database, migrateInvocation, filled };
}

/** Whether the configuration (in the plan JSON) sets `attr` on resource r at all. */
function configured(plan, r, attr) {
  let mod = plan.configuration?.root_module;
  for (const [, name] of (r.module ?? '').matchAll(/module\.([^.[]+)(\[[^\]]*\])?/g)) mod = mod?.module_calls?.[name]?.module;
  const res = mod?.resources?.find((x) => x.address === `${r.type}.${r.name}`);
  return res ? Object.hasOwn(res.expressions ?? {}, attr) : true;
}

/** Bucket, topic, queue and secret policies, KMS key policies and Lambda permissions, as policy documents. */
function resourcePoliciesOf(of, { bucket, functions, kmsKeys, missing, parse, byReference }) {
  const out = [];
  const resourceOf = (doc) => [doc?.Statement ?? []].flat().flatMap((s) => [s.Resource ?? []].flat())[0];
  const add = (kind, r, attr, arnOf) => {
    if (r.unknown[attr] === true) { missing.push(`${r.address}.${attr} (resource policies must be known at plan time, D7)`); return; }
    const document = parse(r.after[attr]);
    out.push({ kind, arn: arnOf(document), document });
  };
  for (const r of of('aws_s3_bucket_policy')) add('bucket', r, 'policy', () => bucket?.arn);
  for (const r of of('aws_sns_topic_policy')) add('topic', r, 'policy', (d) => r.after.arn ?? resourceOf(d));
  for (const r of of('aws_sqs_queue_policy')) add('queue', r, 'policy', (d) => resourceOf(d));
  for (const r of of('aws_secretsmanager_secret_policy')) add('secret', r, 'policy', (d) => resourceOf(d));
  for (const [keyArn, key] of Object.entries(kmsKeys)) if (key.policy) out.push({ kind: 'kms', arn: keyArn, document: key.policy });
  for (const p of of('aws_lambda_permission')) {
    const name = p.after.function_name ?? byReference(p, ['function_name'], 'the referenced function\'s ARN, formed from its name');
    const fn = Object.values(functions).find((f) => f.name === name || f.arn === name);
    const condition = {};
    if (p.after.source_arn) condition.ArnLike = { 'aws:SourceArn': p.after.source_arn };
    if (p.after.source_account) condition.StringEquals = { 'aws:SourceAccount': p.after.source_account };
    out.push({ kind: 'lambda', arn: fn?.arn ?? name, document: { Version: '2012-10-17', Statement: [{
      Sid: p.after.statement_id, Effect: 'Allow', Principal: { Service: p.after.principal }, Action: p.after.action,
      Resource: fn?.arn ?? name, ...(Object.keys(condition).length ? { Condition: condition } : {}) }] } });
  }
  return out;
}

/** Reads a plan JSON file (for tests and for running the twin on a plan made elsewhere). */
export function loadPlan(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
