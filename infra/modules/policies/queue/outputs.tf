output "json" {
  description = "The queue policy as JSON."
  value       = data.aws_iam_policy_document.this.json
}
