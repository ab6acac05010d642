from django.urls import reverse
from tandem.actionplans.models import ActionImport


def test_bare_imports_render(client, cast):
    bare = ActionImport.objects.create(group=cast.group, file_name="plan.csv", content_hash="x" * 64)
    done = ActionImport.objects.create(group=cast.group, file_name="p.csv", content_hash="y" * 64, status="imported")
    for imp in (bare, done):
        row = []
        for user in cast.users().values():
            client.logout()
            if user:
                client.force_login(user)
            row.append(client.get(reverse("actionplans:import-preview", kwargs={"pk": imp.pk})).status_code)
        print(row)
        assert row == [302, 403, 403, 200, 200]
    row = []
    for user in cast.users().values():
        client.logout()
        if user:
            client.force_login(user)
        row.append(client.get(reverse("actionplans:group-actions-csv", kwargs={"slug": cast.private_group.slug})).status_code)
    assert row == [404, 404, 404, 200, 200]
