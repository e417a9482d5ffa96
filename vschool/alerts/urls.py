from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/snooze/", views.snooze, name="snooze"),
    path("<int:pk>/unsnooze/", views.unsnooze, name="unsnooze"),
]
