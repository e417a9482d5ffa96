from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from vschool.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("admin/", admin.site.urls),
    path("accounts/", include("vschool.accounts.urls")),
    path("audit/", include("vschool.audit.urls")),
    path("calendar/", include("vschool.calendar.urls")),
    path("alerts/", include("vschool.alerts.urls")),
    path("children/", include("roll.urls")),
    path("peps/", include("peps.urls")),
    path("attendance/", include("attendance.urls")),
    path("funding/", include("funding.urls")),
    path("admissions/", include("admissions.urls")),
    path("", include("vschool.dashboard.urls")),
]

handler404 = "vschool.core.views.page_not_found"
handler403 = "vschool.core.views.permission_denied"
handler500 = "vschool.core.views.server_error"
