# Generate a database password to PCI DSS, certify it, store it in AWS Secrets Manager with the
# certificate URL attached (tag `passgeni-cert-url`), and keep that URL as a Terraform output and as
# a tag on the database. The password never passes through Terraform's state: passgeni writes it
# straight into the secret, and Terraform only reads it back where the database needs it.
#
#   export PASSGENI_ISSUER_URL=https://certs.example.com PASSGENI_API_KEY=...
#   terraform apply                                   # first certification
#   terraform apply -var rotation=2025-q3             # rotate: change the trigger
#
# Requires Node.js 22+ (for npx) and jq on the machine running Terraform.

terraform {
  required_version = ">= 1.4"
  required_providers {
    aws      = { source = "hashicorp/aws", version = ">= 5.0" }
    external = { source = "hashicorp/external", version = ">= 2.3" }
  }
}

variable "rotation" {
  description = "Change this value to generate, certify and store a new password."
  type        = string
  default     = "initial"
}

variable "passgeni_version" {
  description = "Pin the CLI so a plan never runs an unreviewed version."
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
# password: that goes only to the store).
resource "terraform_data" "certify_db_password" {
  triggers_replace = [var.rotation, local.secret_uri]

  provisioner "local-exec" {
    command = <<-EOT
      npx --yes passgeni@${var.passgeni_version} certify \
        --standard PCI-DSS \
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
    npx --yes passgeni@${var.passgeni_version} inventory \
      --store-prefix 'aws-sm://${aws_secretsmanager_secret.db.name}' --json \
    | jq -c '[.[] | select(.store == "${local.secret_uri}")][0]
             | { cert_url: (.cert_url // ""), status: .status, expires_at: (.expires_at // "") }'
  EOT
  ]

  depends_on = [terraform_data.certify_db_password]
}

data "aws_secretsmanager_secret_version" "db" {
  secret_id  = aws_secretsmanager_secret.db.id
  depends_on = [terraform_data.certify_db_password]
}

resource "aws_db_instance" "main" {
  identifier          = "prod-db"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "admin"
  password            = jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]
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
