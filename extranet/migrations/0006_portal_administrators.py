"""The site-level group of general administrators of the portal, holding review_publication.

Permissions are normally created after migrations (post_migrate), so this migration creates the
content type and the permission itself when they do not exist yet.
"""

from django.db import migrations

GROUP_NAME = "Administration générale du portail"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="extranet", model="publicationrequest"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="review_publication",
        defaults={"name": "Relire et publier les propositions du portail"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(permission)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("extranet", "0005_portal"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
