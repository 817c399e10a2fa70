"""My notifications (我的消息): the list, marking one or all read (post, then redirect)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from govhall.core.errors import NotFound
from govhall.identity.models import User
from govhall.notifications.models import Notification
from govhall.notifications.selectors import notifications_for
from govhall.notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _mark_read(request: HttpRequest) -> None:
    user = _user(request)
    if request.POST.get("do") == "read_all":
        count = notifications_mark_all_read(user=user)
        messages.success(
            request,
            ngettext("%(count)d message marked read.", "%(count)d messages marked read.", count)
            % {"count": count},
        )
        return
    try:
        notification_uuid = uuid.UUID(request.POST.get("notification", ""))
        notification_mark_read(user=user, notification_uuid=notification_uuid)
    except (ValueError, NotFound) as error:
        raise Http404(_("No such notification.")) from error


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, 20 a page; unread ones can be marked read one by one or all at once."""
    if request.method == "POST":
        _mark_read(request)
        number = request.POST.get("page", "")
        url = reverse("portal:notifications")
        return HttpResponseRedirect(f"{url}?page={number}" if number.isdigit() else url)
    paginator: Paginator[Notification] = Paginator(notifications_for(_user(request)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/notifications/list.html", {"page": page})
