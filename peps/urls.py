from django.urls import path

from . import views

app_name = "peps"

urlpatterns = [
    path("mine/", views.my_peps, name="my_peps"),
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/create/", views.create_term_peps, name="create_term_peps"),
    path("colleagues/", views.delegations, name="delegations"),
    path("colleagues/<int:delegation_pk>/end/", views.delegation_revoke, name="delegation_revoke"),
    path("child/<int:child_pk>/", views.child_peps, name="child_peps"),
    path("child/<int:child_pk>/first/", views.create_first_pep, name="create_first_pep"),
    path("<int:pk>/", views.pep_detail, name="pep_detail"),
    path("<int:pk>/pdf/", views.pep_pdf, name="pep_pdf"),
    path("<int:pk>/meeting/", views.meeting_set, name="meeting_set"),
    path("<int:pk>/sections/<slug:kind>/", views.section_edit, name="section_edit"),
    path("<int:pk>/sections/<slug:kind>/draft/", views.section_draft, name="section_draft"),
    path("<int:pk>/sections/<slug:kind>/reopen/", views.section_reopen, name="section_reopen"),
    path("<int:pk>/targets/add/", views.target_edit, name="target_add"),
    path("<int:pk>/targets/<int:target_pk>/", views.target_edit, name="target_edit"),
    path("<int:pk>/targets/<int:target_pk>/delete/", views.target_delete, name="target_delete"),
    path("<int:pk>/submit/", views.pep_submit, name="pep_submit"),
    path("<int:pk>/qa/", views.pep_qa, name="pep_qa"),
    path("<int:pk>/qa/answers/", views.qa_respond, name="qa_respond"),
    path("<int:pk>/reopen/", views.pep_reopen, name="pep_reopen"),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
]
