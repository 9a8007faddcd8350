# ---- the stage ---------------------------------------------------------------

variable "prefix" {
  description = "Names every resource of the stage, e.g. miniloop-prod: tables miniloop-prod-events, functions miniloop-prod-index_events."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.prefix))
    error_message = "prefix: 3 to 32 characters, lower-case letters, digits and dashes."
  }
}

variable "region" {
  description = "AWS region, e.g. ap-east-1, or cn-north-1 / cn-northwest-1 in the AWS China partition."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the DynamoDB tables (the event store is the system of record). Keep true outside throwaway stages."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags on every resource (cost allocation)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention of every function's log group."
  type        = number
  default     = 30
}

variable "lambda_kms_key_arn" {
  description = "Customer-managed KMS key for the functions' environment variables (they hold the WeChat secrets). null: Lambda's AWS-managed key."
  type        = string
  default     = null
}

variable "alarm_topic_arn" {
  description = "SNS topic notified when a dead-letter or failure queue holds messages. null: alarms without actions."
  type        = string
  default     = null
}

variable "api_throttle_rate" {
  description = "Steady-state requests per second the API stage accepts (API Gateway throttling)."
  type        = number
  default     = 100
}

variable "api_throttle_burst" {
  description = "Burst of requests the API stage accepts above the rate."
  type        = number
  default     = 200
}

variable "settings" {
  description = "Further non-secret MINILOOP_* environment variables, e.g. { MINILOOP_UNPAID_TIMEOUT_MIN = \"15\" } (see chalicelib/settings.py)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.settings) : startswith(name, "MINILOOP_")])
    error_message = "settings: every name starts with MINILOOP_."
  }
}

# ---- the public address ------------------------------------------------------

variable "public_url" {
  description = "The HTTPS origin the mini-program and WeChat Pay reach the API at (the notify_url is <public_url>/webhooks/wechatpay/notify). In China: an ICP-filed custom domain."
  type        = string

  validation {
    condition     = startswith(var.public_url, "https://")
    error_message = "public_url: WeChat Pay only calls https:// notify URLs."
  }
}

# ---- WeChat (公众平台 / 小程序) --------------------------------------------------

variable "wechat_api_base" {
  description = "WeChat API origin."
  type        = string
  default     = "https://api.weixin.qq.com"
}

variable "wechat_appid" {
  description = "The mini-program's AppID, starting with wx."
  type        = string
}

variable "wechat_secret" {
  description = "The mini-program's AppSecret."
  type        = string
  sensitive   = true
}

# ---- the official account (公众号), optional ----------------------------------------

variable "oa_api_base" {
  description = "The official account's API origin."
  type        = string
  default     = "https://api.weixin.qq.com"
}

variable "oa_appid" {
  description = "The official account's AppID, bound to the same Open Platform account as the mini-program. Empty: no official account (no template messages, no push webhook)."
  type        = string
  default     = ""
}

variable "oa_secret" {
  description = "The official account's AppSecret."
  type        = string
  sensitive   = true
  default     = ""
}

variable "oa_token" {
  description = "The message-push Token set in the official account's console (服务器配置)."
  type        = string
  sensitive   = true
  default     = ""
}

variable "oa_aes_key" {
  description = "The message-push EncodingAESKey (43 characters) for safe mode. Empty: plain mode only."
  type        = string
  sensitive   = true
  default     = ""

  validation {
    condition     = length(var.oa_aes_key) == 0 || length(var.oa_aes_key) == 43
    error_message = "oa_aes_key: an EncodingAESKey has 43 characters."
  }
}

# ---- the mini-program's message push (小程序消息推送), optional --------------------

variable "mp_push_token" {
  description = "The mini-program's message-push Token (开发管理 > 消息推送). Empty: the push webhook answers 403."
  type        = string
  sensitive   = true
  default     = ""
}

variable "mp_push_aes_key" {
  description = "The mini-program push's EncodingAESKey (43 characters) for safe mode. Empty: plain mode only."
  type        = string
  sensitive   = true
  default     = ""

  validation {
    condition     = length(var.mp_push_aes_key) == 0 || length(var.mp_push_aes_key) == 43
    error_message = "mp_push_aes_key: an EncodingAESKey has 43 characters."
  }
}

# ---- WeChat Pay v3 (商户平台) -----------------------------------------------------

variable "wechatpay_api_base" {
  description = "WeChat Pay API origin."
  type        = string
  default     = "https://api.mch.weixin.qq.com"
}

variable "wechatpay_mchid" {
  description = "The merchant id (商户号)."
  type        = string
}

variable "wechatpay_serial_no" {
  description = "Serial number of the merchant API certificate (商户API证书序列号)."
  type        = string
}

variable "wechatpay_private_key" {
  description = "The merchant API private key, PEM text (apiclient_key.pem)."
  type        = string
  sensitive   = true
}

variable "wechatpay_apiv3_key" {
  description = "The APIv3 key (32 bytes) that decrypts notifications."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.wechatpay_apiv3_key) == 32
    error_message = "wechatpay_apiv3_key: WeChat Pay's APIv3 key is 32 characters."
  }
}

variable "wechatpay_platform_keys" {
  description = "WeChat Pay platform public keys that verify its signatures: certificate serial or public key id (PUB_KEY_ID_<n>) -> PEM text. Public, not secret."
  type        = map(string)
}

# ---- the app's own secrets ---------------------------------------------------

variable "session_secret" {
  description = "HMAC key of the mini-program session tokens (32+ random bytes)."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.session_secret) >= 32
    error_message = "session_secret: at least 32 characters."
  }
}

variable "identity_secret" {
  description = "HMAC key of the WeChat identities' pseudonyms (32+ random bytes); keep it for good."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.identity_secret) >= 32
    error_message = "identity_secret: at least 32 characters."
  }
}

variable "admin_token" {
  description = "The token operators send in the X-Admin-Token header of the admin API."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.admin_token) >= 24
    error_message = "admin_token: at least 24 characters."
  }
}
