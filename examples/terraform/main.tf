# Generate a database password to PCI DSS, certify it, store it in AWS Secrets Manager with the
# certificate URL attached (tag `passgeni-cert-url`), and keep that URL as a Terraform output and as
# a tag on the database.
#
# What lands in Terraform's state and plan: the secret's name, the certificate URL, status and
# expiry, and the placeholder secret version below (an empty password). Not the password:
# passgeni writes it straight into the secret, Terraform reads it back through an *ephemeral*
# resource (never stored) and hands it to RDS through the write-only `password_wo` argument
# (never stored either). This needs Terraform >= 1.11 and the AWS provider >= 6.0; with older
# versions (a data source and `password`), the password WOULD be in state in plain text.
#
#   export PASSGENI_ISSUER_URL=https://certs.example.com PASSGENI_API_KEY=...
#   terraform apply                                   # first certification
#   terraform apply -var rotation=2026-q3             # rotate: change the trigger
#
# Requires `passgeni` on the PATH of the machine running Terraform, installed at an exact version
# (see the README: from a release tarball until it is on npm), and jq.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws      = { source = "hashicorp/aws", version = ">= 6.0" }
    external = { source = "hashicorp/external", version = ">= 2.3" }
  }
}

variable "rotation" {
  description = "Change this value to generate, certify and store a new password."
  type        = string
  default     = "initial"
}

variable "passgeni" {
  description = "The passgeni command: an installed, exact version, never a package name resolved from a registry at run time."
  type        = string
  default     = "passgeni"
}

variable "passgeni_version" {
  description = "The exact passgeni version this configuration was reviewed with; a plan fails on any other."
  type        = string
  default     = "0.1.0"
}

locals {
  secret_uri = "aws-sm://${aws_secretsmanager_secret.db.name}#password"
  label      = "prod/db/admin"
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"

  lifecycle {
    # passgeni attaches the certificate URL as tags; Terraform must not strip them on the next apply.
    ignore_changes = [tags["passgeni-cert-url"], tags["passgeni-cert-key"]]
  }
}

# The secret starts as a JSON object; passgeni changes only its "password" key (the previous
# version stays recoverable as AWSPREVIOUS).
resource "aws_secretsmanager_secret_version" "initial" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "admin", password = "" })

  lifecycle {
    ignore_changes = [secret_string]
  }
}

# Runs on create and whenever var.rotation changes. `--json` prints the certificate (never the
# password: that goes only to the store). RDS rejects `/`, `@`, `"` and spaces in a master
# password, so they are excluded (the certificate records the exclusion and the exact entropy).
resource "terraform_data" "certify_db_password" {
  triggers_replace = [var.rotation, local.secret_uri]

  provisioner "local-exec" {
    command = <<-EOT
      set -e
      test "$(${var.passgeni} --version)" = '${var.passgeni_version}'
      ${var.passgeni} certify \
        --standard PCI-DSS \
        --exclude '/@" ' \
        --store '${local.secret_uri}' \
        --label '${local.label}' \
        --bind --json
    EOT
  }

  depends_on = [aws_secretsmanager_secret_version.initial]
}

# Reads back which certificate the secret now carries, and its status, from the store's own
# metadata (the registry view, no API key needed). The external data source wants one flat JSON
# object of strings, hence jq.
data "external" "db_certificate" {
  program = ["sh", "-c", <<-EOT
    ${var.passgeni} inventory \
      --store-prefix 'aws-sm://${aws_secretsmanager_secret.db.name}' --json \
    | jq -c '[.[] | select(.store == "${local.secret_uri}")][0]
             | { cert_url: (.cert_url // ""), status: .status, expires_at: (.expires_at // "") }'
  EOT
  ]

  depends_on = [terraform_data.certify_db_password]
}

# Ephemeral: read during the apply, never written to the plan or the state.
ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id  = aws_secretsmanager_secret.db.id
  depends_on = [terraform_data.certify_db_password]
}

resource "aws_db_instance" "main" {
  identifier          = "prod-db"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "admin"
  # write-only: sent to RDS, not stored; a new password_wo_version makes Terraform send it again
  password_wo         = jsondecode(ephemeral.aws_secretsmanager_secret_version.db.secret_string)["password"]
  password_wo_version = parseint(substr(sha256(var.rotation), 0, 8), 16)
  skip_final_snapshot = true

  tags = {
    # Auditors can follow the tag from the database to the credential's compliance certificate.
    "passgeni-cert-url" = data.external.db_certificate.result.cert_url
  }
}

output "db_admin_cert_url" {
  description = "Compliance certificate of the database admin password (public; verify with `passgeni verify <url>`)."
  value       = data.external.db_certificate.result.cert_url
}

output "db_admin_cert_status" {
  value = data.external.db_certificate.result.status
}

output "db_admin_cert_expires_at" {
  value = data.external.db_certificate.result.expires_at
}
