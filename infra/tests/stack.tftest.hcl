# The composition module, as far as its outputs show (terraform test cannot read resources of
# nested modules): RunEtl is what the state machine invokes, StartWorkflow starts the deployed
# state machine, the migration step runs. Each concern's own properties are in its own file.
#
# Plans with the REAL provider, offline (see database.tftest.hcl: mock providers refuse the ephemeral
# loader password); the computed values the asserts compare are overridden during plan.
provider "aws" {
  region                      = "eu-central-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_resource {
  target          = module.alerting.aws_sns_topic.this
  override_during = plan
  values = {
    arn = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
  }
}

override_resource {
  target          = module.workflow.aws_sfn_state_machine.this
  override_during = plan
  values = {
    arn = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
  }
}

override_resource {
  target          = module.functions.aws_lambda_function.this["run-etl"]
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl"
  }
}

override_resource {
  target          = module.functions.aws_lambda_function.this["start-workflow"]
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-start-workflow"
  }
}

override_resource {
  target          = module.functions.aws_lambda_function.this["migrate"]
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-migrate"
  }
}

override_resource {
  target          = module.functions.aws_lambda_function.this["notify-chat"]
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-notify-chat"
  }
}

variables {
  name_prefix                   = "txetl-test"
  account_id                    = "123456789012"
  availability_zones            = ["eu-central-1a", "eu-central-1b"]
  lambda_artifacts_dir          = "./fixtures/lambda"
  state_machine_definition_path = "./fixtures/etl.asl.json"
  run_etl_reserved_concurrency  = 4
}

run "wiring" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  # A result no mock default gives: migration_result must be what the migration invocation returned.
  override_resource {
    target          = module.database.aws_lambda_invocation.migrate[0]
    override_during = plan
    values = {
      result = "{\"status\":\"migrated\",\"schema_version\":\"stack-test-7\"}"
    }
  }

  assert {
    condition     = module.functions.function_arns["start-workflow"] == "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-start-workflow"
    error_message = "The per-function overrides must apply (otherwise the wiring asserts below prove nothing)."
  }

  assert {
    condition     = jsondecode(module.workflow.definition).States.RunEtl.Parameters.FunctionName == module.functions.function_arns["run-etl"]
    error_message = "The state machine must invoke RunEtl."
  }

  assert {
    condition     = module.functions.state_machine_arn == module.workflow.state_machine_arn
    error_message = "StartWorkflow must start the deployed state machine."
  }

  assert {
    condition     = output.function_names["migrate"] == "txetl-test-migrate" && jsondecode(output.migration_result) == { status = "migrated", schema_version = "stack-test-7" }
    error_message = "The migration step must run as part of the deployment (by default) and its result reach migration_result: ${jsonencode(output.migration_result)}"
  }
}

run "migrations_switched_off" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  variables {
    run_migrations = false
  }

  assert {
    condition     = output.migration_result == null
    error_message = "With run_migrations = false no migration may run, so there is no result: ${jsonencode(output.migration_result)}"
  }
}

# Issue 14 defect 3: RunEtl's reserved concurrency (one connection each) plus the migration and the
# operators' headroom must fit the database's max_connections.
run "run_etl_concurrency_must_fit_the_connection_budget" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  variables {
    run_etl_reserved_concurrency = 45
    db_max_connections           = 50
  }

  expect_failures = [var.run_etl_reserved_concurrency]
}

# Issue 16 item 3: the prefix => contract mapping of an environment is in the plan, as RunEtl's
# TXETL_CONTRACTS (the function_environment output the environments expose).
run "contracts_by_prefix_in_the_plan" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  variables {
    contracts = {
      "incoming/"        = "builtin:transactions.contract.json"
      "incoming/orders/" = "contracts/orders.contract.json"
    }
  }

  assert {
    condition = jsondecode(output.function_environment["run-etl"].TXETL_CONTRACTS) == {
      "incoming/"        = "builtin:transactions.contract.json"
      "incoming/orders/" = "contracts/orders.contract.json"
    }
    error_message = "The plan must show the mapping RunEtl loads with: ${jsonencode(output.function_environment["run-etl"])}"
  }
}

# Issue 18 item 1: the backfill is off by default; switched on, its Map runs at most RunEtl's reserved
# concurrency (the connection budget the per-file path uses) and invokes the same RunEtl.
run "backfill_shares_the_connection_budget" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  variables {
    backfill_enabled         = true
    backfill_definition_path = "../../statemachine/batch.asl.json"
  }

  override_resource {
    target          = module.backfill[0].aws_sfn_state_machine.this
    override_during = plan
    values = {
      arn = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-backfill"
    }
  }

  assert {
    condition = (
      jsondecode(module.backfill[0].definition).States.LoadPrefix.MaxConcurrency == var.run_etl_reserved_concurrency &&
      jsondecode(module.backfill[0].definition).States.LoadPrefix.ItemProcessor.States.RunEtl.Parameters.FunctionName == module.functions.function_arns["run-etl"] &&
      jsondecode(module.backfill[0].definition).States.CountFileStatuses.Parameters.FunctionName == module.functions.function_arns["run-etl"] &&
      jsondecode(module.backfill[0].definition).States.LoadPrefix.ResultWriter.Parameters.Prefix == "reports/backfill" &&
      output.backfill_state_machine_arn == "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-backfill"
    )
    error_message = "The backfill must invoke RunEtl with MaxConcurrency = RunEtl's reserved concurrency: ${module.backfill[0].definition}"
  }
}

# Issue 18 item 2: the per-file workflow's chunk Map shares the same budget (one connection per chunk
# invocation), capped at the 40 iterations an inline Map runs at once; threshold and chunk size pass through.
run "chunked_path_shares_the_connection_budget" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  variables {
    state_machine_definition_path = "../../statemachine/etl.asl.json"
    chunked_threshold_bytes       = 5368709120
    chunk_bytes                   = 134217728
  }

  assert {
    condition = (
      jsondecode(module.workflow.definition).States.LoadChunks.MaxConcurrency == var.run_etl_reserved_concurrency &&
      jsondecode(module.workflow.definition).States.ChooseLoadPath.Choices[0].And[2].NumericGreaterThanEquals == 5368709120 &&
      jsondecode(module.workflow.definition).States.PlanChunks.Parameters.Payload.chunkBytes == 134217728 &&
      jsondecode(module.workflow.definition).States.PlanChunks.Parameters.FunctionName == module.functions.function_arns["run-etl"]
    )
    error_message = "The chunk Map must run at most RunEtl's reserved concurrency and invoke RunEtl: ${module.workflow.definition}"
  }
}

run "backfill_is_off_by_default" {
  command = plan

  module {
    source = "../modules/transaction-etl"
  }

  assert {
    condition     = output.backfill_state_machine_arn == null && length(module.backfill) == 0
    error_message = "Without backfill_enabled no backfill state machine is planned."
  }
}
