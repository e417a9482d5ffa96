from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class EmailOrUsernameBackend(ModelBackend):
    """Sign in with an email address (or the short username demo accounts use), case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(email__iexact=username) | Q(username__iexact=username)).first()
        if user is None:
            User().set_password(password)  # same cost whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
