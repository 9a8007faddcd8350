"""Which WeChat template each trigger uses, and how its fields are filled.

Template ids and field keys are chosen per shop in the WeChat consoles, so they
are configuration (JSON), not code: per trigger a subscribe-message template and
an official-account template, each with its field keys mapped to a `str.format`
pattern over the intent's semantic fields. An empty template id means that
channel is not used for the trigger (a follow prompt has no OA template: who
would get it already follows).
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from typing import Any

from .notify_triggers import TRIGGERS
from .template_fields import fit

SPEC_KEYS = ("subscribe_id", "subscribe_fields", "oa_id", "oa_fields")


@dataclass(frozen=True)
class TemplateSpec:
    subscribe_id: str
    subscribe_fields: dict[str, str]
    oa_id: str
    oa_fields: dict[str, str]


def render(spec_fields: dict[str, str], semantic: dict[str, str]) -> dict[str, dict[str, str]]:
    """WeChat's `data` object; ValueError names the key whose value cannot be made."""
    data = {}
    for key, pattern in spec_fields.items():
        try:
            value = pattern.format_map(semantic)
        except KeyError as missing:
            raise ValueError(f"{key}: no field {missing.args[0]} in the intent") from None
        data[key] = {"value": fit(key, value)}
    return data


def _fields(trigger: str, name: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"{trigger}.{name} must be an object of field key -> pattern")
    for key, pattern in value.items():
        if not isinstance(key, str) or not key or not isinstance(pattern, str):
            raise ValueError(f"{trigger}.{name}.{key}: a field maps a key to a pattern")
        try:
            names = [field for _, field, _, _ in Formatter().parse(pattern) if field is not None]
        except ValueError as error:
            raise ValueError(f"{trigger}.{name}.{key}: {error}") from None
        if any(not field.isidentifier() for field in names):
            raise ValueError(f"{trigger}.{name}.{key}: fields are named, as in {{order_no}}")
    return dict(value)


def _spec(trigger: str, obj: object) -> TemplateSpec:
    if trigger not in TRIGGERS:
        raise ValueError(f"{trigger}: no such trigger")
    if not isinstance(obj, dict) or set(obj) - set(SPEC_KEYS):
        raise ValueError(f"{trigger}: a template spec has only the keys {', '.join(SPEC_KEYS)}")
    ids = {name: obj.get(name, "") for name in ("subscribe_id", "oa_id")}
    for name, value in ids.items():
        if not isinstance(value, str):
            raise ValueError(f"{trigger}.{name} must be a string")
    return TemplateSpec(
        subscribe_id=ids["subscribe_id"],
        subscribe_fields=_fields(trigger, "subscribe_fields", obj.get("subscribe_fields", {})),
        oa_id=ids["oa_id"],
        oa_fields=_fields(trigger, "oa_fields", obj.get("oa_fields", {})),
    )


class TemplateBook:
    def __init__(self, specs: dict[str, TemplateSpec]) -> None:
        self.specs = specs

    @classmethod
    def from_json(cls, obj: Any) -> TemplateBook:
        """ValueError (a 400 to whoever configured it) names the trigger and key."""
        if not isinstance(obj, dict):
            raise ValueError("templates are an object of trigger -> template spec")
        return cls({name: _spec(name, spec) for name, spec in obj.items()})

    def spec(self, trigger: str) -> TemplateSpec | None:
        return self.specs.get(trigger)

    def subscribe_ids(self) -> set[str]:
        """The subscribe templates the shop sends: only these earn credits."""
        return {spec.subscribe_id for spec in self.specs.values() if spec.subscribe_id}


def _sandbox(trigger: str, sub: dict[str, str], oa: dict[str, str]) -> dict[str, Any]:
    return {
        "subscribe_id": f"sandbox-{trigger}-sub",
        "subscribe_fields": sub,
        "oa_id": f"sandbox-{trigger}-oa" if oa else "",
        "oa_fields": oa,
    }


def _oa(first: str, remark: str, *keywords: str) -> dict[str, str]:
    fields = {f"keyword{i}": pattern for i, pattern in enumerate(keywords, start=1)}
    return {"first": first, **fields, "remark": remark}


DEFAULT_TEMPLATES: dict[str, Any] = {
    "order_paid": _sandbox(
        "order_paid",
        {
            "character_string1": "{order_no}",
            "amount2": "{amount}",
            "thing3": "{title}",
            "time4": "{time}",
        },
        _oa("您的订单已支付", "点击查看订单详情", "{order_no}", "{amount}", "{title}"),
    ),
    "order_shipped": _sandbox(
        "order_shipped",
        {"character_string1": "{order_no}", "thing2": "{title}", "phrase3": "已发货"},
        _oa("您的订单已发货", "点击查看物流", "{order_no}", "{title}"),
    ),
    "after_sales_reminder": _sandbox(
        "after_sales_reminder",
        {"character_string1": "{order_no}", "thing2": "{title}", "date3": "{time}"},
        _oa("售后申请即将截止", "如需售后请及时申请", "{order_no}", "{title}", "{time}"),
    ),
    "team_one_seat_left": _sandbox(
        "team_one_seat_left",
        {"thing1": "{title}", "thing2": "还差1人成团，快邀请好友"},
        _oa("拼团还差1人", "点击邀请好友", "{title}", "还差1人"),
    ),
    "team_succeeded": _sandbox(
        "team_succeeded",
        {"thing1": "{title}", "phrase2": "已成团"},
        _oa("拼团成功", "我们将尽快发货", "{title}", "已成团"),
    ),
    "team_failed": _sandbox(
        "team_failed",
        {"thing1": "{title}", "amount2": "{amount}", "phrase3": "已退款"},
        _oa("拼团未成功，已为您退款", "退款将原路返回", "{title}", "{amount}"),
    ),
    "campaign_starting": _sandbox(
        "campaign_starting",
        {"thing1": "{campaign}", "time2": "{time}"},
        _oa("您预约的活动即将开始", "点击进入活动", "{campaign}", "{time}"),
    ),
    "points_expiring": _sandbox(
        "points_expiring",
        {"number1": "{points}", "date2": "{time}"},
        _oa("您有积分即将过期", "快去使用吧", "{points}", "{time}"),
    ),
    "level_up": _sandbox(
        "level_up",
        {"thing1": "{level}", "thing2": "会员等级已提升"},
        _oa("恭喜您升级", "点击查看会员权益", "{level}"),
    ),
    "coupon_expiring": _sandbox(
        "coupon_expiring",
        {"thing1": "{coupon}", "date2": "{time}"},
        _oa("您的优惠券即将过期", "快去使用吧", "{coupon}", "{time}"),
    ),
    "follow_prompt": _sandbox("follow_prompt", {"thing1": "关注公众号，订单动态早知道"}, {}),
}
"""The sandbox's templates: ids `sandbox-<trigger>-sub` / `sandbox-<trigger>-oa`."""
