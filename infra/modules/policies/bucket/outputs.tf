output "json" {
  description = "The bucket policy as JSON."
  value       = data.aws_iam_policy_document.this.json
}
