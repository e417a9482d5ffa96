from django.shortcuts import render


def home(request):
    """Each role's starting page."""
    return render(request, "dashboard/home.html", {})
