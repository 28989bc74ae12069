output "assume_role_policy" {
  description = "Trust policy letting Step Functions (of this account only) assume the role."
  value       = module.base.assume_role_policy
}

output "json" {
  description = "The backfill state machine role's permission policy as JSON."
  value       = data.aws_iam_policy_document.this.json
}
