"""The official account's follower figures, pre-aggregated per Beijing day of
the follow (domain/oa_metrics.py says what each counts), so a range reads one
document per day, never raw events.

A follower is linked to a member through their unionid without reading it: a
follower is filed under `unionid_key` (the keyed pseudonym of its unionid), and
the WeChatIdentity a member logs in with has the id `identity_id_for` that same
pseudonym and names the member. Both sides meet in `identities/<identity id>`,
whichever comes first. A linked follower's latest follow is mirrored into the
behaviour log as the member's `followed` fact (domain/mirrored_facts.py), at the
follow's time, for the follow conversion (projections/follow_conversion.py);
its message id comes from the follow, so a rebuild enqueues nothing new.

Documents:
- `days/<day>`: the day's counts (FOLLOWER_COUNTS), ranked by day in one group;
- `followers/<follower id>`: whether they follow and since when, their first
  follow, their identity and member, and the markers that make the counts
  exact ("linked", the first payment counted, "repurchased"), written in the
  same batch as the counters they gate;
- `identities/<identity id>`: the member an identity points at and the
  follower filed under it;
- `members/<member id>`: the member's payment times (a follower linked later
  still counts the payments made after following), pending orders,
  identities and follower (made when an identity names the member);
- `orders/<order id>`: an order's member until it is paid or cancelled.

Forgetting a follower (their member closed the account) deletes its document
and the follower from its identity and member; closing the account deletes
the member's document, their pending orders' and the member from its
identities and follower. The counts stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain import oa_metrics as rules
from ..domain.calendar import beijing_date, beijing_day
from ..domain.follower import Follower
from ..domain.identity import WeChatIdentity
from ..domain.ids import identity_id_for
from ..domain.member import Member
from ..domain.mirrored_facts import FOLLOWED, MirroredFact
from ..domain.order import Order
from .base import Doc, Handler, ViewWriter, plain

DAYS = "days"
FOLLOWERS = "followers"
IDENTITIES = "identities"
MEMBERS = "members"
ORDERS = "orders"


def _count(views: ViewWriter, day: str, **deltas: int) -> None:
    doc = views.get(DAYS, day) or {"day": day, **dict.fromkeys(rules.FOLLOWER_COUNTS, 0)}
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(DAYS, day, doc, group=DAYS, rank=day)


def _follower(views: ViewWriter, follower_id: str) -> Doc:
    return views.get(FOLLOWERS, follower_id) or {
        "identity": None,
        "following": False,
        "followed_at": None,
        "followed_version": None,
        "mirrored": None,
        "first_followed_at": None,
        "member_id": None,
        "linked": False,
        "first_paid_at": None,
        "repurchased": False,
    }


def _member(views: ViewWriter, member_id: str) -> Doc:
    return views.get(MEMBERS, member_id) or {
        "payments": [],
        "pending": [],
        "identities": [],
        "follower_id": None,
    }


def _identity(views: ViewWriter, identity_id: str) -> Doc:
    return views.get(IDENTITIES, identity_id) or {"member_id": None, "follower_id": None}


def _put_identity(views: ViewWriter, identity_id: str, doc: Doc) -> None:
    if doc["member_id"] is None and doc["follower_id"] is None:
        views.delete(IDENTITIES, identity_id)
    else:
        views.put(IDENTITIES, identity_id, doc)


# -- the link -------------------------------------------------------------------
def _link(views: ViewWriter, identity: Doc) -> None:
    """Links the identity's follower and member when it has both: counts the
    follower as linked once, then the member's payments since the first follow."""
    follower_id, member_id = identity["follower_id"], identity["member_id"]
    if follower_id is None or member_id is None:
        return
    follower, member = _follower(views, follower_id), _member(views, member_id)
    if follower["first_followed_at"] is None:
        return
    follower["member_id"], member["follower_id"] = member_id, follower_id
    first_day = beijing_day(datetime.fromisoformat(follower["first_followed_at"]))
    if not follower["linked"]:
        follower["linked"] = True
        _count(views, first_day, linked=1)
    payments = [datetime.fromisoformat(p) for p in member["payments"]]
    if follower["first_paid_at"] is None:
        followed = datetime.fromisoformat(follower["first_followed_at"])
        first = rules.first_payment_after(followed, payments)
        if first is not None:
            follower["first_paid_at"] = plain(first)
            _count(views, first_day, linked_payers=1)
    _repurchase(views, follower, first_day, payments)
    _mirror_follow(views, follower_id, follower)
    views.put(FOLLOWERS, follower_id, follower)
    views.put(MEMBERS, member_id, member)


def _repurchase(views: ViewWriter, follower: Doc, first_day: str, payments: list[datetime]) -> None:
    first = follower["first_paid_at"]
    if first is None or follower["repurchased"]:
        return
    if rules.repurchased(datetime.fromisoformat(first), payments):
        follower["repurchased"] = True
        _count(views, first_day, repurchasers=1)


def _mirror_follow(views: ViewWriter, follower_id: str, follower: Doc) -> None:
    """Mirrors the follower's latest follow into the behaviour log as the linked
    member's `followed` fact (for the follow conversion), once per follow."""
    version = follower["followed_version"]
    if follower["member_id"] is None or version is None or follower["mirrored"] == version:
        return
    at = datetime.fromisoformat(follower["followed_at"])
    key = f"{follower_id}:v{version}"
    fact = MirroredFact(UUID(follower["member_id"]), FOLLOWED, key, at, {})
    views.enqueue(fact.message_id, fact.kind_of_message, fact.to_payload())
    follower["mirrored"] = version


def _file(views: ViewWriter, follower_id: str, follower: Doc, unionid_key: str | None) -> None:
    """Files the follower under the identity of its unionid key (moving it from
    another one when the key changed) and links it when that identity has a member."""
    if not unionid_key:
        return
    identity_id = str(identity_id_for(unionid_key))
    old = follower["identity"]
    if old is not None and old != identity_id:
        former = _identity(views, old)
        if former["follower_id"] == follower_id:
            former["follower_id"] = None
            _put_identity(views, old, former)
    follower["identity"] = identity_id
    views.put(FOLLOWERS, follower_id, follower)
    identity = _identity(views, identity_id)
    identity["follower_id"] = follower_id
    _put_identity(views, identity_id, identity)
    _link(views, identity)


# -- followers ------------------------------------------------------------------
def _on_followed(e: Follower.Followed, views: ViewWriter) -> None:
    follower_id = str(e.originator_id)
    follower = _follower(views, follower_id)
    follower.update(following=True, followed_at=plain(e.at), followed_version=e.originator_version)
    if follower["first_followed_at"] is None:
        follower["first_followed_at"] = plain(e.at)
    _count(views, beijing_day(e.at), gained=1)
    views.put(FOLLOWERS, follower_id, follower)
    _file(views, follower_id, follower, e.unionid_key)


def _on_unfollowed(e: Follower.Unfollowed, views: ViewWriter) -> None:
    follower_id = str(e.originator_id)
    follower = views.get(FOLLOWERS, follower_id)
    if follower is None or not follower["following"]:
        return
    follower["following"] = False
    _count(views, beijing_day(e.at), lost=1)
    followed = beijing_date(datetime.fromisoformat(follower["followed_at"]))
    if rules.leaves_early(followed, beijing_date(e.at)):
        _count(views, followed.isoformat(), left_early=1)
    views.put(FOLLOWERS, follower_id, follower)


def _on_identified(e: Follower.Identified, views: ViewWriter) -> None:
    follower_id = str(e.originator_id)
    _file(views, follower_id, _follower(views, follower_id), e.unionid_key)


def _on_forgotten(e: Follower.Forgotten, views: ViewWriter) -> None:
    follower_id = str(e.originator_id)
    follower = views.get(FOLLOWERS, follower_id)
    if follower is None:
        return
    if follower["identity"] is not None:
        identity = _identity(views, follower["identity"])
        if identity["follower_id"] == follower_id:
            identity["follower_id"] = None
            _put_identity(views, follower["identity"], identity)
    member_id = follower["member_id"]
    member = None if member_id is None else views.get(MEMBERS, member_id)
    if member is not None and member["follower_id"] == follower_id:
        member["follower_id"] = None
        views.put(MEMBERS, member_id, member)
    views.delete(FOLLOWERS, follower_id)


# -- members and their identities -----------------------------------------------
def _on_identity(e: WeChatIdentity.Recorded | WeChatIdentity.Moved, views: ViewWriter) -> None:
    identity_id, member_id = str(e.originator_id), str(e.member_id)
    identity = _identity(views, identity_id)
    identity["member_id"] = member_id
    _put_identity(views, identity_id, identity)
    member = _member(views, member_id)
    if identity_id not in member["identities"]:
        member["identities"].append(identity_id)
    views.put(MEMBERS, member_id, member)
    _link(views, identity)


def _on_closed(e: Member.Closed, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    member = views.get(MEMBERS, member_id)
    if member is None:
        return
    for identity_id in member["identities"]:
        identity = _identity(views, identity_id)
        if identity["member_id"] == member_id:
            identity["member_id"] = None
            _put_identity(views, identity_id, identity)
    for order_id in member.get("pending", []):
        views.delete(ORDERS, order_id)
    follower = (
        None if member["follower_id"] is None else views.get(FOLLOWERS, member["follower_id"])
    )
    if follower is not None and follower["member_id"] == member_id:
        follower["member_id"] = None
        views.put(FOLLOWERS, member["follower_id"], follower)
    views.delete(MEMBERS, member_id)


# -- orders ---------------------------------------------------------------------
def _on_placed(e: Order.Placed, views: ViewWriter) -> None:
    """Remembers the order's member, and the order on the member's document (so
    closing the account removes it); an order of nobody the figures know (no
    identity was recorded for its member) cannot count."""
    member_id, order_id = str(e.member_id), str(e.originator_id)
    member = views.get(MEMBERS, member_id)
    if member is None:
        return
    member["pending"] = [*member.get("pending", []), order_id]
    views.put(MEMBERS, member_id, member)
    views.put(ORDERS, order_id, {"member_id": member_id})


def _settled(views: ViewWriter, e: Any) -> tuple[str, Doc] | None:
    """The order's member and their document, the order forgotten by both."""
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    if order is None:
        return None
    views.delete(ORDERS, order_id)
    member = views.get(MEMBERS, order["member_id"])
    if member is None:  # the account closed: nobody left to count
        return None
    member["pending"] = [o for o in member.get("pending", []) if o != order_id]
    views.put(MEMBERS, order["member_id"], member)
    return order["member_id"], member


def _on_paid(e: Order.Paid, views: ViewWriter) -> None:
    settled = _settled(views, e)
    if settled is None:
        return
    member_id, member = settled
    member["payments"].append(plain(e.at))
    views.put(MEMBERS, member_id, member)
    follower_id = member["follower_id"]
    follower = None if follower_id is None else views.get(FOLLOWERS, follower_id)
    if follower is None or follower["member_id"] != member_id:
        return
    followed = datetime.fromisoformat(follower["first_followed_at"])
    if follower["first_paid_at"] is None and e.at >= followed:
        follower["first_paid_at"] = plain(e.at)
        _count(views, beijing_day(followed), linked_payers=1)
    _repurchase(views, follower, beijing_day(followed), [e.at])
    views.put(FOLLOWERS, follower_id, follower)


def _on_order_closed(e: Order.Cancelled | Order.PaidAfterClose, views: ViewWriter) -> None:
    _settled(views, e)


HANDLERS: dict[type, Handler] = {
    Follower.Followed: _on_followed,
    Follower.Unfollowed: _on_unfollowed,
    Follower.Identified: _on_identified,
    Follower.Forgotten: _on_forgotten,
    WeChatIdentity.Recorded: _on_identity,
    WeChatIdentity.Moved: _on_identity,
    Member.Closed: _on_closed,
    Order.Placed: _on_placed,
    Order.Paid: _on_paid,
    Order.Cancelled: _on_order_closed,
    Order.PaidAfterClose: _on_order_closed,
}


class OaMetricsProjection:
    name = "oa_metrics"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern these figures."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
