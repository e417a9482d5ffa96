import pytest
from django.core.management import CommandError, call_command

from vschool.accounts.models import User
from vschool.accounts.roles import Role


def test_create_vsh_reads_password_from_environment(db, monkeypatch):
    monkeypatch.setenv("VSCHOOL_VSH_PASSWORD", "first-headteacher-passphrase")
    call_command("create_vsh", "--email", "Head@Council.example.org", "--first-name", "Alex", "--last-name", "Lane")
    user = User.objects.get(email="head@council.example.org")
    assert user.roles == {Role.HEADTEACHER}
    assert user.check_password("first-headteacher-passphrase")
    assert user.get_full_name() == "Alex Lane"


def test_create_vsh_refuses_weak_password_and_duplicates(db, monkeypatch):
    monkeypatch.setenv("VSCHOOL_VSH_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("create_vsh", "--email", "h@example.org", "--first-name", "A", "--last-name", "B")
    assert not User.objects.exists()
    monkeypatch.setenv("VSCHOOL_VSH_PASSWORD", "first-headteacher-passphrase")
    call_command("create_vsh", "--email", "h@example.org", "--first-name", "A", "--last-name", "B")
    with pytest.raises(CommandError):
        call_command("create_vsh", "--email", "h@example.org", "--first-name", "A", "--last-name", "B")
