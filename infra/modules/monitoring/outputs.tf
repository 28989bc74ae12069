output "alarm_arns" {
  description = "Alarm ARN per alarm key."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.arn }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
