# The four Lambda functions, all from the one Native AOT bootstrap (provided.al2023). The handler
# value is the function key: the bootstrap dispatches on $_HANDLER (team decision).
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  functions = {
    "start-workflow" = {
      memory_mb       = var.memory_mb.start_workflow
      timeout_seconds = var.timeout_seconds.start_workflow
      in_vpc          = false # needs the public Step Functions API
      reserved        = -1
    }
    "run-etl" = {
      memory_mb       = var.memory_mb.run_etl
      timeout_seconds = var.timeout_seconds.run_etl
      in_vpc          = true # the database is private
      reserved        = var.run_etl_reserved_concurrency
    }
    "notify-chat" = {
      memory_mb       = var.memory_mb.notify_chat
      timeout_seconds = var.timeout_seconds.notify_chat
      in_vpc          = false # posts to Slack/Teams on the internet
      reserved        = -1
    }
    # Migrations and the loader role's set-up, with the master secret, under a role of their own so
    # that RunEtl's role never reads the master secret. One at a time: one connection of the budget.
    "migrate" = {
      memory_mb       = var.memory_mb.migrate
      timeout_seconds = var.timeout_seconds.migrate
      in_vpc          = true # the database is private
      reserved        = 1
    }
  }

  # The state machine references RunEtl, and all three functions are one for_each resource, so
  # StartWorkflow gets the state machine's ARN built from its name rather than from the resource.
  state_machine_arn = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${var.account_id}:stateMachine:${var.state_machine_name}"

  # The storage module names the queue <prefix>-file-events; the role policy uses the ARN formed
  # from that name so that it is known at plan time (the precondition below checks they agree).
  log_group_arn_prefix           = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${var.account_id}:log-group:"
  sqs_arn_prefix                 = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${var.account_id}"
  file_events_queue_arn          = "${local.sqs_arn_prefix}:${var.name_prefix}-file-events"
  notify_chat_failures_queue_arn = "${local.sqs_arn_prefix}:${var.name_prefix}-notify-chat-failures"

  # Kept apart from local.functions, whose keys drive for_each. Names are the constants of
  # src/TransactionEtl.Aws/Configuration/EnvironmentVariables.cs (docs/configuration.md). Secrets
  # are passed by ARN: the functions call Secrets Manager GetSecretValue directly.
  environment = {
    "start-workflow" = {
      TXETL_STATE_MACHINE_ARN = local.state_machine_arn
    }
    "run-etl" = {
      TXETL_DB_SECRET_ID      = var.loader_secret.arn
      TXETL_DB_ROOT_CERT      = var.db_root_cert_path
      TXETL_DB_SSL_MODE       = "VerifyFull"
      TXETL_TIMEOUT_MARGIN_MS = tostring(var.run_etl_timeout_margin_ms)
      TXETL_CONTRACTS         = jsonencode(var.contracts)
    }
    "notify-chat" = {
      TXETL_CHAT_SECRET_ID = var.webhook_secret.arn
    }
    "migrate" = {
      TXETL_DB_SECRET_ID           = var.loader_secret.arn
      TXETL_MIGRATION_DB_SECRET_ID = var.master_secret.arn
      TXETL_DB_ROOT_CERT           = var.db_root_cert_path
      TXETL_DB_SSL_MODE            = "VerifyFull"
    }
  }

  function_environment = { for k, _ in local.functions : k => merge(local.environment[k], { TXETL_LOG_LEVEL = var.log_level }) }

  packages = { for k, _ in local.functions : k => "${var.artifacts_dir}/${k}.zip" }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  function_name = "${var.name_prefix}-${each.key}"
  description   = "TransactionEtl ${each.key}"
  role          = aws_iam_role.this[each.key].arn

  runtime          = "provided.al2023"
  handler          = each.key
  architectures    = [var.architecture]
  filename         = local.packages[each.key]
  source_code_hash = filebase64sha256(local.packages[each.key])

  memory_size                    = each.value.memory_mb
  timeout                        = each.value.timeout_seconds
  reserved_concurrent_executions = each.value.reserved

  environment {
    variables = local.function_environment[each.key]
  }

  logging_config {
    log_format = "Text" # the bootstrap writes JSON lines and EMF itself
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  lifecycle {
    precondition {
      condition     = var.run_etl_timeout_margin_ms < var.timeout_seconds.run_etl * 1000
      error_message = "run_etl_timeout_margin_ms must be shorter than RunEtl's timeout, or every load stops at once."
    }
  }

  dynamic "vpc_config" {
    for_each = each.value.in_vpc ? { this = true } : {}
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = [var.security_group_id]
    }
  }
}

# StartWorkflow polls the file-events queue (S3 notifications). maximum_concurrency caps the pollers'
# invocations, so a burst of uploads waits in the queue rather than in throttled invocations; a
# record StartWorkflow reports as failed is received again and, after the queue's maxReceiveCount,
# moves to the dead-letter queue.
resource "aws_lambda_event_source_mapping" "file_events" {
  event_source_arn                   = var.file_events_queue_arn
  function_name                      = aws_lambda_function.this["start-workflow"].arn
  batch_size                         = 10
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.start_workflow_max_concurrency
  }

  # The poller receives with the function's role: its SQS grant must be in place first.
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = var.file_events_queue_arn == local.file_events_queue_arn
      error_message = "StartWorkflow's role is scoped to ${local.file_events_queue_arn} but its event source is ${var.file_events_queue_arn}."
    }
  }
}

# Alerts NotifyChat still fails on after Lambda's async retries (SNS invokes it asynchronously) are
# kept here instead of being dropped (alarmed: notify-chat-failures).
resource "aws_sqs_queue" "notify_chat_failures" {
  name                      = "${var.name_prefix}-notify-chat-failures"
  message_retention_seconds = 1209600 # 14 days, the SQS maximum
  sqs_managed_sse_enabled   = true
}

module "notify_chat_failures_policy" {
  source = "../policies/queue"

  queue_arn  = local.notify_chat_failures_queue_arn
  account_id = var.account_id
}

resource "aws_sqs_queue_policy" "notify_chat_failures" {
  queue_url = aws_sqs_queue.notify_chat_failures.id
  policy    = module.notify_chat_failures_policy.json
}

resource "aws_lambda_function_event_invoke_config" "notify_chat" {
  function_name                = aws_lambda_function.this["notify-chat"].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.notify_chat_failures.arn
    }
  }

  # Lambda sends the failure record with the function's role.
  depends_on = [aws_iam_role_policy.this]
}
