# The prod stage's choices: AWS China (Ningxia), tables protected, logs kept
# 90 days. The shop's identity and secrets: infra/README.md, "Settings per stage".
prefix              = "miniloop-prod"
region              = "cn-northwest-1"
deletion_protection = true
log_retention_days  = 90
