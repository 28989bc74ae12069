output "state_machine_arn" {
  description = "ARN of the ETL state machine."
  value       = aws_sfn_state_machine.this.arn
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
