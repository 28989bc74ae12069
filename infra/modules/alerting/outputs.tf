output "topic_arn" {
  description = "ARN of the alerts topic."
  value       = aws_sns_topic.this.arn
}

output "topic_arn_from_name" {
  description = "ARN of the alerts topic formed from its name (known at plan time, for policies and the definition)."
  value       = local.topic_arn
}

output "kms_key_alias" {
  description = "Alias of the alerts key (role policies match the key by kms:ResourceAliases)."
  value       = aws_kms_alias.this.name
}

output "kms_key_alias_arn" {
  description = "ARN of the alerts key's alias, formed from its name."
  value       = "arn:${data.aws_partition.current.partition}:kms:${data.aws_region.current.name}:${var.account_id}:${aws_kms_alias.this.name}"
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the topic and the webhook secret."
  value       = aws_kms_key.this.arn
}

output "webhook_secret_arn" {
  description = "ARN of the webhook secret."
  value       = aws_secretsmanager_secret.webhooks.arn
}

output "webhook_secret_name" {
  description = "Name of the webhook secret (for aws secretsmanager put-secret-value)."
  value       = aws_secretsmanager_secret.webhooks.name
}

output "topic_policy" {
  description = "The topic's resource policy (JSON)."
  value       = aws_sns_topic_policy.this.policy
}
