output "json" {
  description = "The topic policy as JSON."
  value       = data.aws_iam_policy_document.this.json
}
