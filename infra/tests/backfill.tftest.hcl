# Backfill (issue 18 item 1): the Standard state machine rendered from statemachine/batch.asl.json with
# the RunEtl and topic ARNs, the connection budget as MaxConcurrency, its own role and policy. The
# policy's content is tested with the real provider in policies.tftest.hcl.
mock_provider "aws" {
  source = "./mocks"
}

override_resource {
  target = aws_sfn_state_machine.this
  values = {
    arn = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-backfill"
  }
}

override_data {
  target = module.policies.module.base.data.aws_iam_policy_document.assume_role
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"states-trust\",\"Statement\":[]}"
  }
}

override_data {
  target = module.policies.data.aws_iam_policy_document.this
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"backfill-permissions\",\"Statement\":[]}"
  }
}

variables {
  name_prefix              = "txetl-test"
  state_machine_name       = "txetl-test-backfill"
  account_id               = "123456789012"
  definition_path          = "../../statemachine/batch.asl.json"
  run_etl_function_arn     = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl"
  alerts_topic_arn         = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
  alerts_topic_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:alias/txetl-test-alerts"
  bucket_arn               = "arn:aws:s3:::txetl-test-drop-123456789012"
  bucket_kms_key_alias     = "alias/txetl-test-drop"
  max_concurrency          = 7
}

run "backfill_state_machine_renders_the_distributed_map" {
  module {
    source = "../modules/backfill"
  }

  assert {
    condition     = aws_sfn_state_machine.this.type == "STANDARD" && aws_sfn_state_machine.this.name == "txetl-test-backfill"
    error_message = "The backfill must be a Standard state machine (a Distributed Map needs one)."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadPrefix.MaxConcurrency == 7 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadPrefix.ToleratedFailurePercentage == 10 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadPrefix.ItemProcessor.ProcessorConfig.Mode == "DISTRIBUTED" &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadPrefix.ItemProcessor.States.RunEtl.Parameters.FunctionName == var.run_etl_function_arn &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadPrefix.ResultWriter.Parameters.Prefix == "reports/backfill" &&
      jsondecode(aws_sfn_state_machine.this.definition).States.PublishSummary.Parameters.TopicArn == var.alerts_topic_arn &&
      jsondecode(aws_sfn_state_machine.this.definition).States.CountFileStatuses.Parameters.FunctionName == var.run_etl_function_arn &&
      jsondecode(aws_sfn_state_machine.this.definition).States.CountFileStatuses.Parameters.Payload.mode == "backfill-summary" &&
      jsondecode(aws_sfn_state_machine.this.definition).TimeoutSeconds == 604800 &&
      !strcontains(aws_sfn_state_machine.this.definition, "$${")
    )
    error_message = "The definition must render MaxConcurrency, the tolerated failures, RunEtl (loads and the counting step), the results prefix, the topic and the timeout."
  }

  assert {
    condition = (
      aws_sfn_state_machine.this.role_arn == aws_iam_role.this.arn &&
      aws_iam_role_policy.this.role == aws_iam_role.this.id &&
      jsondecode(aws_iam_role.this.assume_role_policy).Id == "states-trust" &&
      jsondecode(aws_iam_role_policy.this.policy).Id == "backfill-permissions" &&
      aws_iam_role.this.name == "txetl-test-backfill-state-machine"
    )
    error_message = "The backfill must run with its own role: trust policy as trust, permissions as the role policy."
  }

  assert {
    condition = (
      one(aws_sfn_state_machine.this.logging_configuration).log_destination == "${aws_cloudwatch_log_group.this.arn}:*" &&
      !one(aws_sfn_state_machine.this.logging_configuration).include_execution_data &&
      output.state_machine_arn == "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-backfill"
    )
    error_message = "Executions log to the vended log group without execution data; the ARN is formed from the name."
  }
}

run "unbounded_concurrency_is_refused" {
  command = plan

  module {
    source = "../modules/backfill"
  }

  variables {
    max_concurrency = 0
  }

  expect_failures = [var.max_concurrency]
}

run "results_under_incoming_are_refused" {
  command = plan

  module {
    source = "../modules/backfill"
  }

  variables {
    results_prefix = "incoming/results"
  }

  expect_failures = [var.results_prefix]
}
