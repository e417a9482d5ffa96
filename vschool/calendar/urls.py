from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("settings/", views.settings_home, name="settings"),
    path("settings/rules/", views.authority_edit, name="authority_edit"),
    path("settings/term-dates/<int:year>/", views.term_dates_edit, name="term_dates_edit"),
    path("settings/closures/add/", views.closure_add, name="closure_add"),
    path("settings/closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
]
