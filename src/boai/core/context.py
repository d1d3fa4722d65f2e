"""Who is acting, from where: set once per request (or task, or command) and read by the audit.

Services take the actor explicitly; the request's IP address and channel are ambient facts that
the audit record needs but that no business function should have to pass along.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    channel: str = "system"  # web, api, cli, task, system
    user_agent: str = ""


_current: ContextVar[RequestContext] = ContextVar("boai_request_context", default=RequestContext())  # noqa: B039


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def use(ctx: RequestContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
