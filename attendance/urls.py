from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("import/", views.import_view, name="import"),
    path("child/<int:child_pk>/", views.child_attendance, name="child_attendance"),
    path("child/<int:child_pk>/week/<str:week_start>/", views.week, name="week"),
    path("child/<int:child_pk>/week/<str:week_start>/return/", views.weekly_return, name="weekly_return"),
    path("child/<int:child_pk>/exclusions/new/", views.exclusion_add, name="exclusion_add"),
    path("child/<int:child_pk>/part-time/new/", views.part_time_add, name="part_time_add"),
    path("child/<int:child_pk>/part-time/<int:pk>/review/", views.part_time_review, name="part_time_review"),
    path("child/<int:child_pk>/provision/new/", views.provision_add, name="provision_add"),
]
