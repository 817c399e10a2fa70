"""Who may use the workbench: signed-in staff with the right to process cases.

Anonymous visitors are sent to the portal's sign-in page; other accounts get a 403 page that
says why. Which cases a member of staff sees is the cases module's rule
(:func:`govhall.cases.selectors.case_visible_to`, :func:`~govhall.cases.selectors.work_queue`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from govhall.identity.models import User

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

PERMISSION = "cases.process_case"


def is_workbench_staff(user: Any, permission: str = PERMISSION) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(permission)
    )


def staff_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def staff_page(*permissions: str) -> Callable[[View[P]], View[P]]:
    """Sign-in required; a 403 page for accounts with none of ``permissions``."""

    def decorate(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def checked(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not any(is_workbench_staff(request.user, p) for p in permissions):
                return render(request, "workbench/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


def workbench_page(view: View[P]) -> View[P]:
    """Sign-in required; a 403 page for accounts that may not process cases."""
    return staff_page(PERMISSION)(view)
