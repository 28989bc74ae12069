module "policies" {
  source = "../policies/workflow"

  account_id               = var.account_id
  run_etl_function_arn     = var.run_etl_function_arn
  alerts_topic_arn         = var.alerts_topic_arn
  alerts_topic_kms_key_arn = var.alerts_topic_kms_key_arn
  tracing_enabled          = var.tracing_enabled
}

resource "aws_iam_role" "this" {
  name               = "${var.name_prefix}-etl-state-machine"
  description        = "Role of the ETL state machine"
  assume_role_policy = module.policies.assume_role_policy
}

resource "aws_iam_role_policy" "this" {
  name   = "etl-state-machine"
  role   = aws_iam_role.this.id
  policy = module.policies.json
}
