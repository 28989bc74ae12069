# The backfill state machine: statemachine/batch.asl.json rendered with templatefile(), like the
# per-file workflow, with its own role. A Distributed Map lists a prefix and runs RunEtl per object.
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  state_machine_arn = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${var.account_id}:stateMachine:${var.state_machine_name}"

  definition = templatefile(var.definition_path, {
    run_etl_function_arn         = var.run_etl_function_arn
    alerts_topic_arn             = var.alerts_topic_arn
    max_concurrency              = var.max_concurrency
    tolerated_failure_percentage = var.tolerated_failure_percentage
    results_prefix               = var.results_prefix
    execution_timeout_seconds    = var.execution_timeout_seconds
  })
}

module "policies" {
  source = "../policies/backfill"

  partition                = data.aws_partition.current.partition
  region                   = data.aws_region.current.name
  account_id               = var.account_id
  state_machine_name       = var.state_machine_name
  run_etl_function_arn     = var.run_etl_function_arn
  alerts_topic_arn         = var.alerts_topic_arn
  alerts_topic_kms_key_arn = var.alerts_topic_kms_key_arn
  bucket_arn               = var.bucket_arn
  bucket_kms_key_alias     = var.bucket_kms_key_alias
  listing_prefix           = var.listing_prefix
  results_prefix           = var.results_prefix
  tracing_enabled          = var.tracing_enabled
}

resource "aws_iam_role" "this" {
  name               = "${var.name_prefix}-backfill-state-machine"
  description        = "Role of the backfill state machine"
  assume_role_policy = module.policies.assume_role_policy
}

resource "aws_iam_role_policy" "this" {
  name   = "backfill-state-machine"
  role   = aws_iam_role.this.id
  policy = module.policies.json
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${var.state_machine_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_sfn_state_machine" "this" {
  name       = var.state_machine_name
  type       = "STANDARD" # a Distributed Map needs a Standard parent; its children are Standard too (loads outlast Express's 5 minutes)
  role_arn   = aws_iam_role.this.arn
  definition = local.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = false
    level                  = var.log_level
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = can(jsondecode(local.definition)) && !strcontains(local.definition, "$${")
      error_message = "The rendered backfill definition must be JSON without unrendered placeholders."
    }

    postcondition {
      condition     = self.arn == local.state_machine_arn
      error_message = "The backfill state machine's ARN ${self.arn} is not the one formed from its name (${local.state_machine_arn}), which its own policy names."
    }
  }
}
