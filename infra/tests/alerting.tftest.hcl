# Alerting: KMS-encrypted topic, NotifyChat subscribed with its permission, email subscriptions,
# and a webhook secret without any value in Terraform.
mock_provider "aws" {
  source = "./mocks"
}

override_data {
  target = module.topic_policy.data.aws_iam_policy_document.this
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"alerts-topic\",\"Statement\":[]}"
  }
}

variables {
  name_prefix              = "txetl-test"
  account_id               = "123456789012"
  notify_chat_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-notify-chat"
  email_subscribers = {
    oncall = "etl-oncall@example.com"
    lead   = "data-lead@example.com"
  }
}

run "alerts_topic" {
  module {
    source = "../modules/alerting"
  }

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == aws_kms_key.this.arn && aws_kms_key.this.enable_key_rotation
    error_message = "The topic must be encrypted with its own rotating KMS key."
  }

  assert {
    condition = (
      aws_sns_topic_subscription.notify_chat.protocol == "lambda" &&
      aws_sns_topic_subscription.notify_chat.endpoint == var.notify_chat_function_arn &&
      aws_sns_topic_subscription.notify_chat.topic_arn == aws_sns_topic.this.arn &&
      jsondecode(aws_sns_topic_subscription.notify_chat.filter_policy) == { severity = [{ exists = true }] }
    )
    error_message = "NotifyChat must receive the state machine's alerts (messages with a severity attribute)."
  }

  assert {
    condition = (
      aws_lambda_permission.notify_chat.principal == "sns.amazonaws.com" &&
      aws_lambda_permission.notify_chat.source_arn == aws_sns_topic.this.arn &&
      aws_lambda_permission.notify_chat.function_name == var.notify_chat_function_arn
    )
    error_message = "Only the alerts topic may invoke NotifyChat."
  }

  assert {
    condition = (
      toset([for s in aws_sns_topic_subscription.email : s.endpoint]) == toset(["etl-oncall@example.com", "data-lead@example.com"]) &&
      alltrue([for s in aws_sns_topic_subscription.email : s.protocol == "email" && s.topic_arn == aws_sns_topic.this.arn])
    )
    error_message = "Each email subscriber gets an email subscription of the topic."
  }

  # Issue 14 defect 5: the topic had no policy (content tested in policies.tftest.hcl).
  assert {
    condition     = aws_sns_topic_policy.this.arn == aws_sns_topic.this.arn && jsondecode(aws_sns_topic_policy.this.policy).Id == "alerts-topic"
    error_message = "The alerts topic must carry its resource policy."
  }

  assert {
    condition     = aws_secretsmanager_secret.webhooks.kms_key_id == aws_kms_key.this.arn && aws_secretsmanager_secret.webhooks.name == "txetl-test-chat-webhooks"
    error_message = "The webhook secret must be encrypted with the alerts key."
  }
}

run "chat_can_receive_alarms" {
  command = plan

  module {
    source = "../modules/alerting"
  }

  variables {
    chat_receives_alarms = true
    email_subscribers    = {}
  }

  assert {
    condition     = aws_sns_topic_subscription.notify_chat.filter_policy == null && length(aws_sns_topic_subscription.email) == 0
    error_message = "Without the filter NotifyChat receives everything; no emails when none are listed."
  }
}

run "email_addresses_are_validated" {
  command = plan

  module {
    source = "../modules/alerting"
  }

  variables {
    email_subscribers = { oncall = "not-an-address" }
  }

  expect_failures = [var.email_subscribers]
}
