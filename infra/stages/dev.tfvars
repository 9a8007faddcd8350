# The dev stage's choices. The shop's identity (wechat_appid, wechatpay_mchid,
# wechatpay_serial_no, wechatpay_platform_keys, public_url) and its secrets are
# supplied at deploy time: infra/README.md, "Settings per stage".
prefix              = "miniloop-dev"
region              = "ap-east-1"
deletion_protection = false
log_retention_days  = 7
api_throttle_rate   = 20
api_throttle_burst  = 40
