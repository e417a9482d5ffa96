"""PEP pages: thin views that parse, call one selector or service, and render."""

import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vschool.accounts.restore import pop_restored_post
from vschool.accounts.roles import Role, has_role, is_vs_staff
from vschool.audit.models import AccessLog
from vschool.audit.services import access_log_record
from vschool.core.pagination import paginate

from . import forms, selectors, services
from .models import PEP, Attachment, Delegation, OwnerRole, Section, Target


def _crumbs(*items):
    return [{"label": label, "url": url} for label, url in items]


def _pep_crumbs(request, pep, *extra):
    home = ("My PEPs", reverse("peps:my_peps")) if not is_vs_staff(request.user) else (
        "PEP tracker", reverse("peps:tracker"))
    return _crumbs(home, (f"{pep.child.display_name}: {pep}", reverse("peps:pep_detail", args=[pep.pk])), *extra)


def _section(pep, kind) -> Section:
    section = pep.sections.filter(kind=kind).first()
    if section is None:
        raise Http404("No such section")
    section.pep = pep
    return section


def _previous_targets(pep):
    prev = services.previous_pep(pep)
    return list(prev.targets.all()) if prev else []


def _prefill(section: Section) -> dict:
    """Starting values from elsewhere in the system for an empty section (attendance, enrolments)."""
    pep, child = section.pep, section.pep.child
    if section.kind == Section.Kind.ATTENDANCE:
        from attendance.selectors import pep_attendance_figures

        return pep_attendance_figures(child)
    if section.kind == Section.Kind.ARRANGEMENTS:
        from roll.models import Enrolment

        enrolments = list(Enrolment.objects.filter(child=child).select_related("school").order_by("-start"))
        current = [e for e in enrolments if e.end is None or e.end >= timezone.localdate()]
        past = [e for e in enrolments if e not in current]
        initial = {}
        if current:
            e = current[0]
            initial["provision"] = ("alternative" if e.kind == Enrolment.Kind.AP else
                                    "part_time" if e.pattern == Enrolment.Pattern.PART_TIME else "full_time")
        if past:
            initial["previous_schools"] = "\n".join(
                f"{e.school.name} ({e.start:%-d %B %Y} to {e.end:%-d %B %Y})" for e in past)
        return initial
    if section.kind == Section.Kind.SEND:
        return {"send_status": child.send_status, "primary_need": child.send_primary_need}
    if section.kind == Section.Kind.MEETING_RECORD and pep.meeting_date:
        return {"held_on": pep.meeting_date.isoformat()}
    return {}


# ---------------------------------------------------------------------------------------------------------------
# Lists


def my_peps(request):
    """A DT's or SW's current PEPs with what is due next; SWs are prompted to set meeting dates."""
    if not has_role(request.user, Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.HEADTEACHER, Role.VS_STAFF):
        raise Http404
    qs = selectors.my_pep_list(user=request.user)
    page, query = paginate(request, qs)
    today = timezone.localdate()
    rows = [(pep, *selectors.next_due(pep, today), selectors.is_overdue(pep, today)) for pep in page]
    is_sw = has_role(request.user, Role.SOCIAL_WORKER)
    needs_date = [pep for pep, *_ in rows if not pep.meeting_date and pep.status in PEP.OPEN_STATUSES]
    return render(request, "peps/my_peps.html", {
        "page": page, "query": query, "rows": rows, "is_sw": is_sw, "needs_date": needs_date,
        "is_dt": has_role(request.user, Role.DESIGNATED_TEACHER),
    })


def tracker(request):
    """The VS PEP tracker: filter by term, status, school, caseworker and overdue; paginated in the database."""
    if not request.user.has_perm("peps.view_tracker"):
        raise Http404
    data = request.GET.copy()
    if "academic_year" not in data and "term" not in data:
        from vschool.calendar.services import current_term

        term = current_term()
        data["academic_year"], data["term"] = str(term.academic_year), term.term
    fs, qs = selectors.tracker_list(user=request.user, filters=data)
    page, query = paginate(request, qs)
    today = timezone.localdate()
    rows = [(pep, *selectors.next_due(pep, today), selectors.is_overdue(pep, today)) for pep in page]
    return render(request, "peps/tracker.html", {
        "filter": fs, "page": page, "query": query, "rows": rows, "data": data,
        "breadcrumbs": _crumbs(("Home", reverse("dashboard:home")), ("PEP tracker", None)),
    })


@require_POST
def create_term_peps(request):
    from vschool.calendar.services import current_term

    if not request.user.has_perm("peps.create_pep"):
        raise Http404
    first = services.pep_create_first_peps(actor=request.user)
    count = services.pep_create_term_peps(current_term(), actor=request.user)
    started = f"; {first} first PEP{'s' if first != 1 else ''} started" if first else ""
    messages.success(request, f"{count} PEP{'s' if count != 1 else ''} created for this term{started}")
    return redirect("peps:tracker")


def child_peps(request, child_pk):
    """The child record's PEPs tab."""
    from roll.selectors import child_get

    child = child_get(user=request.user, pk=child_pk)
    access_log_record(request=request, obj=child, what="Child record: PEPs", child_id=child.pk)
    peps = list(selectors.child_pep_list(user=request.user, child=child))
    return render(request, "peps/child_peps.html", {
        "child": child, "active_tab": "peps", "peps": peps,
        "can_create": request.user.has_perm("peps.create_pep"),
    })


@require_POST
def create_first_pep(request, child_pk):
    from roll.selectors import child_get

    child = child_get(user=request.user, pk=child_pk)
    if not request.user.has_perm("peps.create_pep"):
        raise Http404
    pep = services.pep_create_first(actor=request.user, child=child, entered_care_on=child.on_roll_from)
    messages.success(request, "First PEP started")
    return redirect(pep)


# ---------------------------------------------------------------------------------------------------------------
# One PEP


def pep_detail(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    access_log_record(request=request, obj=pep, what=f"PEP {pep}", child_id=pep.child_id)
    user = request.user
    sections = selectors.pep_sections(pep)
    for s in sections:
        s.pep = pep
        s.can_edit = user.has_perm("peps.edit_section", s)
    targets = list(pep.targets.select_related("previous_target"))
    reviews = list(pep.qa_reviews.select_related("reviewer"))
    latest = reviews[0] if reviews else None
    return render(request, "peps/pep_detail.html", {
        "pep": pep, "child": pep.child, "sections": sections, "targets": targets,
        "reviews": reviews, "latest_review": latest,
        "history": list(pep.status_changes.select_related("actor")),
        "comments": list(pep.comments.select_related("author")),
        "attachments": list(pep.attachments.select_related("uploaded_by")),
        "carried": selectors.carried_feedback(pep),
        "previous_targets": _previous_targets(pep),
        "problems": services.submission_problems(pep) if pep.status in PEP.OPEN_STATUSES else [],
        "perms": {
            "set_meeting": user.has_perm("peps.set_meeting", pep),
            "submit": user.has_perm("peps.submit_pep", pep),
            "qa": user.has_perm("peps.qa_pep", pep),
            "reopen": user.has_perm("peps.reopen_pep", pep),
            "answer_qa": user.has_perm("peps.answer_qa", pep) and pep.status == PEP.Status.RETURNED
            and latest is not None and latest.points,
            "comment": user.has_perm("peps.comment", pep),
            "attach": user.has_perm("peps.attach", pep),
            "targets": user.has_perm("peps.edit_targets", pep),
        },
        "comment_form": forms.CommentForm(),
        "attachment_form": forms.AttachmentForm(),
        "today": timezone.localdate(),
        "breadcrumbs": _pep_crumbs(request, pep)[:-1] + [{"label": str(pep), "url": None}],
    })


def meeting_set(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.set_meeting", pep):
        raise Http404
    form = forms.MeetingDateForm(request.POST or None,
                                 initial={"meeting_date": pep.meeting_date, "version": pep.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.pep_set_meeting(actor=request.user, pep=pep, meeting_date=form.cleaned_data["meeting_date"],
                                     version=form.cleaned_data["version"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting date saved")
            return redirect(pep)
    return render(request, "peps/meeting_form.html", {
        "pep": pep, "form": form, "heading": "Set the meeting date", "button": "Save meeting date", "breadcrumbs": _pep_crumbs(request, pep),
    }, status=400 if form.errors else 200)


def section_edit(request, pk, kind):
    pep = selectors.pep_get(user=request.user, pk=pk)
    section = _section(pep, kind)
    can_edit = request.user.has_perm("peps.edit_section", section)
    if not can_edit:
        if request.method == "POST":
            raise Http404
        return redirect(f"{pep.get_absolute_url()}#section-{section.kind}")
    previous_targets = _previous_targets(pep) if kind == Section.Kind.TARGET_REVIEW else []
    restored = False
    if request.method == "POST":
        complete = "complete" in request.POST
        form = forms.section_form(section, data=request.POST, complete=complete, previous_targets=previous_targets)
        if form.is_valid():
            try:
                save = services.targets_review_save if kind == Section.Kind.TARGET_REVIEW else services.section_save
                extra = {"previous_targets": previous_targets} if kind == Section.Kind.TARGET_REVIEW else {}
                save(actor=request.user, section=section, content=form.content(),
                     version=form.cleaned_data["version"], complete=complete, **extra)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{section.get_kind_display()}: "
                                          f"{'marked as complete' if complete else 'saved as a draft'}")
                return redirect(f"{pep.get_absolute_url()}#section-{section.kind}")
    else:
        data = pop_restored_post(request)
        if data is not None:
            restored = True
            form = forms.section_form(section, data=data, complete=False, previous_targets=previous_targets)
        else:
            initial = section.content or _prefill(section)
            form = forms.section_form(section, initial=initial, previous_targets=previous_targets)
    context = {
        "pep": pep, "section": section, "form": form, "restored": restored,
        "targets": list(pep.targets.all()) if kind == Section.Kind.TARGETS else [],
        "can_edit_targets": request.user.has_perm("peps.edit_targets", pep),
        "is_post16": pep.template == PEP.Template.POST16,
        "breadcrumbs": _pep_crumbs(request, pep),
    }
    return render(request, "peps/section_form.html", context, status=400 if form.errors else 200)


@require_POST
def section_draft(request, pk, kind):
    """Progressive enhancement: the section form posts here as the user types; answers JSON with the new version."""
    pep = selectors.pep_get(user=request.user, pk=pk)
    section = _section(pep, kind)
    if not request.user.has_perm("peps.edit_section", section):
        return JsonResponse({"error": "You cannot change this section"}, status=403)
    previous_targets = _previous_targets(pep) if kind == Section.Kind.TARGET_REVIEW else []
    form = forms.section_form(section, data=request.POST, complete=False, previous_targets=previous_targets)
    if not form.is_valid():
        # Keep what can be kept: a draft never blocks on one bad value.
        for name in list(form.errors):
            if name in form.fields and name != "version":
                form.cleaned_data[name] = request.POST.get(name, "")
        if "version" not in form.cleaned_data:
            return JsonResponse({"error": "Missing version"}, status=400)
    content = {**section.content, **form.content()}
    try:
        saved = services.section_save(actor=request.user, section=section, content=content,
                                      version=form.cleaned_data["version"], complete=False)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0], "stale": getattr(exc, "code", "") == "stale"}, status=409)
    return JsonResponse({"version": saved.version, "saved_at": timezone.localtime().strftime("%-I:%M%p").lower()})


@require_POST
def section_reopen(request, pk, kind):
    pep = selectors.pep_get(user=request.user, pk=pk)
    section = _section(pep, kind)
    if not request.user.has_perm("peps.edit_section", section):
        raise Http404
    services.section_reopen(actor=request.user, section=section)
    return redirect("peps:section_edit", pk=pep.pk, kind=kind)


def target_edit(request, pk, target_pk=None):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.edit_targets", pep):
        raise Http404
    target = get_object_or_404(Target, pk=target_pk, pep=pep) if target_pk else None
    initial = {}
    if target:
        initial = {f: getattr(target, f) for f in ("area", "target", "success_criteria", "actions", "who",
                                                   "by_when", "pp_request_amount", "pp_request_category")}
    form = forms.TargetForm(request.POST or None, initial=initial, pep=pep)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(actor=request.user, pep=pep, data=form.cleaned_data, target=target)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Target saved")
            return redirect("peps:section_edit", pk=pep.pk, kind=Section.Kind.TARGETS)
    return render(request, "peps/target_form.html", {
        "pep": pep, "form": form, "target": target, "button": "Save target",
        "heading": "Change a target" if target else "Add a SMART target", "breadcrumbs": _pep_crumbs(request, pep),
    }, status=400 if form.errors else 200)


@require_POST
def target_delete(request, pk, target_pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    target = get_object_or_404(Target, pk=target_pk, pep=pep)
    if not request.user.has_perm("peps.edit_targets", pep):
        raise Http404
    services.target_delete(actor=request.user, target=target)
    messages.success(request, "Target removed")
    return redirect("peps:section_edit", pk=pep.pk, kind=Section.Kind.TARGETS)


@require_POST
def pep_submit(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.submit_pep", pep):
        raise Http404
    try:
        services.pep_submit(actor=request.user, pep=pep)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
    else:
        messages.success(request, "PEP submitted to the Virtual School")
    return redirect(pep)


def pep_qa(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.qa_pep", pep):
        raise Http404
    form = forms.QAForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checklist = {k: data[k] for k in ("smart_targets", "childs_voice", "pp_linked_to_targets",
                                           "attendance_addressed")}
        try:
            review = services.pep_qa(actor=request.user, pep=pep, rag=data["rag"], feedback=data["feedback"],
                                     points=data["points_list"], checklist=checklist)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "PEP returned to the school" if review.rag == "red" else "PEP approved")
            return redirect(pep)
    return render(request, "peps/qa_form.html", {
        "pep": pep, "form": form, "targets": list(pep.targets.all()), "breadcrumbs": _pep_crumbs(request, pep),
    }, status=400 if form.errors else 200)


def qa_respond(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    review = pep.qa_reviews.first()
    if not request.user.has_perm("peps.answer_qa", pep) or review is None or not review.points:
        raise Http404
    form = forms.QAResponseForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        services.qa_respond(actor=request.user, pep=pep, responses=form.responses())
        messages.success(request, "Your answers have been saved")
        return redirect(pep)
    return render(request, "peps/qa_respond.html", {
        "pep": pep, "form": form, "review": review, "heading": "Answer the review points", "button": "Save answers", "breadcrumbs": _pep_crumbs(request, pep),
    }, status=400 if form.errors else 200)


def pep_reopen(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.reopen_pep", pep):
        raise Http404
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.pep_reopen(actor=request.user, pep=pep, reason=form.cleaned_data["reason"])
        messages.success(request, "PEP reopened")
        return redirect(pep)
    return render(request, "peps/reopen_form.html", {
        "pep": pep, "form": form, "heading": "Reopen this PEP", "button": "Reopen PEP", "warning": True, "breadcrumbs": _pep_crumbs(request, pep),
    }, status=400 if form.errors else 200)


@require_POST
def comment_add(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.comment", pep):
        raise Http404
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, pep=pep, body=form.cleaned_data["body"])
        messages.success(request, "Comment added")
    else:
        messages.error(request, "Enter a comment")
    return redirect(f"{pep.get_absolute_url()}#comments")


@require_POST
def attachment_add(request, pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    if not request.user.has_perm("peps.attach", pep):
        raise Http404
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(actor=request.user, pep=pep, upload=form.cleaned_data["file"],
                                description=form.cleaned_data["description"])
        messages.success(request, "File uploaded")
    else:
        for error in form.errors.get("file", ["Select a file"]):
            messages.error(request, error)
    return redirect(f"{pep.get_absolute_url()}#attachments")


def attachment_download(request, pk, attachment_pk):
    pep = selectors.pep_get(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, pep=pep)
    access_log_record(request=request, obj=attachment, what=f"PEP attachment {attachment.original_name}",
                      child_id=pep.child_id, action=AccessLog.Action.DOWNLOAD)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    return response


def pep_pdf(request, pk):
    """The PEP as an A4 PDF; every download is audited."""
    from .pdf import render_pep_pdf

    pep = selectors.pep_get(user=request.user, pk=pk)
    started = time.monotonic()
    content = render_pep_pdf(pep)
    access_log_record(request=request, obj=pep, what=f"PEP PDF {pep}", child_id=pep.child_id,
                      action=AccessLog.Action.DOWNLOAD)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pep-{pep.pk}-{pep.term}-{pep.academic_year}.pdf"'
    response["Server-Timing"] = f"pdf;dur={(time.monotonic() - started) * 1000:.0f}"
    return response


# ---------------------------------------------------------------------------------------------------------------
# Delegation


def delegations(request):
    if not request.user.has_perm("peps.delegate"):
        raise Http404
    from roll.models import Child

    children = list(Child.objects.visible_to(request.user).order_by("legal_last_name", "legal_first_name")[:500])
    school_kinds = [(k, Section.Kind(k).label) for k, owner in services.SECTION_PLAN
                    if owner == OwnerRole.DESIGNATED_TEACHER]
    form = forms.DelegationForm(request.POST or None, children=children, kinds=school_kinds)
    if request.method == "POST" and form.is_valid():
        from vschool.accounts.models import User

        delegate = User.objects.filter(email__iexact=form.cleaned_data["delegate_email"], is_active=True).first()
        child = next((c for c in children if str(c.pk) == form.cleaned_data["child"]), None)
        if delegate is None:
            form.add_error("delegate_email", "There is no account with that email address")
        elif child is None:
            form.add_error("child", "Choose a child")
        else:
            try:
                services.delegation_create(actor=request.user, delegate=delegate, child=child,
                                           section_kinds=form.cleaned_data["section_kinds"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Colleague can now work on the child's PEP")
                return redirect("peps:delegations")
    return render(request, "peps/delegations.html", {
        "form": form, "delegations": list(selectors.delegations_for(user=request.user)),
        "breadcrumbs": _crumbs(("My PEPs", reverse("peps:my_peps")), ("Colleagues", None)),
    }, status=400 if form.errors else 200)


@require_POST
def delegation_revoke(request, delegation_pk):
    delegation = get_object_or_404(Delegation, pk=delegation_pk, delegator=request.user, revoked_at__isnull=True)
    services.delegation_revoke(actor=request.user, delegation=delegation)
    messages.success(request, "Delegation ended")
    return redirect("peps:delegations")
