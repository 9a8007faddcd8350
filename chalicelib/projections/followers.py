"""Followers of the official account (公众号), found by their OA openid or, once
known, their unionid — the key a member shares with the mini-program. The
sender asks `follower_for_unionid` whether a member follows (and at which OA
openid) before choosing the template-message channel.

Every Follower event carries the openid, and identity events the unionid, so
the documents follow from the events alone.
"""

from __future__ import annotations

from typing import Any

from ..domain.follower import MAX_SOURCES, Follower
from .base import Doc, Handler, ViewReader, ViewWriter, plain

BY_OPENID = "by_openid"
BY_UNIONID = "by_unionid"


def _save(views: ViewWriter, doc: Doc) -> None:
    views.put(BY_OPENID, doc["oa_openid"], doc)
    if doc["unionid"]:
        views.put(BY_UNIONID, doc["unionid"], doc)


def _doc(views: ViewWriter, openid: str) -> Doc:
    found = views.get(BY_OPENID, openid)
    if found is not None:
        return found
    return {
        "oa_openid": openid,
        "unionid": None,
        "following": False,
        "followed_at": None,
        "sources": [],
    }


def _seen(e: Follower.Seen, views: ViewWriter) -> None:
    _save(views, _doc(views, e.openid))


def _followed(e: Follower.Followed, views: ViewWriter) -> None:
    doc = _doc(views, e.openid)
    doc.update(following=True, followed_at=plain(e.at), unionid=e.unionid or doc["unionid"])
    _save(views, doc)


def _unfollowed(e: Follower.Unfollowed, views: ViewWriter) -> None:
    doc = _doc(views, e.openid)
    doc["following"] = False
    _save(views, doc)


def _identified(e: Follower.Identified, views: ViewWriter) -> None:
    doc = _doc(views, e.openid)
    if doc["unionid"] and doc["unionid"] != e.unionid:
        views.delete(BY_UNIONID, doc["unionid"])
    doc.update(unionid=e.unionid, following=e.following)
    _save(views, doc)


def _entry(e: Follower.EntryRecorded, views: ViewWriter) -> None:
    doc = _doc(views, e.openid)
    source = {"kind": e.kind, "key": e.key, "at": plain(e.at)}
    doc["sources"] = [*doc["sources"], source][-MAX_SOURCES:]
    _save(views, doc)


def _forgotten(e: Follower.Forgotten, views: ViewWriter) -> None:
    """注销: the follower's documents go; a later push from them starts afresh."""
    doc = views.get(BY_OPENID, e.openid)
    known = doc["unionid"] if doc else None
    for unionid in (e.unionid, known):
        if unionid:
            views.delete(BY_UNIONID, unionid)
    views.delete(BY_OPENID, e.openid)


HANDLERS: dict[type, Handler] = {
    Follower.Seen: _seen,
    Follower.Followed: _followed,
    Follower.Unfollowed: _unfollowed,
    Follower.Identified: _identified,
    Follower.EntryRecorded: _entry,
    Follower.Forgotten: _forgotten,
}


class FollowersProjection:
    name = "followers"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)


def follower_for_unionid(views: ViewReader, unionid: str) -> Doc | None:
    """{"oa_openid", "unionid", "following", "followed_at", "sources"}, or None
    when no follower of the official account is known by that unionid."""
    if not unionid:
        return None
    return views.get(FollowersProjection.name, BY_UNIONID, unionid)


def follower_for_openid(views: ViewReader, oa_openid: str) -> Doc | None:
    return views.get(FollowersProjection.name, BY_OPENID, oa_openid)


class FollowersByUnionId:
    """The application's FollowerLookup port over this read model."""

    def __init__(self, views: ViewReader) -> None:
        self.views = views

    def oa_openid_for_unionid(self, unionid: str) -> str | None:
        doc = follower_for_unionid(self.views, unionid)
        return str(doc["oa_openid"]) if doc else None
