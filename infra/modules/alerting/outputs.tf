output "topic_arn" {
  description = "ARN of the alerts topic."
  value       = aws_sns_topic.this.arn
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
