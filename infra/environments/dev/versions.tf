terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }

  # Partial configuration: bucket, key and region come from `terraform init -backend-config=...`
  # (docs/deploy.md), so no account-specific names live in the repository.
  backend "s3" {}
}
