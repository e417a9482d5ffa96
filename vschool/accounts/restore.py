"""Nothing typed is lost when a session ends while someone is filling in a form.

When a form is posted after the session has expired (idle timeout, or the session is gone), the sign-in
middleware keeps the posted fields in the new session, keyed by the page's path, and sends the person to sign in
with `next` set to that page. After signing in (and two-factor), the page is requested again with GET and its view
can take the kept fields back:

    from vschool.accounts.restore import pop_restored_post

    def section_edit(request, pk):
        ...
        if request.method == "POST":
            form = SectionForm(request.POST, instance=section)
            ...
        else:
            restored = pop_restored_post(request)
            form = SectionForm(restored, instance=section) if restored else SectionForm(instance=section)
        return render(request, "...", {"form": form, "restored": restored is not None})

and show "We kept what you typed" when `restored`: `{% if restored %}{% include "accounts/_restored_notice.html" %}{% endif %}`.
Passing the kept data as bound data lets the form show it for checking; nothing is saved until the person submits
again (so the usual version checks still refuse a stale save). The CSRF token and uploaded files are never kept.

The data is kept only when the expired post carried a valid CSRF token (so another site cannot plant text), is
at most MAX_BYTES, and is handed back once, only to the same person when the expired session was theirs.
"""

from django.http import QueryDict

SESSION_KEY = "restore_post"
MAX_BYTES = 200_000
_NEVER_KEPT = {"csrfmiddlewaretoken"}


def stash_post(request, *, user_id: int | None = None) -> bool:
    """Keep request.POST (less the CSRF token and files) in request.session for request.path. Returns True if kept."""
    items = [(key, values) for key, values in request.POST.lists() if key not in _NEVER_KEPT]
    if not items:
        return False
    if sum(len(k) + sum(len(v) for v in values) for k, values in items) > MAX_BYTES:
        return False
    request.session[SESSION_KEY] = {"path": request.path, "user_id": user_id, "data": items}
    return True


def pop_restored_post(request) -> QueryDict | None:
    """The fields kept for this page when the session expired mid-form, as an immutable QueryDict, or None.

    Call it on the GET that follows sign-in. The kept data is removed from the session whatever the outcome, so a
    reload shows the saved record again.
    """
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if kept.get("user_id") is not None and kept["user_id"] != user.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", []):
        data.setlist(key, list(values))
    data._mutable = False
    return data
