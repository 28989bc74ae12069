# Monitoring: every alarm the runbook describes exists and notifies the alerts topic; the
# dashboard shows the EMF metrics with the FunctionName dimension only.
mock_provider "aws" {
  source = "./mocks"
}

variables {
  name_prefix           = "txetl-test"
  alerts_topic_arn      = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
  state_machine_arn     = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
  run_etl_function_name = "txetl-test-run-etl"
  file_events_dlq_name  = "txetl-test-file-events-dlq"

  notify_chat_failures_queue_name = "txetl-test-notify-chat-failures"
  db_instance_id                  = "txetl-test"
  db_connections_threshold        = 10

  notify_chat_log_group_name = "/aws/lambda/txetl-test-notify-chat"
}

run "alarms_and_dashboard" {
  module {
    source = "../modules/monitoring"
  }

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset([
      "executions-failed", "executions-timed-out", "executions-aborted",
      "run-etl-errors", "run-etl-throttles", "file-events-dead-letters", "notify-chat-failures", "chat-delivery-failures",
      "database-cpu", "database-free-storage", "database-connections",
    ])
    error_message = "The alarm set must match docs/operations.md: ${jsonencode(keys(aws_cloudwatch_metric_alarm.this))}"
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this :
      a.alarm_actions == toset([var.alerts_topic_arn]) && a.ok_actions == toset([var.alerts_topic_arn])
    ])
    error_message = "Every alarm must notify the alerts topic."
  }

  assert {
    condition = alltrue([
      for k, m in {
        "executions-failed"        = ["AWS/States", "ExecutionsFailed", "StateMachineArn", var.state_machine_arn]
        "executions-timed-out"     = ["AWS/States", "ExecutionsTimedOut", "StateMachineArn", var.state_machine_arn]
        "executions-aborted"       = ["AWS/States", "ExecutionsAborted", "StateMachineArn", var.state_machine_arn]
        "run-etl-errors"           = ["AWS/Lambda", "Errors", "FunctionName", var.run_etl_function_name]
        "run-etl-throttles"        = ["AWS/Lambda", "Throttles", "FunctionName", var.run_etl_function_name]
        "file-events-dead-letters" = ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.file_events_dlq_name]
        "notify-chat-failures"     = ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.notify_chat_failures_queue_name]
        "database-cpu"             = ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.db_instance_id]
        "database-free-storage"    = ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.db_instance_id]
        "database-connections"     = ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", var.db_instance_id]
      } :
      aws_cloudwatch_metric_alarm.this[k].namespace == m[0] &&
      aws_cloudwatch_metric_alarm.this[k].metric_name == m[1] &&
      aws_cloudwatch_metric_alarm.this[k].dimensions == tomap({ (m[2]) = m[3] })
    ])
    error_message = "Each alarm must watch the right metric of the right resource."
  }

  assert {
    condition = (
      aws_cloudwatch_log_metric_filter.chat_delivery_failures.log_group_name == var.notify_chat_log_group_name &&
      strcontains(aws_cloudwatch_log_metric_filter.chat_delivery_failures.pattern, "$.event = \"ChatFailed\"") &&
      strcontains(aws_cloudwatch_log_metric_filter.chat_delivery_failures.pattern, "$.event = \"ChatPartlyDelivered\"") &&
      one(aws_cloudwatch_log_metric_filter.chat_delivery_failures.metric_transformation).name == aws_cloudwatch_metric_alarm.this["chat-delivery-failures"].metric_name &&
      one(aws_cloudwatch_log_metric_filter.chat_delivery_failures.metric_transformation).namespace == aws_cloudwatch_metric_alarm.this["chat-delivery-failures"].namespace
    )
    error_message = "The chat delivery alarm must count NotifyChat's ChatFailed and ChatPartlyDelivered log lines."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["database-connections"].threshold == 10 && aws_cloudwatch_metric_alarm.this["database-free-storage"].comparison_operator == "LessThanThreshold"
    error_message = "Database thresholds must follow the inputs."
  }

  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[1] if m[0] == "TransactionEtl" && m[2] == "FunctionName" && m[3] == var.run_etl_function_name && length(m) == 5
      ]
    ])) == toset(["RowsTotal", "RowsLoaded", "RowsRejected", "RowsDuplicate", "RowsConflicting", "RowsUpdated", "Bytes", "DurationMs"])
    error_message = "The dashboard must chart all eight EMF metrics of namespace TransactionEtl by FunctionName only."
  }

  assert {
    condition = alltrue([
      for metric in ["ExecutionsStarted", "ExecutionsFailed", "ExecutionTime", "CPUUtilization", "FreeStorageSpace", "DatabaseConnections"] :
      strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "\"${metric}\"")
    ])
    error_message = "The dashboard must show executions, durations and database health."
  }
}
