# The ETL state machine: the versioned ASL file rendered with templatefile(), so the file that is
# validated and executed in the local tests is the one deployed.
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Formed from names rather than read back from the resources: the definition, the failure rule's
  # pattern and the policies that name them are then whole in the plan (a postcondition checks that
  # AWS gives the state machine the same ARN).
  state_machine_arn = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${var.account_id}:stateMachine:${var.state_machine_name}"

  definition = templatefile(var.definition_path, {
    run_etl_function_arn      = var.run_etl_function_arn
    alerts_topic_arn          = var.alerts_topic_arn
    notify_on_success         = var.notify_on_success
    execution_timeout_seconds = var.execution_timeout_seconds
    chunked_threshold_bytes   = var.chunked_threshold_bytes
    chunk_bytes               = var.chunk_bytes
    chunk_max_concurrency     = var.chunk_max_concurrency
  })
}

# The vended-logs prefix keeps the CloudWatch Logs resource policy small (AWS recommendation).
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${var.state_machine_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_sfn_state_machine" "this" {
  name       = var.state_machine_name
  type       = "STANDARD" # exactly-once, name-deduplicated starts; Express would break that
  role_arn   = aws_iam_role.this.arn
  definition = local.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = var.log_execution_data
    level                  = var.log_level
  }

  tracing_configuration {
    enabled = var.tracing_enabled
  }

  # The role must carry its permissions before Step Functions validates the logging setup.
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = can(jsondecode(local.definition)) && !strcontains(local.definition, "$${")
      error_message = "The rendered state machine definition must be JSON without unrendered placeholders."
    }

    postcondition {
      condition     = self.arn == local.state_machine_arn
      error_message = "The state machine's ARN ${self.arn} is not the one formed from its name (${local.state_machine_arn}), which the failure rule and StartWorkflow use."
    }
  }
}
