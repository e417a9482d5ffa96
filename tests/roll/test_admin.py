from django.urls import reverse

from tests.roll.factories import ChildFactory, EnrolmentFactory


def test_headteacher_admin_lists_children_with_a_flat_query_count(client, vsh, django_assert_max_num_queries):
    vsh.is_staff = vsh.is_superuser = True
    vsh.save()
    EnrolmentFactory.create_batch(30)
    ChildFactory(legal_last_name="Zephyrine")
    client.force_login(vsh)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:roll_child_changelist"))
    assert response.status_code == 200
    assert "Zephyrine" in response.content.decode()
