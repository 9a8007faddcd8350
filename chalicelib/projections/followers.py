"""Followers of the official account (公众号), found by their OA openid or, once
known, their unionid — the key a member shares with the mini-program. The
sender asks `follower_for_unionid` whether a member follows (and at which OA
openid) before choosing the template-message channel.

Every Follower event carries the openid, and identity events the unionid, so
the documents follow from the events alone.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from ..domain.follower import MAX_SOURCES, Follower
from .base import Doc, ViewReader, ViewWriter, plain

BY_OPENID = "by_openid"
BY_UNIONID = "by_unionid"


class FollowersProjection:
    name = "followers"

    @singledispatchmethod
    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""

    @staticmethod
    def _save(views: ViewWriter, doc: Doc) -> None:
        views.put(BY_OPENID, doc["oa_openid"], doc)
        if doc["unionid"]:
            views.put(BY_UNIONID, doc["unionid"], doc)

    @staticmethod
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

    @apply.register
    def _seen(self, e: Follower.Seen, views: ViewWriter) -> None:
        self._save(views, self._doc(views, e.openid))

    @apply.register
    def _followed(self, e: Follower.Followed, views: ViewWriter) -> None:
        doc = self._doc(views, e.openid)
        doc.update(following=True, followed_at=plain(e.at), unionid=e.unionid or doc["unionid"])
        self._save(views, doc)

    @apply.register
    def _unfollowed(self, e: Follower.Unfollowed, views: ViewWriter) -> None:
        doc = self._doc(views, e.openid)
        doc["following"] = False
        self._save(views, doc)

    @apply.register
    def _identified(self, e: Follower.Identified, views: ViewWriter) -> None:
        doc = self._doc(views, e.openid)
        if doc["unionid"] and doc["unionid"] != e.unionid:
            views.delete(BY_UNIONID, doc["unionid"])
        doc.update(unionid=e.unionid, following=e.following)
        self._save(views, doc)

    @apply.register
    def _entry(self, e: Follower.EntryRecorded, views: ViewWriter) -> None:
        doc = self._doc(views, e.openid)
        source = {"kind": e.kind, "key": e.key, "at": plain(e.at)}
        doc["sources"] = [*doc["sources"], source][-MAX_SOURCES:]
        self._save(views, doc)


def follower_for_unionid(views: ViewReader, unionid: str) -> Doc | None:
    """{"oa_openid", "unionid", "following", "followed_at", "sources"}, or None
    when no follower of the official account is known by that unionid."""
    if not unionid:
        return None
    return views.get(FollowersProjection.name, BY_UNIONID, unionid)


def follower_for_openid(views: ViewReader, oa_openid: str) -> Doc | None:
    return views.get(FollowersProjection.name, BY_OPENID, oa_openid)
