from django.urls import path

from . import views

app_name = "roll"

urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("<int:pk>/education/", views.child_education, name="child_education"),
    path("<int:pk>/care/", views.child_care, name="child_care"),
    path("<int:pk>/timeline/", views.child_timeline, name="child_timeline"),
]
