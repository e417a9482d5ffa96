from django.urls import path

from . import views

app_name = "roll"

urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("add/", views.child_add, name="child_add"),
    path("import-903/", views.import_903, name="import_903"),
    path("schools/", views.school_list, name="school_list"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("<int:pk>/education/", views.child_education, name="child_education"),
    path("<int:pk>/care/", views.child_care, name="child_care"),
    path("<int:pk>/timeline/", views.child_timeline, name="child_timeline"),
    path("<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("<int:pk>/placements/add/", views.placement_add, name="placement_add"),
    path("<int:pk>/school-move/", views.school_move, name="school_move"),
    path("<int:pk>/allocations/", views.allocation_change, name="allocation_change"),
    path("<int:pk>/off-roll/", views.child_off_roll, name="child_off_roll"),
]
