provider "aws" {
  region = var.region
  # Refuse to touch any other account than the one this environment is meant for.
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Project     = "TransactionEtl"
      Environment = "prod"
      ManagedBy   = "terraform"
    }
  }
}
