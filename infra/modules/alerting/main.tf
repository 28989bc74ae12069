# Alerts: one KMS-encrypted SNS topic. The state machine publishes file alerts (with a severity
# message attribute), CloudWatch alarms publish alarm changes; NotifyChat forwards to chat, email
# subscribers get everything.
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Formed from names, so the topic policy is whole at plan time.
  topic_name        = "${var.name_prefix}-alerts"
  topic_arn         = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${var.account_id}:${local.topic_name}"
  failure_rule_arn  = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${var.account_id}:rule/${var.name_prefix}-etl-failed"
  alarm_arn_pattern = "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.name}:${var.account_id}:alarm:${var.name_prefix}-*"
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} alerts topic and webhook secret"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = module.key_policy.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-alerts"
  target_key_id = aws_kms_key.this.key_id
}

# CloudWatch alarms and the EventBridge failure rule publish as the services, not through a role,
# so the key names the services.
module "key_policy" {
  source = "../policies/kms-key"

  partition  = data.aws_partition.current.partition
  account_id = var.account_id
  service_principals = {
    CloudWatchAlarms = {
      service = "cloudwatch.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey"]
    }
    EventBridgeRules = {
      service = "events.amazonaws.com"
      actions = ["kms:Decrypt", "kms:GenerateDataKey"]
    }
  }
}

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.this.arn
}

module "topic_policy" {
  source = "../policies/topic"

  topic_arn         = local.topic_arn
  account_id        = var.account_id
  event_rule_arns   = [local.failure_rule_arn]
  alarm_arn_pattern = local.alarm_arn_pattern
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = module.topic_policy.json
}

resource "aws_lambda_permission" "notify_chat" {
  statement_id  = "AllowAlertsTopic"
  action        = "lambda:InvokeFunction"
  function_name = var.notify_chat_function_arn
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.this.arn
}

resource "aws_sns_topic_subscription" "notify_chat" {
  topic_arn = aws_sns_topic.this.arn
  protocol  = "lambda"
  endpoint  = var.notify_chat_function_arn

  # NotifyChat parses the state machine's alert JSON; CloudWatch alarm messages carry no severity
  # attribute and go to the email subscribers only, unless chat_receives_alarms is set.
  filter_policy       = var.chat_receives_alarms ? null : jsonencode({ severity = [{ exists = true }] })
  filter_policy_scope = var.chat_receives_alarms ? null : "MessageAttributes"

  depends_on = [aws_lambda_permission.notify_chat]
}

resource "aws_sns_topic_subscription" "email" {
  for_each = var.email_subscribers

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

# The webhook URLs are set out of band (docs/deploy.md), never in tfvars or state.
resource "aws_secretsmanager_secret" "webhooks" {
  name                    = "${var.name_prefix}-chat-webhooks"
  description             = "Slack/Teams webhook URLs for NotifyChat (value set with aws secretsmanager put-secret-value)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
}
