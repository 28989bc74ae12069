// The twin: the planned dev deployment on loopback, wired only from the Deployment (plan.mjs). Each
// function runs its real packaged bootstrap with its own role's credentials and the SDK endpoint
// variables pointing at the twin's servers; every call they make is recorded for the IAM check.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallLog } from './aws/calls.mjs';
import { Credentials } from './aws/credentials.mjs';
import * as secretsServer from './aws/secrets.mjs';
import * as snsServer from './aws/sns.mjs';
import * as sqsServer from './aws/sqs.mjs';
import * as webhooksServer from './aws/webhooks.mjs';
import * as s3Server from './aws/s3.mjs';
import * as lambdaService from './lambda/service.mjs';
import * as stepFunctions from './stepfunctions.mjs';
import { eventBus, matches } from './eventbridge.mjs';
import { startPostgres, rdsMasterSecret } from './postgres.mjs';
import { deploymentFromPlan, runPlan } from './plan.mjs';
import { authorizer } from './iam.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The operator (Terraform's identity, a person uploading files): not part of the plan, so not IAM-checked. */
export const operator = { type: 'operator', arn: 'arn:aws:iam::123456789012:role/operator' };

/** Plans environments/dev offline with the real zips and definition; prints what was filled in. */
export function planDeployment({ root = repoRoot, log = console.log } = {}) {
  const artifactsDir = process.env.TXETL_TWIN_ARTIFACTS ?? join(root, 'artifacts', 'lambda');
  const work = mkdtempSync(join(tmpdir(), 'twin-plan-'));
  process.once('exit', () => rmSync(work, { recursive: true, force: true })); // the plan file lives until the twin ends
  const { plan, planFile } = runPlan({ root, artifactsDir, definitionPath: join(root, 'statemachine', 'etl.asl.json'), work });
  const deployment = deploymentFromPlan(plan, { planFile });
  for (const f of deployment.filled) log(`twin: filled ${f.what} = ${typeof f.value === "string" ? f.value : JSON.stringify(f.value)} (${f.why})`);
  return deployment;
}

/**
 * Starts every server and function of the deployment. opts: { deployment, factor (durations scale; the
 * definition's retries and timeouts and the held loads), loadMs (how long a RunEtl load holds its slot,
 * unscaled), ca: { caCert, caKey } (the CA in the packaged global-bundle.pem), inlineIam (answer
 * AccessDenied where IAM would), log }.
 */
export async function startTwin(opts) {
  const { deployment: d, log = console.log } = opts;
  const region = d.region;
  const account = d.account;
  const calls = new CallLog();
  const credentials = new Credentials();
  // AccessDenied where IAM would deny. The operator (Terraform's identity, a person) is outside the plan:
  // its calls are recorded but neither answered nor judged by the planned policies.
  const judge = opts.inlineIam === false ? null : authorizer(d);
  const authorize = judge && ((call) => (call.principal.type === 'operator' ? { allowed: true } : judge(call)));
  const base = { calls, credentials, region, account, ...(authorize ? { authorize } : {}) };
  const stops = [];
  const work = mkdtempSync(join(tmpdir(), 'twin-'));
  stops.push(() => rmSync(work, { recursive: true, force: true }));
  try {
    const pg = await startPostgres({ caCert: opts.ca.caCert, caKey: opts.ca.caKey, masterUsername: d.database.masterUsername, dbName: d.database.dbName });
    stops.push(() => pg.destroy());

    const secrets = await secretsServer.start(base);
    stops.push(secrets.stop);
    const aliasesOf = (keyArn) => d.kmsKeys[keyArn]?.aliases ?? [];
    const loaderPassword = randomBytes(30).toString('base64url');
    const webhookCa = await webhooksServer.createCa(work);
    const webhooks = await webhooksServer.start({ ...base, caCertPath: webhookCa.certPath, caKeyPath: webhookCa.keyPath });
    stops.push(webhooks.stop);
    // Values Terraform/RDS would write after apply: the loader secret in RDS's JSON shape (host is the
    // instance endpoint; here the RDS-like cluster), the master secret RDS manages, the webhook URLs.
    const values = {
      loader: { engine: 'postgres', host: pg.host, port: pg.port, username: d.database.loaderUsername, password: loaderPassword, dbname: d.database.dbName },
      master: rdsMasterSecret(pg),
      webhooks: webhooks.webhookSecret(),
    };
    for (const [role, s] of Object.entries(d.secrets)) {
      secrets.createSecret({ name: s.name, arn: s.arn, value: values[role], kmsKeyArn: s.kmsKeyArn, kmsAliases: aliasesOf(s.kmsKeyArn), tags: s.tags });
    }

    const sqs = await sqsServer.start({ ...base, queues: Object.values(d.queues) });
    stops.push(sqs.stop);
    const sns = await snsServer.start({ ...base, topics: Object.entries(d.topics).map(([arn, t]) => ({ arn, kmsKeyArn: t.kmsKeyArn, kmsAliases: aliasesOf(t.kmsKeyArn) })) });
    stops.push(sns.stop);
    const s3 = await s3Server.start({ ...base, deployment: d, sqs, kmsAliases: aliasesOf(d.bucket.kmsKeyArn) });
    stops.push(s3.stop);

    // Functions: the packaged zips, unzipped as Lambda does into its task root (/var/task). Env values
    // that name a file under /var/task point into the twin's task root instead.
    const taskRoots = {};
    for (const [key, fn] of Object.entries(d.functions)) {
      taskRoots[key] = lambdaService.unzipTaskRoot(fn.zip);
      stops.push(() => rmSync(taskRoots[key], { recursive: true, force: true }));
    }
    let factor = opts.factor ?? 1;
    let loadMs = 0; // unscaled: how long a RunEtl load holds its slot at least
    let lambda;
    const bus = eventBus({ deployment: d, sns, account });
    const busErrors = [];
    const sfn = await stepFunctions.start({ ...base, deployment: d, lambdaUrl: () => lambda.url, snsUrl: sns.url, factor,
      onStatusChange: (e) => { bus.onExecution(e, { region }).catch((err) => busErrors.push(err)); } });
    stops.unshift(sfn.stop);
    const endpoints = () => ({ AWS_ENDPOINT_URL_S3: s3.url, AWS_ENDPOINT_URL_SFN: sfn.url, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url });
    const environment = (key) => {
      const env = { ...endpoints(), SSL_CERT_FILE: webhookCa.certPath };
      for (const [name, value] of Object.entries(d.functions[key].env)) {
        if (typeof value === 'string' && value.startsWith('/var/task/')) env[name] = join(taskRoots[key], value.slice('/var/task/'.length));
      }
      return env;
    };
    lambda = await lambdaService.start({ ...base, deployment: d, sqs, taskRoot: (key) => taskRoots[key], environment,
      minDurationMs: (key) => (key === 'run-etl' ? Math.round(loadMs * factor) : 0), logDir: join(work, 'logs'), retryDelaysMs: [60_000 * factor, 120_000 * factor] });
    stops.unshift(lambda.stop);

    // SNS -> Lambda subscriptions (NotifyChat): SNS invokes asynchronously as sns.amazonaws.com.
    const filteredOut = [];
    for (const [topicArn, topic] of Object.entries(d.topics)) {
      for (const sub of topic.subscriptions) {
        if (sub.protocol !== 'lambda') continue;
        sns.subscribe(topicArn, { protocol: 'lambda', endpoint: sub.endpoint,
          deliver: async (event, invocation) => {
            // The planned filter policy decides, as SNS does, before anything is invoked.
            if (sub.filterPolicy && !passesFilter(sub, event)) { filteredOut.push({ topicArn, endpoint: sub.endpoint, event }); return; }
            const res = await lambda.invoke(invocation.principal, sub.endpoint, JSON.stringify(event), { type: 'Event', context: invocation.context });
            if (res.statusCode >= 300) throw new Error(`Lambda answered ${res.statusCode}`);
          } });
      }
    }

    log(`twin: durations scaled by ${factor} (the definition's retry intervals and timeouts, Lambda's async retry delays, held loads)`);

    return {
      get factor() { return factor; },
      /** Scales durations anew (the definition for executions started from now on, held loads). */
      setFactor(f) { factor = f; sfn.setFactor(f); log(`twin: durations scaled by ${f} from now on`); },
      /** How long each RunEtl load holds its concurrency slot at least, in unscaled ms. */
      setLoadMs(ms) { loadMs = ms; log(`twin: RunEtl loads held ${ms / 1000} s unscaled (${Math.round(ms * factor)} ms)`); },
      deployment: d, calls, credentials, pg, secrets, filteredOut, sqs, sns, s3, lambda, sfn, bus, busErrors, webhooks, loaderPassword,
      /** Invokes a function as the operator (Terraform's aws_lambda_invocation, a person). -> { status, payload, functionError } */
      async invokeAsOperator(functionName, input) {
        const fn = lambda.lookup(functionName);
        if (!fn) throw new Error(`no function ${functionName} in the deployment`);
        const res = await lambda.invoke(operator, fn.arn, JSON.stringify(input));
        const text = Buffer.from(res.body ?? '').toString('utf8');
        if (res.statusCode !== 200) throw new Error(`Invoke ${functionName} answered ${res.statusCode}: ${text}`);
        return { status: res.statusCode, functionError: res.headers?.['X-Amz-Function-Error'] ?? null, payload: text ? JSON.parse(text) : null };
      },
      /** Sends the S3 notification of `key` to its queue again, as S3's at-least-once delivery may. */
      async redeliver(key) {
        const sent = s3.notifications.findLast((n) => n.message.Records?.some((r) => decodeURIComponent(r.s3.object.key.replaceAll('+', ' ')) === key));
        if (!sent) throw new Error(`S3 sent no notification for ${key}`);
        await sqs.send({ type: 'service', service: 's3.amazonaws.com' }, { 'aws:SourceArn': d.bucket.arn, 'aws:SourceAccount': account }, sent.queueArn, JSON.stringify(sent.message));
      },
      /** Waits until every queue is drained and nothing runs (functions, executions, deliveries). */
      async settle({ timeoutMs = 120_000 } = {}) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          await sfn.idle();
          await bus.idle();
          await sns.idle();
          await lambda.idle();
          const queued = d.eventSourceMappings.reduce((n, m) => n + sqs.depth(m.queueArn), 0);
          const running = [...sfn.executions.values()].some((e) => e.status === 'RUNNING');
          if (!queued && !running) {
            await new Promise((r) => setTimeout(r, 100));
            const again = d.eventSourceMappings.reduce((n, m) => n + sqs.depth(m.queueArn), 0);
            if (!again && ![...sfn.executions.values()].some((e) => e.status === 'RUNNING')) return;
          }
          if (Date.now() > deadline) throw new Error(`twin did not settle in ${timeoutMs} ms (queued ${queued}, running ${running})`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async stop() {
        for (const stop of stops) {
          try { await stop(); } catch (err) { log(`twin: stop: ${err.message}`); }
        }
      },
    };
  } catch (err) {
    for (const stop of stops) { try { await stop(); } catch { /* best effort */ } }
    throw err;
  }
}

/** An SNS subscription filter policy on the message attributes (or, with scope MessageBody, the JSON body). */
export function passesFilter(sub, lambdaEvent) {
  const record = lambdaEvent.Records?.[0]?.Sns ?? {};
  if (sub.filterPolicyScope === 'MessageBody') {
    try { return matches(sub.filterPolicy, JSON.parse(record.Message)); } catch { return false; }
  }
  const attributes = Object.fromEntries(Object.entries(record.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]));
  return matches(sub.filterPolicy, attributes);
}

/** The CA stage 20 kept (artifacts/lambda-test-ca), whose certificate the zips carry as global-bundle.pem. */
export function packagedCa(root = repoRoot) {
  const dir = process.env.TXETL_TWIN_CA_DIR ?? join(root, 'artifacts', 'lambda-test-ca');
  const ca = { caCert: join(dir, 'ca.pem'), caKey: join(dir, 'ca.key') };
  if (!existsSync(ca.caCert) || !existsSync(ca.caKey)) throw new Error(`no test CA in ${dir}: run scripts/test.d/50-twin.sh (it repackages with a new CA)`);
  return ca;
}

