# IAM, bucket and key policies rendered by the REAL aws provider (aws_iam_policy_document runs
# locally; mock providers would return fake JSON). Fake credentials come from the environment and
# the skip_* flags keep everything offline; `command = plan` never calls AWS.

provider "aws" {
  region                      = "eu-central-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  project_arn_prefixes = [
    "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-",
    "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-",
    "arn:aws:sqs:eu-central-1:123456789012:txetl-test-",
    "arn:aws:s3:::txetl-test-drop-123456789012/",
    "arn:aws:kms:eu-central-1:123456789012:key/*",
    "arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111",
    "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222",
    "arn:aws:kms:eu-central-1:123456789012:key/33333333-3333-3333-3333-333333333333",
    "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-",
    "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-*",
    "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-",
    "arn:aws:sns:eu-central-1:123456789012:txetl-test-",
  ]
}

run "function_policies" {
  command = plan

  module {
    source = "../modules/policies/functions"
  }

  variables {
    region     = "eu-central-1"
    account_id = "123456789012"
    log_group_arns = {
      "start-workflow" = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-start-workflow"
      "run-etl"        = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-run-etl"
      "notify-chat"    = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-notify-chat"
      "migrate"        = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-migrate"
    }
    state_machine_arn              = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
    file_events_queue_arn          = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events"
    notify_chat_failures_queue_arn = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-notify-chat-failures"
    bucket_arn                     = "arn:aws:s3:::txetl-test-drop-123456789012"
    bucket_kms_key_alias           = "alias/txetl-test-drop"
    # A contract object mapped: RunEtl may read contracts/* (the dev plan check in 40-terraform.sh
    # shows the default, built-in only, plans no such read).
    contracts = {
      "incoming/"        = "builtin:transactions.contract.json"
      "incoming/orders/" = "contracts/orders.contract.json"
    }
    # A backfill is deployed: its counting step (RunEtl, mode backfill-summary) reads the Map Run results.
    backfill_results_prefix = "reports/backfill"
    run_etl_secrets = {
      loader = { name = "txetl-test-db-loader", kms_key_alias = "alias/txetl-test-database" }
    }
    migrate_secrets = {
      loader = { name = "txetl-test-db-loader", kms_key_alias = "alias/txetl-test-database" }
      master = { rds_db_instance_arn = "arn:aws:rds:eu-central-1:123456789012:db:txetl-test", kms_key_alias = "alias/txetl-test-database" }
    }
    notify_chat_secrets = {
      webhooks = { name = "txetl-test-chat-webhooks", kms_key_alias = "alias/txetl-test-alerts" }
    }
  }

  assert {
    condition     = jsondecode(output.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "Function roles must be assumable by the Lambda service only."
  }
}

run "start_workflow_policy" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy               = run.function_policies.policies["start-workflow"]
    allowed_arn_prefixes = var.project_arn_prefixes
  }

  assert {
    condition     = length(output.wildcard_actions) == 0
    error_message = "StartWorkflow policy has wildcard actions: ${jsonencode(output.wildcard_actions)}"
  }

  assert {
    condition     = length(output.unscoped_resources) == 0
    error_message = "StartWorkflow policy has resources outside the project: ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition = (
      output.statements["StartEtlExecutions"].Action == ["states:StartExecution"] &&
      output.statements["StartEtlExecutions"].Resource == ["arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"]
    )
    error_message = "StartWorkflow may start executions of exactly the one state machine."
  }

  # What Lambda's SQS poller calls with the function role, on the file-events queue only; the old
  # sqs:SendMessage to a failure queue is gone.
  assert {
    condition = (
      toset(output.statements["ConsumeFileEvents"].Action) == toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]) &&
      output.statements["ConsumeFileEvents"].Resource == ["arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events"]
    )
    error_message = "StartWorkflow may receive, delete and read attributes of the file-events queue, nothing more."
  }

  assert {
    condition     = length(output.statements) == 3 && !contains(flatten([for st in values(output.statements) : st.Action]), "sqs:SendMessage")
    error_message = "StartWorkflow needs exactly logs, StartExecution and the file-events queue: ${jsonencode(keys(output.statements))}"
  }
}

run "run_etl_policy" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy                 = run.function_policies.policies["run-etl"]
    allowed_arn_prefixes   = var.project_arn_prefixes
    wildcard_resource_sids = ["ManageVpcNetworkInterfaces"]
  }

  assert {
    condition     = length(output.wildcard_actions) == 0
    error_message = "RunEtl policy has wildcard actions: ${jsonencode(output.wildcard_actions)}"
  }

  assert {
    condition     = length(output.unscoped_resources) == 0
    error_message = "RunEtl policy has resources outside the project: ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition     = output.wildcard_resource_statements == ["ManageVpcNetworkInterfaces"]
    error_message = "Only the VPC network-interface statement may use Resource \"*\": ${jsonencode(output.wildcard_resource_statements)}"
  }

  assert {
    condition = (
      output.statements["ReadIncomingFiles"].Resource == ["arn:aws:s3:::txetl-test-drop-123456789012/incoming/*"] &&
      toset(output.statements["ReadIncomingFiles"].Action) == toset(["s3:GetObject", "s3:GetObjectVersion"])
    )
    error_message = "RunEtl may read objects under incoming/ only."
  }

  # Issue 16 item 3: the contracts and the rule files they name (keys relative to the contract's),
  # the current version by HEAD and that version by GET, read only.
  assert {
    condition = (
      output.statements["ReadContracts"].Resource == ["arn:aws:s3:::txetl-test-drop-123456789012/contracts/*"] &&
      toset(output.statements["ReadContracts"].Action) == toset(["s3:GetObject", "s3:GetObjectVersion"])
    )
    error_message = "With a contract object mapped RunEtl may read contracts/* (GetObject, GetObjectVersion), nothing more."
  }

  assert {
    condition = (
      output.statements["WriteReports"].Resource == ["arn:aws:s3:::txetl-test-drop-123456789012/reports/*"] &&
      toset(output.statements["WriteReports"].Action) == toset(["s3:PutObject", "s3:AbortMultipartUpload"])
    )
    error_message = "RunEtl may write (and abort multipart uploads of) objects under reports/ only (issue 14 defect 5: AbortMultipartUpload was missing)."
  }

  # Issue 18 item 1: the backfill summary counts files by status from the Map Run results, read by RunEtl; it may GET
  # under the results prefix only (a manifest.json and the SUCCEEDED/FAILED files beside it), not other reports.
  assert {
    condition = (
      output.statements["ReadBackfillResults"].Resource == ["arn:aws:s3:::txetl-test-drop-123456789012/reports/backfill/*"] &&
      output.statements["ReadBackfillResults"].Action == ["s3:GetObject"] &&
      length([for st in values(output.statements) : st if contains(st.Action, "s3:GetObject") && anytrue([for r in st.Resource : startswith(r, "arn:aws:s3:::txetl-test-drop-123456789012/reports/") && r != "arn:aws:s3:::txetl-test-drop-123456789012/reports/backfill/*"])]) == 0
    )
    error_message = "RunEtl may read the backfill's Map Run results (s3:GetObject on reports/backfill/*) and no other report."
  }

  assert {
    condition = (
      output.statements["ReadDatabaseSecrets"].Resource == ["arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-db-loader-??????"] &&
      output.statements["ReadDatabaseSecrets"].Action == ["secretsmanager:GetSecretValue"] &&
      !anytrue([for st in values(output.statements) : anytrue([for a in st.Action : startswith(a, "ssm:")])])
    )
    error_message = "RunEtl reads the loader secret only, straight from Secrets Manager (no SSM reference path)."
  }

  assert {
    condition = (
      output.statements["DecryptDatabaseSecrets"].Condition.StringEquals["kms:ViaService"] == "secretsmanager.eu-central-1.amazonaws.com" &&
      output.statements["DecryptDatabaseSecrets"].Condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == "alias/txetl-test-database" &&
      output.statements["DecryptDatabaseSecrets"].Resource == ["arn:aws:kms:eu-central-1:123456789012:key/*"] &&
      output.statements["UseBucketKeyThroughS3"].Condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == "alias/txetl-test-drop"
    )
    error_message = "Key use must be limited to the keys with the deployment's aliases, and secret decryption to calls through Secrets Manager."
  }
}

# Without a backfill RunEtl reads no report at all.
run "run_etl_policy_without_backfill" {
  command = plan

  module {
    source = "../modules/policies/functions"
  }

  variables {
    region     = "eu-central-1"
    account_id = "123456789012"
    log_group_arns = {
      "start-workflow" = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-start-workflow"
      "run-etl"        = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-run-etl"
      "notify-chat"    = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-notify-chat"
      "migrate"        = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-migrate"
    }
    state_machine_arn              = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
    file_events_queue_arn          = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events"
    notify_chat_failures_queue_arn = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-notify-chat-failures"
    bucket_arn                     = "arn:aws:s3:::txetl-test-drop-123456789012"
    bucket_kms_key_alias           = "alias/txetl-test-drop"
    backfill_results_prefix        = null
    run_etl_secrets = {
      loader = { name = "txetl-test-db-loader", kms_key_alias = "alias/txetl-test-database" }
    }
    migrate_secrets = {
      loader = { name = "txetl-test-db-loader", kms_key_alias = "alias/txetl-test-database" }
    }
    notify_chat_secrets = {
      webhooks = { name = "txetl-test-chat-webhooks", kms_key_alias = "alias/txetl-test-alerts" }
    }
  }

  assert {
    condition     = !strcontains(output.policies["run-etl"], "ReadBackfillResults") && !strcontains(output.policies["run-etl"], "/reports/backfill")
    error_message = "Without a backfill RunEtl's policy must not grant reading the backfill results."
  }
}

run "migrate_policy" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy                 = run.function_policies.policies["migrate"]
    allowed_arn_prefixes   = var.project_arn_prefixes
    wildcard_resource_sids = ["ManageVpcNetworkInterfaces"]
  }

  assert {
    condition     = length(output.wildcard_actions) == 0 && length(output.unscoped_resources) == 0
    error_message = "Migrate policy: wildcard actions ${jsonencode(output.wildcard_actions)}, unscoped ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition = (
      output.statements["ReadDatabaseSecrets"].Resource == ["arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-db-loader-??????"] &&
      output.statements["ReadRdsManagedSecrets"].Resource == ["arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-*"] &&
      output.statements["ReadRdsManagedSecrets"].Condition == {
        StringEquals = { "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn" = "arn:aws:rds:eu-central-1:123456789012:db:txetl-test" }
      } &&
      toset(keys(output.statements)) == toset(["WriteOwnLogs", "ReadDatabaseSecrets", "ReadRdsManagedSecrets", "DecryptDatabaseSecrets", "ManageVpcNetworkInterfaces"])
    )
    error_message = "Migrate reads the master and loader secrets, writes its logs and attaches to the VPC, nothing else: ${jsonencode(keys(output.statements))}"
  }
}

run "notify_chat_policy" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy               = run.function_policies.policies["notify-chat"]
    allowed_arn_prefixes = var.project_arn_prefixes
  }

  assert {
    condition     = length(output.wildcard_actions) == 0 && length(output.unscoped_resources) == 0
    error_message = "NotifyChat policy: wildcard actions ${jsonencode(output.wildcard_actions)}, unscoped ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition = output.statements["ReadWebhookSecrets"].Resource == [
      "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-chat-webhooks-??????"
    ]
    error_message = "NotifyChat may read its webhook secret only."
  }

  # Issue 14 defect 5: NotifyChat's failed async invocations were dropped; Lambda now sends them to
  # its on-failure queue with the function's role.
  assert {
    condition = (
      output.statements["SendFailedAlerts"].Action == ["sqs:SendMessage"] &&
      output.statements["SendFailedAlerts"].Resource == ["arn:aws:sqs:eu-central-1:123456789012:txetl-test-notify-chat-failures"]
    )
    error_message = "NotifyChat may send to its on-failure queue only."
  }
}

run "workflow_policies" {
  command = plan

  module {
    source = "../modules/policies/workflow"
  }

  variables {
    account_id               = "123456789012"
    run_etl_function_arn     = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl"
    alerts_topic_arn         = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
    alerts_topic_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/33333333-3333-3333-3333-333333333333"
    tracing_enabled          = true
  }

  assert {
    condition     = jsondecode(output.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "The state machine role must only be assumable from this account."
  }
}

run "state_machine_policy" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy                 = run.workflow_policies.json
    allowed_arn_prefixes   = var.project_arn_prefixes
    wildcard_resource_sids = ["DeliverExecutionLogs", "WriteTraces"]
  }

  assert {
    condition     = length(output.wildcard_actions) == 0 && length(output.unscoped_resources) == 0
    error_message = "State machine policy: wildcard actions ${jsonencode(output.wildcard_actions)}, unscoped ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition = toset(output.statements["InvokeRunEtl"].Resource) == toset([
      "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl",
      "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl:*",
    ])
    error_message = "The state machine may invoke RunEtl (and its versions) only."
  }

  assert {
    condition     = output.statements["PublishAlerts"].Resource == ["arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"]
    error_message = "The state machine may publish to the alerts topic only."
  }
}

# The state machine role given the key's alias ARN (as the deployment does, so it is known at plan
# time): the grant is on the account's keys carrying that alias.
run "workflow_policies_by_key_alias" {
  command = plan

  module {
    source = "../modules/policies/workflow"
  }

  variables {
    account_id               = "123456789012"
    run_etl_function_arn     = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl"
    alerts_topic_arn         = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
    alerts_topic_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:alias/txetl-test-alerts"
  }

  assert {
    condition = one([for st in jsondecode(output.json).Statement : st if st.Sid == "UseAlertsTopicKey"]) == {
      Sid       = "UseAlertsTopicKey"
      Effect    = "Allow"
      Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource  = "arn:aws:kms:eu-central-1:123456789012:key/*"
      Condition = { "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/txetl-test-alerts" } }
    }
    error_message = "Given an alias ARN, the key grant must be key/* limited by kms:ResourceAliases: ${output.json}"
  }
}

run "bucket_policy" {
  command = plan

  module {
    source = "../modules/policies/bucket"
  }

  variables {
    bucket_arn = "arn:aws:s3:::txetl-test-drop-123456789012"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.json).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*" &&
      try(s.Condition.Bool["aws:SecureTransport"], "") == "false" &&
      toset(flatten([s.Resource])) == toset(["arn:aws:s3:::txetl-test-drop-123456789012", "arn:aws:s3:::txetl-test-drop-123456789012/*"])
    ])
    error_message = "The bucket policy must deny every request without TLS, on the bucket and its objects."
  }

  # Deny statements on request headers must only fire when the header is sent: RunEtl and the
  # documented `aws s3 cp` send none and rely on the bucket default key.
  assert {
    condition = alltrue([
      for s in jsondecode(output.json).Statement :
      try(s.Condition.Null, null) != null && alltrue([
        for k in keys(try(s.Condition.StringNotEquals, {})) : try(s.Condition.Null[k], "") == "false"
      ])
      if s.Sid != "DenyInsecureTransport"
    ])
    error_message = "Encryption-header denies must be guarded by Null = false, or uploads without headers are refused."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.json).Statement :
      s.Effect == "Deny" && s.Action == "s3:PutObject" && s.Condition == { Null = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" } }
    ])
    error_message = "Writes naming a KMS key must be denied (they get the bucket's key by naming none)."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.json).Statement : s.Effect == "Deny"])
    error_message = "The bucket policy must only deny; access is granted through the function roles."
  }
}

# The bucket policy only denies, so audited alone the Allow checks could never fire. It is audited
# with three grants appended: ScopedGrant passes every rule, PublicWildcardGrant and NegatedGrant
# break them. The reports must name exactly the breaking grants: so the bucket's own statements
# (Deny to "*" of "s3:*", on the bucket ARN itself) report nothing, and each Allow check does fire.
run "bucket_policy_audit" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy = jsonencode(merge(jsondecode(run.bucket_policy.json), {
      Statement = concat(jsondecode(run.bucket_policy.json).Statement, [
        {
          Sid       = "ScopedGrant"
          Effect    = "Allow"
          Principal = { AWS = "arn:aws:iam::123456789012:role/txetl-test-run-etl" }
          Action    = "s3:GetObject"
          Resource  = "arn:aws:s3:::txetl-test-drop-123456789012/incoming/*"
        },
        {
          Sid       = "PublicWildcardGrant"
          Effect    = "Allow"
          Principal = "*"
          Action    = ["s3:GetObject", "s3:Put*"]
          Resource  = ["arn:aws:s3:::txetl-test-drop-123456789012/incoming/*", "arn:aws:s3:::someone-elses-bucket/*"]
        },
        {
          Sid         = "NegatedGrant"
          Effect      = "Allow"
          Principal   = { AWS = ["arn:aws:iam::123456789012:root", "*"] }
          NotAction   = "s3:DeleteObject"
          NotResource = "arn:aws:s3:::txetl-test-drop-123456789012/reports/*"
        },
      ])
    }))
    allowed_arn_prefixes = var.project_arn_prefixes
  }

  assert {
    condition     = output.wildcard_actions == ["PublicWildcardGrant: s3:Put*", "NegatedGrant: NotAction"]
    error_message = "Bucket policy grants: the wildcard actions reported must be exactly the two broken grants', got ${jsonencode(output.wildcard_actions)}"
  }

  assert {
    condition = output.unscoped_resources == [
      "PublicWildcardGrant: arn:aws:s3:::someone-elses-bucket/*",
      "NegatedGrant: NotResource",
      "NegatedGrant: no resource",
    ]
    error_message = "Bucket policy grants: the unscoped resources reported must be exactly the two broken grants', got ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition     = output.public_principals == ["PublicWildcardGrant", "NegatedGrant"]
    error_message = "The bucket policy must not allow anything to everyone: only the two public grants may be reported, got ${jsonencode(output.public_principals)}"
  }
}

run "alerts_key_policy" {
  command = plan

  module {
    source = "../modules/policies/kms-key"
  }

  variables {
    account_id = "123456789012"
    service_principals = {
      CloudWatchAlarms = {
        service = "cloudwatch.amazonaws.com"
        actions = ["kms:Decrypt", "kms:GenerateDataKey"]
      }
    }
  }

  assert {
    condition = (
      length(jsondecode(output.json).Statement) == 2 &&
      toset([for s in jsondecode(output.json).Statement : s.Sid]) == toset(["AccountIamPolicies", "CloudWatchAlarms"]) &&
      alltrue([for s in jsondecode(output.json).Statement : s.Effect == "Allow" && s.Resource == "*"])
    )
    error_message = "The key policy must be the account statement and one statement per service principal, each on the key itself (Resource \"*\"): ${output.json}"
  }

  assert {
    condition = (
      one([for s in jsondecode(output.json).Statement : s.Principal if s.Sid == "AccountIamPolicies"]) == { AWS = "arn:aws:iam::123456789012:root" } &&
      length(setsubtract(
        ["kms:CancelKeyDeletion", "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
        flatten([for s in jsondecode(output.json).Statement : s.Action if s.Sid == "AccountIamPolicies"])
      )) == 0
    )
    error_message = "The key must be administered by this account's IAM policies (the account root principal), rotation and deletion included: ${output.json}"
  }

  assert {
    condition = (
      one([for s in jsondecode(output.json).Statement : s.Principal if s.Sid == "CloudWatchAlarms"]) == { Service = "cloudwatch.amazonaws.com" } &&
      toset(flatten([for s in jsondecode(output.json).Statement : s.Action if s.Sid == "CloudWatchAlarms"])) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) &&
      one([for s in jsondecode(output.json).Statement : s.Condition if s.Sid == "CloudWatchAlarms"]) == { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    )
    error_message = "CloudWatch alarms may only decrypt and generate data keys, from this account: ${output.json}"
  }
}

run "alerts_key_policy_audit" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  # In a key policy Resource "*" means the key itself: every statement may use exactly that.
  variables {
    policy                 = run.alerts_key_policy.json
    allowed_arn_prefixes   = []
    wildcard_resource_sids = ["AccountIamPolicies", "CloudWatchAlarms"]
  }

  assert {
    condition     = length(output.wildcard_actions) == 0 && length(output.unscoped_resources) == 0
    error_message = "Key policy: wildcard actions ${jsonencode(output.wildcard_actions)}, unscoped ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition     = length(output.public_principals) == 0
    error_message = "The key policy must not allow anything to everyone: ${jsonencode(output.public_principals)}"
  }

  assert {
    condition     = output.statements["CloudWatchAlarms"].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Service principals must be limited to this account."
  }

  assert {
    condition     = contains(output.statements["AccountIamPolicies"].Action, "kms:PutKeyPolicy")
    error_message = "The account must keep kms:PutKeyPolicy, or the key becomes unmanageable."
  }
}

run "file_events_queue_policy" {
  command = plan

  module {
    source = "../modules/policies/queue"
  }

  variables {
    queue_arn            = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events"
    account_id           = "123456789012"
    s3_source_bucket_arn = "arn:aws:s3:::txetl-test-drop-123456789012"
  }

  assert {
    condition = anytrue([
      for st in jsondecode(output.json).Statement :
      st.Sid == "AllowBucketNotifications" && st.Effect == "Allow" && st.Principal == { Service = "s3.amazonaws.com" } &&
      st.Action == "sqs:SendMessage" && st.Resource == "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events" &&
      st.Condition == {
        ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::txetl-test-drop-123456789012" }
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      }
    ])
    error_message = "Only the drop bucket of this account may send to the file-events queue: ${output.json}"
  }

  assert {
    condition = anytrue([
      for st in jsondecode(output.json).Statement :
      st.Effect == "Deny" && st.Principal == "*" && st.Action == "sqs:*" && try(st.Condition.Bool["aws:SecureTransport"], "") == "false"
    ]) && length(jsondecode(output.json).Statement) == 2
    error_message = "The queue must refuse requests without TLS: ${output.json}"
  }
}

run "dead_letter_queue_policy" {
  command = plan

  module {
    source = "../modules/policies/queue"
  }

  variables {
    queue_arn  = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events-dlq"
    account_id = "123456789012"
  }

  assert {
    condition     = [for st in jsondecode(output.json).Statement : st.Sid] == ["DenyInsecureTransport"]
    error_message = "The dead-letter queue allows no sender (SQS moves messages itself), it only refuses plain HTTP: ${output.json}"
  }
}

# Issue 14 defect 5: the alerts topic had no policy at all.
run "topic_policy" {
  command = plan

  module {
    source = "../modules/policies/topic"
  }

  variables {
    topic_arn         = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
    account_id        = "123456789012"
    event_rule_arns   = ["arn:aws:events:eu-central-1:123456789012:rule/txetl-test-etl-failed"]
    alarm_arn_pattern = "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:txetl-test-*"
  }

  assert {
    condition = anytrue([
      for st in jsondecode(output.json).Statement :
      st.Effect == "Deny" && st.Principal == "*" && st.Action == "sns:Publish" && try(st.Condition.Bool["aws:SecureTransport"], "") == "false"
    ])
    error_message = "Publishing without TLS must be denied: ${output.json}"
  }

  assert {
    condition = one([for st in jsondecode(output.json).Statement : st if st.Sid == "AllowEventBridgeRules"]) == {
      Sid       = "AllowEventBridgeRules"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
      Condition = {
        ArnEquals    = { "aws:SourceArn" = "arn:aws:events:eu-central-1:123456789012:rule/txetl-test-etl-failed" }
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      }
    }
    error_message = "EventBridge may publish for the failure rule only: ${output.json}"
  }

  assert {
    condition = one([for st in jsondecode(output.json).Statement : st.Condition if st.Sid == "AllowCloudWatchAlarms"]) == {
      ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:txetl-test-*" }
      StringEquals = { "aws:SourceAccount" = "123456789012" }
    } && length(jsondecode(output.json).Statement) == 3
    error_message = "CloudWatch may publish for this deployment's alarms only: ${output.json}"
  }
}

run "topic_policy_audit" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy               = run.topic_policy.json
    allowed_arn_prefixes = var.project_arn_prefixes
  }

  assert {
    condition     = length(output.wildcard_actions) == 0 && length(output.unscoped_resources) == 0 && length(output.public_principals) == 0
    error_message = "Topic policy: wildcard actions ${jsonencode(output.wildcard_actions)}, unscoped ${jsonencode(output.unscoped_resources)}, public ${jsonencode(output.public_principals)}"
  }
}


# Issue 18 item 1: the backfill role, rendered by the real provider: what the per-file role may do
# plus what AWS documents for a Distributed Map, each on its own resources only.
run "backfill_policies" {
  command = plan

  module {
    source = "../modules/policies/backfill"
  }

  variables {
    region                   = "eu-central-1"
    account_id               = "123456789012"
    state_machine_name       = "txetl-test-backfill"
    run_etl_function_arn     = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-run-etl"
    alerts_topic_arn         = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
    alerts_topic_kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/33333333-3333-3333-3333-333333333333"
    bucket_arn               = "arn:aws:s3:::txetl-test-drop-123456789012"
    bucket_kms_key_alias     = "alias/txetl-test-drop"
    listing_prefix           = "incoming/"
    results_prefix           = "reports/backfill"
  }

  assert {
    condition     = jsondecode(output.assume_role_policy).Statement[0].Principal.Service == "states.amazonaws.com" && jsondecode(output.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "The backfill role must be assumable by Step Functions of this account only."
  }
}

run "backfill_state_machine_policy" {
  command = plan

  module {
    source = "./modules/policy-audit"
  }

  variables {
    policy = run.backfill_policies.json
    # Child executions and Map Runs are named after the state machine; ListBucket needs the bucket itself.
    allowed_arn_prefixes = concat(var.project_arn_prefixes, [
      "arn:aws:states:eu-central-1:123456789012:execution:txetl-test-backfill/",
      "arn:aws:states:eu-central-1:123456789012:mapRun:txetl-test-backfill/",
      "arn:aws:s3:::txetl-test-drop-123456789012",
    ])
    wildcard_resource_sids = ["DeliverExecutionLogs"]
  }

  assert {
    condition     = length(output.wildcard_actions) == 0 && length(output.unscoped_resources) == 0
    error_message = "Backfill policy: wildcard actions ${jsonencode(output.wildcard_actions)}, unscoped ${jsonencode(output.unscoped_resources)}"
  }

  assert {
    condition = toset(keys(output.statements)) == toset([
      "InvokeRunEtl", "PublishAlerts", "UseAlertsTopicKey", "DeliverExecutionLogs",
      "StartChildExecutions", "ManageChildExecutions", "DescribeMapRuns", "ListBackfillPrefix", "WriteMapRunResults", "UseBucketKeyThroughS3",
    ])
    error_message = "Unexpected backfill statements: ${jsonencode(keys(output.statements))}"
  }

  assert {
    condition = (
      output.statements["StartChildExecutions"].Action == ["states:StartExecution"] &&
      output.statements["StartChildExecutions"].Resource == ["arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-backfill"] &&
      toset(output.statements["ManageChildExecutions"].Action) == toset(["states:DescribeExecution", "states:StopExecution"]) &&
      output.statements["ManageChildExecutions"].Resource == ["arn:aws:states:eu-central-1:123456789012:execution:txetl-test-backfill/*"] &&
      output.statements["DescribeMapRuns"].Resource == ["arn:aws:states:eu-central-1:123456789012:mapRun:txetl-test-backfill/*"]
    )
    error_message = "The backfill may start executions of itself only (its Map's children), and follow and stop only its own children and Map Runs."
  }

  assert {
    condition = (
      output.statements["ListBackfillPrefix"].Action == ["s3:ListBucket"] &&
      output.statements["ListBackfillPrefix"].Resource == ["arn:aws:s3:::txetl-test-drop-123456789012"] &&
      output.statements["ListBackfillPrefix"].Condition == { StringLike = { "s3:prefix" = "incoming/*" } }
    )
    error_message = "ListBucket must be on the drop bucket and limited to prefixes under incoming/: ${jsonencode(output.statements["ListBackfillPrefix"])}"
  }

  assert {
    condition = (
      output.statements["WriteMapRunResults"].Resource == ["arn:aws:s3:::txetl-test-drop-123456789012/reports/backfill/*"] &&
      toset(output.statements["WriteMapRunResults"].Action) == toset(["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]) &&
      output.statements["UseBucketKeyThroughS3"].Condition.StringEquals["kms:ViaService"] == "s3.eu-central-1.amazonaws.com" &&
      output.statements["UseBucketKeyThroughS3"].Condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == "alias/txetl-test-drop"
    )
    error_message = "The ResultWriter may write (and read back) under reports/backfill/ only, with the bucket's key through S3 only."
  }

  assert {
    condition     = !anytrue([for st in values(output.statements) : anytrue([for r in st.Resource : strcontains(r, "/incoming/")])])
    error_message = "The backfill role must not read or write objects under incoming/ (RunEtl reads them with its own role)."
  }
}
