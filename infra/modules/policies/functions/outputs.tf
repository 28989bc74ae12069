output "assume_role_policy" {
  description = "Trust policy letting the Lambda service assume a function role."
  value       = data.aws_iam_policy_document.assume_role.json
}

output "policies" {
  description = "Execution-role policy JSON per function (keys start-workflow, run-etl, notify-chat, migrate)."
  value = {
    "start-workflow" = data.aws_iam_policy_document.start_workflow.json
    "run-etl"        = data.aws_iam_policy_document.run_etl.json
    "notify-chat"    = data.aws_iam_policy_document.notify_chat.json
    "migrate"        = data.aws_iam_policy_document.migrate.json
  }
}
