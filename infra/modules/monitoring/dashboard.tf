# One dashboard: rows per file (the EMF metrics RunEtl writes), executions, durations, database.
data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  emf    = { FunctionName = var.run_etl_function_name }

  widgets = [
    {
      title   = "Rows per 5 minutes (EMF, ${var.metrics_namespace})"
      metrics = [for m in ["RowsTotal", "RowsLoaded", "RowsRejected", "RowsDuplicate"] : [var.metrics_namespace, m, "FunctionName", local.emf.FunctionName, { stat = "Sum" }]]
    },
    {
      # No alarm on these: a rejected conflict already alerts its file (loaded_with_rejects), and updates and skips
      # are what the contract asked for (docs/operations.md#key-conflicts). The chart shows when they start.
      title   = "Re-sent keys with changed values per 5 minutes (EMF)"
      metrics = [for m in ["RowsConflicting", "RowsUpdated"] : [var.metrics_namespace, m, "FunctionName", local.emf.FunctionName, { stat = "Sum" }]]
    },
    {
      title = "Bytes loaded and load duration (EMF)"
      metrics = [
        [var.metrics_namespace, "Bytes", "FunctionName", local.emf.FunctionName, { stat = "Sum" }],
        [var.metrics_namespace, "DurationMs", "FunctionName", local.emf.FunctionName, { stat = "p90", yAxis = "right" }],
      ]
    },
    {
      title   = "Executions"
      metrics = [for m in ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"] : ["AWS/States", m, "StateMachineArn", var.state_machine_arn, { stat = "Sum" }]]
    },
    {
      title = "Durations"
      metrics = [
        ["AWS/States", "ExecutionTime", "StateMachineArn", var.state_machine_arn, { stat = "p90" }],
        ["AWS/Lambda", "Duration", "FunctionName", var.run_etl_function_name, { stat = "p90" }],
        ["AWS/Lambda", "Duration", "FunctionName", var.run_etl_function_name, { stat = "Maximum" }],
      ]
    },
    {
      title = "Functions: errors, throttles, failed S3 events"
      metrics = [
        ["AWS/Lambda", "Errors", "FunctionName", var.run_etl_function_name, { stat = "Sum" }],
        ["AWS/Lambda", "Throttles", "FunctionName", var.run_etl_function_name, { stat = "Sum" }],
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", var.run_etl_function_name, { stat = "Maximum" }],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.file_events_dlq_name, { stat = "Maximum" }],
      ]
    },
    {
      title = "Database health"
      metrics = [
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.db_instance_id, { stat = "Average" }],
        ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", var.db_instance_id, { stat = "Maximum" }],
        ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.db_instance_id, { stat = "Minimum", yAxis = "right" }],
      ]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.name_prefix}-etl"
  dashboard_body = jsonencode({
    widgets = [
      for i, w in local.widgets : {
        type   = "metric"
        x      = (i % 2) * 12
        y      = floor(i / 2) * 6
        width  = 12
        height = 6
        properties = {
          title   = w.title
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = local.five_minutes
          metrics = w.metrics
        }
      }
    ]
  })
}
