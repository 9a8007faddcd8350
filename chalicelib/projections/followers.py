"""Followers of the official account (公众号), found by their follower id (a hash
of the OA openid: `follower_id_for`) or, once known, their unionid key (a keyed
pseudonym of the unionid a member shares with the mini-program). The sender
asks the official-account use cases, which read `FollowersByUnionKey`, whether
a member follows (and at which OA openid, opened from `sealed_openid`) before
choosing the template-message channel.

Documents hold the openid sealed, as the events recorded it, and no unionid
but its key; a projection cannot open them. Every Follower event carries the
sealed openid, and identity events the unionid key, so the documents follow
from the events alone. Forgotten (注销) removes them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..application.ports import FiledFollower
from ..domain.follower import MAX_SOURCES, Follower, follower_id_for
from .base import Doc, Handler, ViewReader, ViewWriter, plain

BY_ID = "by_id"
BY_UNIONID = "by_unionid"  # keyed by the unionid key


def _save(views: ViewWriter, doc: Doc) -> None:
    views.put(BY_ID, doc["follower_id"], doc)
    if doc["unionid_key"]:
        views.put(BY_UNIONID, doc["unionid_key"], doc)


def _doc(views: ViewWriter, e: Any) -> Doc:
    follower_id = str(e.originator_id)
    found = views.get(BY_ID, follower_id)
    if found is not None:
        found["sealed_openid"] = e.sealed_openid
        return found
    return {
        "follower_id": follower_id,
        "sealed_openid": e.sealed_openid,
        "unionid_key": None,
        "following": False,
        "followed_at": None,
        "sources": [],
    }


def _seen(e: Follower.Seen | Follower.SeenAgain, views: ViewWriter) -> None:
    _save(views, _doc(views, e))


def _followed(e: Follower.Followed, views: ViewWriter) -> None:
    doc = _doc(views, e)
    doc.update(
        following=True, followed_at=plain(e.at), unionid_key=e.unionid_key or doc["unionid_key"]
    )
    _save(views, doc)


def _unfollowed(e: Follower.Unfollowed, views: ViewWriter) -> None:
    doc = _doc(views, e)
    doc["following"] = False
    _save(views, doc)


def _identified(e: Follower.Identified, views: ViewWriter) -> None:
    doc = _doc(views, e)
    if doc["unionid_key"] and doc["unionid_key"] != e.unionid_key:
        views.delete(BY_UNIONID, doc["unionid_key"])
    doc.update(unionid_key=e.unionid_key, following=e.following)
    _save(views, doc)


def _entry(e: Follower.EntryRecorded, views: ViewWriter) -> None:
    doc = _doc(views, e)
    source = {"kind": e.kind, "key": e.key, "at": plain(e.at)}
    doc["sources"] = [*doc["sources"], source][-MAX_SOURCES:]
    _save(views, doc)


def _forgotten(e: Follower.Forgotten, views: ViewWriter) -> None:
    """注销: the follower's documents go; a later push from them starts afresh."""
    follower_id = str(e.originator_id)
    doc = views.get(BY_ID, follower_id)
    known = doc["unionid_key"] if doc else None
    for key in (e.unionid_key, known):
        if key:
            views.delete(BY_UNIONID, key)
    views.delete(BY_ID, follower_id)


HANDLERS: dict[type, Handler] = {
    Follower.Seen: _seen,
    Follower.SeenAgain: _seen,
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


def follower_for_unionid_key(views: ViewReader, unionid_key: str) -> Doc | None:
    """{"follower_id", "sealed_openid", "unionid_key", "following", "followed_at",
    "sources"}, or None when no follower is filed under that unionid key."""
    if not unionid_key:
        return None
    return views.get(FollowersProjection.name, BY_UNIONID, unionid_key)


def follower_for_openid(views: ViewReader, oa_openid: str) -> Doc | None:
    return views.get(FollowersProjection.name, BY_ID, str(follower_id_for(oa_openid)))


class FollowersByUnionKey:
    """The application's FollowerLookup port over this read model."""

    def __init__(self, views: ViewReader) -> None:
        self.views = views

    def follower_filed_under(self, unionid_key: str) -> FiledFollower | None:
        doc = follower_for_unionid_key(self.views, unionid_key)
        if doc is None:
            return None
        if "follower_id" not in doc:  # filed by version 1, before a rebuild: in clear
            openid = str(doc["oa_openid"])
            return FiledFollower(follower_id_for(openid), openid, bool(doc["following"]))
        return FiledFollower(
            follower_id=UUID(doc["follower_id"]),
            sealed_openid=str(doc["sealed_openid"]),
            following=bool(doc["following"]),
        )
