output "state_machine_arn" {
  description = "ARN of the ETL state machine, formed from its name (known at plan time; a postcondition checks AWS agrees)."
  value       = local.state_machine_arn
}

output "state_machine_name" {
  description = "Name of the ETL state machine."
  value       = aws_sfn_state_machine.this.name
}

output "role_arn" {
  description = "ARN of the state machine's role."
  value       = aws_iam_role.this.arn
}

output "definition" {
  description = "The rendered definition as deployed."
  value       = local.definition
}

output "failure_rule_arn" {
  description = "ARN of the EventBridge rule <prefix>-etl-failed, formed from its name (known at plan time): the aws:SourceArn the alerts topic policy allows to publish."
  value       = local.failure_rule_arn
}
