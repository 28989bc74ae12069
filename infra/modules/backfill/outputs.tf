output "state_machine_arn" {
  description = "ARN of the backfill state machine, formed from its name (TXETL_BACKFILL_STATE_MACHINE_ARN for txetl aws backfill)."
  value       = local.state_machine_arn
}

output "role_arn" {
  description = "ARN of the backfill state machine's role."
  value       = aws_iam_role.this.arn
}

output "definition" {
  description = "The rendered definition as deployed."
  value       = local.definition
}
