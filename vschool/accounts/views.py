from django.contrib.auth import views as auth_views

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context


class SignOutView(auth_views.LogoutView):
    pass
