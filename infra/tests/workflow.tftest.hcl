# Workflow: a Standard state machine rendered from the ASL file with the right ARNs, its own role,
# logging and tracing switchable. The second run renders the team's real definition when it is in
# the repository (statemachine/etl.asl.json), else the placeholder fixture again.
mock_provider "aws" {
  source = "./mocks"
}

# The mock renders every policy document as the same JSON, so trust and permission policy swapped
# would still compare equal. Each gets its own JSON here, named by its Id.
override_data {
  target = module.policies.data.aws_iam_policy_document.assume_role
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"states-trust\",\"Statement\":[]}"
  }
}

override_data {
  target = module.policies.data.aws_iam_policy_document.this
  values = {
    json = "{\"Version\":\"2012-10-17\",\"Id\":\"state-machine-permissions\",\"Statement\":[]}"
  }
}

variables {
  name_prefix              = "txetl-test"
  state_machine_name       = "txetl-test-etl"
  account_id               = "123456789012"
  definition_path          = "./fixtures/etl.asl.json"
  run_etl_function_arn     = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl"
  alerts_topic_arn         = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
  alerts_topic_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/33333333-3333-3333-3333-333333333333"
}

run "standard_state_machine" {
  module {
    source = "../modules/workflow"
  }

  assert {
    condition     = aws_sfn_state_machine.this.type == "STANDARD" && aws_sfn_state_machine.this.name == "txetl-test-etl"
    error_message = "The workflow must be a Standard state machine (name-based exactly-once starts)."
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).States.RunEtl.Parameters.FunctionName == var.run_etl_function_arn &&
      jsondecode(aws_sfn_state_machine.this.definition).States.PublishFailure.Parameters.TopicArn == var.alerts_topic_arn &&
      jsondecode(aws_sfn_state_machine.this.definition).States.Settings.Result.notify_on_success == "false"
    )
    error_message = "The definition must be rendered with the RunEtl ARN, the topic ARN and notify_on_success."
  }

  assert {
    condition     = !strcontains(aws_sfn_state_machine.this.definition, "$${")
    error_message = "No placeholder may be left unrendered."
  }

  assert {
    condition = (
      aws_sfn_state_machine.this.role_arn == aws_iam_role.this.arn &&
      aws_iam_role_policy.this.role == aws_iam_role.this.id &&
      aws_iam_role_policy.this.policy == module.policies.json
    )
    error_message = "The state machine must run with its own role and policy (content tested in policies.tftest.hcl)."
  }

  # Against the Ids of the overrides above: a swap inside the policies module's outputs fails too.
  assert {
    condition = (
      jsondecode(aws_iam_role.this.assume_role_policy).Id == "states-trust" &&
      jsondecode(aws_iam_role_policy.this.policy).Id == "state-machine-permissions"
    )
    error_message = "The role must trust Step Functions through the trust policy and carry the permission policy, not the other way round: trust ${jsondecode(aws_iam_role.this.assume_role_policy).Id}, permissions ${jsondecode(aws_iam_role_policy.this.policy).Id}."
  }

  assert {
    condition = (
      one(aws_sfn_state_machine.this.logging_configuration).log_destination == "${aws_cloudwatch_log_group.this.arn}:*" &&
      one(aws_sfn_state_machine.this.logging_configuration).level == "ERROR" &&
      !one(aws_sfn_state_machine.this.logging_configuration).include_execution_data &&
      aws_cloudwatch_log_group.this.retention_in_days == 30
    )
    error_message = "Executions must log errors to the vended log group, without execution data by default."
  }

  assert {
    condition     = !one(aws_sfn_state_machine.this.tracing_configuration).enabled
    error_message = "Tracing is off by default."
  }
}

run "logging_and_tracing_switch_on" {
  module {
    source = "../modules/workflow"
  }

  variables {
    log_level         = "ALL"
    tracing_enabled   = true
    notify_on_success = true
  }

  assert {
    condition     = one(aws_sfn_state_machine.this.tracing_configuration).enabled && one(aws_sfn_state_machine.this.logging_configuration).level == "ALL"
    error_message = "Tracing and the log level must follow the variables."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.Settings.Result.notify_on_success == "true"
    error_message = "notify_on_success must reach the definition."
  }
}

run "team_definition_renders" {
  module {
    source = "../modules/workflow"
  }

  variables {
    definition_path = fileexists("../../statemachine/etl.asl.json") ? "../../statemachine/etl.asl.json" : "./fixtures/etl.asl.json"
  }

  assert {
    condition = (
      can(jsondecode(aws_sfn_state_machine.this.definition)) &&
      strcontains(aws_sfn_state_machine.this.definition, "\"${var.run_etl_function_arn}\"") &&
      strcontains(aws_sfn_state_machine.this.definition, "\"${var.alerts_topic_arn}\"") &&
      !strcontains(aws_sfn_state_machine.this.definition, "$${")
    )
    error_message = "The repository's definition must render to JSON naming RunEtl and the alerts topic."
  }
}

run "log_level_is_validated" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    log_level = "DEBUG"
  }

  expect_failures = [var.log_level]
}
