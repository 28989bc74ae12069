# Workflow: a Standard state machine rendered from the ASL file with the right ARNs and execution
# timeout, its own role, logging and tracing switchable, and the EventBridge rule that alerts on the
# executions the definition did not alert on itself. The second run renders the team's real definition when it is in
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
      jsondecode(aws_sfn_state_machine.this.definition).States.PublishRejected.Parameters.TopicArn == var.alerts_topic_arn &&
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
    definition_path           = fileexists("../../statemachine/etl.asl.json") ? "../../statemachine/etl.asl.json" : "./fixtures/etl.asl.json"
    execution_timeout_seconds = 172800
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).TimeoutSeconds == 172800 && strcontains(aws_sfn_state_machine.this.definition, "\"TimeoutSeconds\": 172800,")
    error_message = "execution_timeout_seconds must render as the top-level integer TimeoutSeconds."
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

# The failure rule (issue 14): FAILED / TIMED_OUT / ABORTED executions of this state machine go to the
# alerts topic, whole, except the two Fail states that published a detailed alert already.
run "failure_rule_sends_unalerted_failures_to_the_topic" {
  module {
    source = "../modules/workflow"
  }

  assert {
    condition = (
      aws_cloudwatch_event_rule.this.name == "txetl-test-etl-failed" &&
      output.failure_rule_arn == "arn:aws:events:eu-central-1:123456789012:rule/txetl-test-etl-failed" &&
      output.state_machine_arn == aws_sfn_state_machine.this.arn
    )
    error_message = "The rule must be <prefix>-etl-failed and both ARNs formed from names: rule ${output.failure_rule_arn}, state machine ${output.state_machine_arn}."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this.event_pattern) == {
      source        = ["aws.states"]
      "detail-type" = ["Step Functions Execution Status Change"]
      detail = {
        stateMachineArn = ["arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"]
        "$or" = [
          { status = ["TIMED_OUT", "ABORTED"] },
          { status = ["FAILED"], error = [{ "anything-but" = ["TransactionEtl.FileRejected", "TransactionEtl.LoadFailed"] }] },
          { status = ["FAILED"], error = [{ exists = false }] },
        ]
      }
    }
    error_message = "Unexpected failure rule pattern: ${aws_cloudwatch_event_rule.this.event_pattern}"
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.this.rule == aws_cloudwatch_event_rule.this.name &&
      aws_cloudwatch_event_target.this.arn == var.alerts_topic_arn &&
      aws_cloudwatch_event_target.this.input == null &&
      aws_cloudwatch_event_target.this.input_path == null &&
      length(aws_cloudwatch_event_target.this.input_transformer) == 0
    )
    error_message = "The rule's target must be the alerts topic with the whole event as the message (no input, input path or transformer)."
  }
}

# Plan time, with every resource attribute still unknown: the rendered definition and the rule's pattern
# must already be whole (only names and variables in them), which the plan JSON and the twin rely on.
# Its own state_key: planned against the state the runs above applied, the resources' ARNs would be
# known already (with the rule built on aws_sfn_state_machine.this.arn this run then passed; on a fresh
# state it fails with "Condition expression could not be evaluated").
run "definition_and_pattern_are_known_at_plan_time" {
  command   = plan
  state_key = "plan_only"

  module {
    source = "../modules/workflow"
  }

  variables {
    definition_path = fileexists("../../statemachine/etl.asl.json") ? "../../statemachine/etl.asl.json" : "./fixtures/etl.asl.json"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).TimeoutSeconds == 86400 &&
      strcontains(aws_cloudwatch_event_rule.this.event_pattern, "\"arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl\"") &&
      output.failure_rule_arn == "arn:aws:events:eu-central-1:123456789012:rule/txetl-test-etl-failed" &&
      output.state_machine_arn == "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
    )
    error_message = "The definition, the rule pattern and the ARN outputs must be known when planning."
  }
}

run "execution_timeout_above_two_days_is_refused" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    execution_timeout_seconds = 172801
  }

  expect_failures = [var.execution_timeout_seconds]
}

run "execution_timeout_below_an_hour_is_refused" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    execution_timeout_seconds = 900
  }

  expect_failures = [var.execution_timeout_seconds]
}

# Issue 18 item 2: the chunked path's threshold, chunk size and Map concurrency reach the definition as
# numbers (the team's definition uses them; the placeholder fixture does not).
run "chunked_path_settings_render" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    definition_path         = "../../statemachine/etl.asl.json"
    chunked_threshold_bytes = 2147483648
    chunk_bytes             = 67108864
    chunk_max_concurrency   = 12
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).StartAt == "ChooseLoadPath" &&
      jsondecode(aws_sfn_state_machine.this.definition).States.ChooseLoadPath.Choices[0].And[2].NumericGreaterThanEquals == 2147483648 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.PlanChunks.Parameters.Payload.chunkBytes == 67108864 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadChunks.MaxConcurrency == 12 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadChunks.ItemProcessor.States.LoadChunk.Parameters.FunctionName == var.run_etl_function_arn &&
      jsondecode(aws_sfn_state_machine.this.definition).States.CommitChunks.Parameters.FunctionName == var.run_etl_function_arn
    )
    error_message = "The chunked path's settings must render into the definition: ${aws_sfn_state_machine.this.definition}"
  }
}

run "chunked_path_defaults" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    definition_path = "../../statemachine/etl.asl.json"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.this.definition).States.ChooseLoadPath.Choices[0].And[2].NumericGreaterThanEquals == 1073741824 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.PlanChunks.Parameters.Payload.chunkBytes == 268435456 &&
      jsondecode(aws_sfn_state_machine.this.definition).States.LoadChunks.MaxConcurrency == 5
    )
    error_message = "Defaults: 1 GiB threshold, 256 MiB chunks, 5 concurrent chunk invocations."
  }
}

run "chunk_concurrency_above_the_inline_map_limit_is_refused" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    chunk_max_concurrency = 41
  }

  expect_failures = [var.chunk_max_concurrency]
}

run "chunks_too_large_for_one_invocation_are_refused" {
  command = plan

  module {
    source = "../modules/workflow"
  }

  variables {
    chunk_bytes             = 4294967296
    chunked_threshold_bytes = 1000
  }

  expect_failures = [var.chunk_bytes, var.chunked_threshold_bytes]
}
