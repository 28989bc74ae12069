# Alarms to the alerts topic and one dashboard. Every alarm is an entry of local.alarms, so adding
# one is a map entry, and the tests can check that each targets the topic.
locals {
  five_minutes         = 300
  chat_failures_metric = "ChatDeliveryFailures"

  alarms = {
    "executions-failed" = {
      description = "ETL executions failed (includes files rejected as a whole, which also got a file alert)."
      namespace   = "AWS/States"
      metric      = "ExecutionsFailed"
      dimensions  = { StateMachineArn = var.state_machine_arn }
      statistic   = "Sum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "executions-timed-out" = {
      description = "ETL executions timed out."
      namespace   = "AWS/States"
      metric      = "ExecutionsTimedOut"
      dimensions  = { StateMachineArn = var.state_machine_arn }
      statistic   = "Sum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "executions-aborted" = {
      description = "ETL executions were aborted (stopped by hand or by a redeploy)."
      namespace   = "AWS/States"
      metric      = "ExecutionsAborted"
      dimensions  = { StateMachineArn = var.state_machine_arn }
      statistic   = "Sum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "run-etl-errors" = {
      description = "RunEtl invocations ended in an error (transient ones are retried by the state machine)."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = var.run_etl_function_name }
      statistic   = "Sum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "run-etl-throttles" = {
      description = "RunEtl was throttled: more files at once than its reserved concurrency."
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      dimensions  = { FunctionName = var.run_etl_function_name }
      statistic   = "Sum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = var.run_etl_throttles_threshold
      periods     = 1
    }
    "file-events-dead-letters" = {
      description = "New-file events StartWorkflow could not turn into executions are waiting in the dead-letter queue."
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.file_events_dlq_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "notify-chat-failures" = {
      description = "Alerts NotifyChat failed on after Lambda's retries are waiting in its on-failure queue."
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.notify_chat_failures_queue_name }
      statistic   = "Maximum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "chat-delivery-failures" = {
      description = "A file alert did not reach Slack or Teams (one channel or all) after NotifyChat's retries."
      namespace   = var.metrics_namespace
      metric      = local.chat_failures_metric
      dimensions  = {}
      statistic   = "Sum"
      comparison  = "GreaterThanOrEqualToThreshold"
      threshold   = 1
      periods     = 1
    }
    "database-cpu" = {
      description = "Database CPU is high for 15 minutes."
      namespace   = "AWS/RDS"
      metric      = "CPUUtilization"
      dimensions  = { DBInstanceIdentifier = var.db_instance_id }
      statistic   = "Average"
      comparison  = "GreaterThanThreshold"
      threshold   = var.db_cpu_threshold_percent
      periods     = 3
    }
    "database-free-storage" = {
      description = "Database free storage is low."
      namespace   = "AWS/RDS"
      metric      = "FreeStorageSpace"
      dimensions  = { DBInstanceIdentifier = var.db_instance_id }
      statistic   = "Minimum"
      comparison  = "LessThanThreshold"
      threshold   = var.db_free_storage_threshold_bytes
      periods     = 1
    }
    "database-connections" = {
      description = "Database connections are close to the budget (RunEtl concurrency plus headroom)."
      namespace   = "AWS/RDS"
      metric      = "DatabaseConnections"
      dimensions  = { DBInstanceIdentifier = var.db_instance_id }
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.db_connections_threshold
      periods     = 2
    }
  }
}

# NotifyChat does not fail when one of two channels got the alert (a redelivery would post it twice), so
# Lambda's Errors metric misses that case: count its failure log lines instead.
resource "aws_cloudwatch_log_metric_filter" "chat_delivery_failures" {
  name           = "${var.name_prefix}-chat-delivery-failures"
  log_group_name = var.notify_chat_log_group_name
  pattern        = "{ ($.event = \"ChatFailed\") || ($.event = \"ChatPartlyDelivered\") }"

  metric_transformation {
    name          = local.chat_failures_metric
    namespace     = var.metrics_namespace
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = "${each.value.description} Runbook: docs/operations.md#${each.key}"
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = local.five_minutes
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.periods
  treat_missing_data  = "notBreaching" # no files, no datapoints: that is healthy

  alarm_actions = [var.alerts_topic_arn]
  ok_actions    = [var.alerts_topic_arn]
}
