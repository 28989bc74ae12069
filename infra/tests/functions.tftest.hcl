# Functions: provided.al2023 with the team's handler names, RunEtl and Migrate in the private subnets
# with reserved concurrency, RunEtl's timeout margin, StartWorkflow fed by the file-events queue,
# secrets by ARN, one role each.
mock_provider "aws" {
  source = "./mocks"
}

# The mock renders every policy document as the same JSON, so a role wired to another function's
# policy (or to a permission policy as its trust policy) would still compare equal. Each document
# gets its own JSON here, named by its Id, so the wiring asserts can tell them apart.
override_data {
  target = module.policies.data.aws_iam_policy_document.assume_role
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"lambda-trust\",\"Statement\":[]}"
  }
}

override_data {
  target = module.policies.data.aws_iam_policy_document.start_workflow
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"start-workflow\",\"Statement\":[]}"
  }
}

override_data {
  target = module.policies.data.aws_iam_policy_document.run_etl
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"run-etl\",\"Statement\":[]}"
  }
}

override_data {
  target = module.policies.data.aws_iam_policy_document.notify_chat
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"notify-chat\",\"Statement\":[]}"
  }
}

override_data {
  target = module.policies.data.aws_iam_policy_document.migrate
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"migrate\",\"Statement\":[]}"
  }
}

variables {
  name_prefix                  = "txetl-test"
  account_id                   = "123456789012"
  artifacts_dir                = "./fixtures/lambda"
  subnet_ids                   = ["subnet-aaaa", "subnet-bbbb"]
  security_group_id            = "sg-etl"
  state_machine_name           = "txetl-test-etl"
  bucket_arn                   = "arn:aws:s3:::txetl-test-drop-123456789012"
  bucket_kms_key_alias         = "alias/txetl-test-drop"
  run_etl_reserved_concurrency = 3
  file_events_queue_arn        = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events"
  run_etl_timeout_margin_ms    = 45000
  loader_secret = {
    arn           = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-db-loader-AbCdEf"
    name          = "txetl-test-db-loader"
    kms_key_alias = "alias/txetl-test-database"
  }
  master_secret = {
    arn                 = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0a1b2c3d-GhIjKl"
    rds_db_instance_arn = "arn:aws:rds:eu-central-1:123456789012:db:txetl-test"
    kms_key_alias       = "alias/txetl-test-database"
  }
  webhook_secret = {
    arn           = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-chat-webhooks-MnOpQr"
    name          = "txetl-test-chat-webhooks"
    kms_key_alias = "alias/txetl-test-alerts"
  }
}

run "four_functions" {
  module {
    source = "../modules/functions"
  }

  assert {
    condition     = toset(keys(aws_lambda_function.this)) == toset(["notify-chat", "run-etl", "start-workflow", "migrate"])
    error_message = "Exactly the four functions must be deployed."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.runtime == "provided.al2023" && f.handler == k && f.architectures == tolist(["x86_64"])
    ])
    error_message = "Every function runs the AOT bootstrap on provided.al2023, dispatching on its handler name."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.filename == "./fixtures/lambda/${k}.zip" && f.source_code_hash == filebase64sha256("./fixtures/lambda/${k}.zip")
    ])
    error_message = "Each function deploys artifacts/lambda/<name>.zip and redeploys when its hash changes."
  }

  assert {
    condition = (
      one(aws_lambda_function.this["run-etl"].vpc_config).subnet_ids == toset(["subnet-aaaa", "subnet-bbbb"]) &&
      one(aws_lambda_function.this["run-etl"].vpc_config).security_group_ids == toset(["sg-etl"])
    )
    error_message = "RunEtl must run in the private subnets with the ETL security group."
  }

  # Issue 14 defect 5: migrations ran in RunEtl, whose role could therefore read the master secret.
  assert {
    condition = (
      aws_lambda_function.this["migrate"].function_name == "txetl-test-migrate" &&
      aws_lambda_function.this["migrate"].handler == "migrate" &&
      aws_lambda_function.this["migrate"].timeout == 300 && aws_lambda_function.this["migrate"].memory_size == 256 &&
      aws_lambda_function.this["migrate"].reserved_concurrent_executions == 1 &&
      one(aws_lambda_function.this["migrate"].vpc_config).subnet_ids == toset(["subnet-aaaa", "subnet-bbbb"]) &&
      one(aws_lambda_function.this["migrate"].vpc_config).security_group_ids == toset(["sg-etl"])
    )
    error_message = "Migrate is its own function in the private subnets, one at a time, 300 s, 256 MB."
  }

  assert {
    condition = one(aws_lambda_function.this["migrate"].environment).variables == tomap({
      TXETL_DB_SECRET_ID           = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-db-loader-AbCdEf"
      TXETL_MIGRATION_DB_SECRET_ID = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0a1b2c3d-GhIjKl"
      TXETL_DB_ROOT_CERT           = "/var/task/global-bundle.pem"
      TXETL_DB_SSL_MODE            = "VerifyFull"
      TXETL_LOG_LEVEL              = "Information"
    })
    error_message = "Migrate gets both database secrets by ARN and the CA bundle."
  }

  assert {
    condition     = length(aws_lambda_function.this["start-workflow"].vpc_config) == 0 && length(aws_lambda_function.this["notify-chat"].vpc_config) == 0
    error_message = "StartWorkflow and NotifyChat stay outside the VPC (they need public APIs)."
  }

  assert {
    condition = (
      aws_lambda_function.this["run-etl"].reserved_concurrent_executions == 3 &&
      aws_lambda_function.this["start-workflow"].reserved_concurrent_executions == -1 &&
      aws_lambda_function.this["notify-chat"].reserved_concurrent_executions == -1 &&
      aws_lambda_function.this["run-etl"].timeout == 900
    )
    error_message = "RunEtl must have the reserved concurrency (database connection budget); the others none."
  }

  assert {
    condition = one(aws_lambda_function.this["run-etl"].environment).variables == tomap({
      TXETL_DB_SECRET_ID      = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-db-loader-AbCdEf"
      TXETL_DB_ROOT_CERT      = "/var/task/global-bundle.pem"
      TXETL_DB_SSL_MODE       = "VerifyFull"
      TXETL_TIMEOUT_MARGIN_MS = "45000"
      TXETL_CONTRACTS         = "{\"incoming/\":\"builtin:transactions.contract.json\"}"
      TXETL_LOG_LEVEL         = "Information"
    })
    error_message = "RunEtl's configuration (the loader secret by ARN and no master secret, CA bundle, timeout margin) is wrong."
  }

  assert {
    condition     = one(aws_lambda_function.this["start-workflow"].environment).variables.TXETL_STATE_MACHINE_ARN == "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
    error_message = "StartWorkflow must be configured with the state machine's ARN."
  }

  assert {
    condition     = one(aws_lambda_function.this["notify-chat"].environment).variables == tomap({ TXETL_CHAT_SECRET_ID = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-chat-webhooks-MnOpQr", TXETL_LOG_LEVEL = "Information" })
    error_message = "NotifyChat gets the webhook secret's ARN only, never a URL."
  }

  # Issue 14 defect 3: S3 invoked StartWorkflow asynchronously, so a burst went straight into
  # throttled executions. Now StartWorkflow polls the file-events queue with bounded concurrency.
  assert {
    condition = (
      aws_lambda_event_source_mapping.file_events.event_source_arn == "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events" &&
      aws_lambda_event_source_mapping.file_events.function_name == aws_lambda_function.this["start-workflow"].arn &&
      aws_lambda_event_source_mapping.file_events.batch_size == 10 &&
      aws_lambda_event_source_mapping.file_events.maximum_batching_window_in_seconds == 1 &&
      one(aws_lambda_event_source_mapping.file_events.scaling_config).maximum_concurrency == 2 &&
      aws_lambda_event_source_mapping.file_events.function_response_types == toset(["ReportBatchItemFailures"])
    )
    error_message = "StartWorkflow must consume the file-events queue: batches of 10, at most 2 pollers, partial batch failures."
  }

  # Issue 14 defect 5: SNS invokes NotifyChat asynchronously, and its failures were dropped.
  assert {
    condition = (
      aws_lambda_function_event_invoke_config.notify_chat.function_name == aws_lambda_function.this["notify-chat"].function_name &&
      one(one(aws_lambda_function_event_invoke_config.notify_chat.destination_config).on_failure).destination == aws_sqs_queue.notify_chat_failures.arn &&
      aws_sqs_queue.notify_chat_failures.name == "txetl-test-notify-chat-failures" &&
      aws_sqs_queue.notify_chat_failures.sqs_managed_sse_enabled &&
      aws_sqs_queue.notify_chat_failures.message_retention_seconds == 1209600
    )
    error_message = "NotifyChat's failed async invocations must go to its encrypted on-failure queue (14 days)."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      aws_cloudwatch_log_group.this[k].retention_in_days == 30 && one(f.logging_config).log_group == aws_cloudwatch_log_group.this[k].name
    ])
    error_message = "Every function logs to its own log group with a retention."
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.role == aws_iam_role.this[k].arn && aws_iam_role_policy.this[k].role == aws_iam_role.this[k].id && aws_iam_role_policy.this[k].policy == module.policies.policies[k]
    ]) && length(distinct([for r in aws_iam_role.this : r.name])) == 4
    error_message = "Each function has its own role with its own policy (content tested in policies.tftest.hcl)."
  }

  # Against the Ids of the overrides above, not the module's own map: a swap inside the policies
  # module's outputs fails here too.
  assert {
    condition = alltrue([
      for k, p in aws_iam_role_policy.this : jsondecode(p.policy).Id == k && p.role == aws_iam_role.this[k].id
    ]) && length(aws_iam_role_policy.this) == 4
    error_message = "Each function's role must carry that function's permission policy: ${jsonencode({ for k, p in aws_iam_role_policy.this : k => jsondecode(p.policy).Id })}"
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.this : jsondecode(r.assume_role_policy).Id == "lambda-trust"])
    error_message = "Every function role must trust Lambda through the trust policy, not a permission policy: ${jsonencode({ for k, r in aws_iam_role.this : k => jsondecode(r.assume_role_policy).Id })}"
  }
}

run "timeout_margin_must_fit_the_timeout" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    timeout_seconds           = { run_etl = 60 }
    run_etl_timeout_margin_ms = 60000
  }

  expect_failures = [aws_lambda_function.this]
}

run "arm64_is_allowed" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    architecture = "arm64"
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.architectures == tolist(["arm64"])])
    error_message = "architecture = arm64 must apply to every function."
  }
}

run "other_architectures_are_rejected" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    architecture = "aarch64"
  }

  expect_failures = [var.architecture]
}

run "event_source_must_be_the_file_events_queue" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    file_events_queue_arn = "arn:aws:sqs:eu-central-1:123456789012:someone-elses-queue"
  }

  expect_failures = [aws_lambda_event_source_mapping.file_events]
}

# Issue 16 item 3: the prefix => contract mapping reaches RunEtl whole, as the JSON it parses.
run "contracts_by_prefix_reach_run_etl" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    contracts = {
      "incoming/"           = "builtin:transactions.contract.json"
      "incoming/orders/"    = "contracts/orders.contract.json"
      "incoming/suppliers/" = "contracts/suppliers/eu.contract.json"
    }
  }

  assert {
    condition = jsondecode(one(aws_lambda_function.this["run-etl"].environment).variables.TXETL_CONTRACTS) == {
      "incoming/"           = "builtin:transactions.contract.json"
      "incoming/orders/"    = "contracts/orders.contract.json"
      "incoming/suppliers/" = "contracts/suppliers/eu.contract.json"
    }
    error_message = "TXETL_CONTRACTS must carry the whole mapping: ${one(aws_lambda_function.this["run-etl"].environment).variables.TXETL_CONTRACTS}"
  }
}

# Only incoming/ raises events, so a prefix elsewhere would never load a file.
run "contract_prefixes_must_be_under_incoming" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    contracts = { "feeds/orders/" = "contracts/orders.contract.json" }
  }

  expect_failures = [var.contracts]
}

# RunEtl's role reads contracts/* only; a contract elsewhere (or a folder) could never be read.
run "contracts_must_be_objects_under_contracts" {
  command = plan

  module {
    source = "../modules/functions"
  }

  variables {
    contracts = { "incoming/orders/" = "incoming/orders.contract.json" }
  }

  expect_failures = [var.contracts]
}
