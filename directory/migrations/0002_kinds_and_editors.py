from django.db import migrations

KINDS = [
    ("commune", "Commune", "Municipality"),
    ("intercommunalite", "Intercommunalité", "Intermunicipal body"),
    ("office-tourisme", "Office de tourisme", "Tourist office"),
    ("association", "Association", "Association"),
    ("ecole", "École", "School"),
    ("creche", "Crèche", "Nursery"),
    ("etablissement-sante", "Établissement de santé", "Health establishment"),
    ("cabinet", "Cabinet", "Practice"),
    ("entreprise", "Entreprise", "Business"),
    ("espace-numerique", "Espace public numérique", "ICT access place"),
    ("lieu-culturel", "Lieu culturel", "Cultural venue"),
    ("service-public", "Service public", "Public service"),
    ("autre", "Autre", "Other"),
]
EDITORS_GROUP = "Rédaction de l'annuaire"


def seed(apps, schema_editor):
    OrganisationKind = apps.get_model("directory", "OrganisationKind")
    for position, (code, name, name_en) in enumerate(KINDS, start=1):
        OrganisationKind.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )
    # Permissions are normally created after every migration has run: create ours now so the
    # editors' group can hold it (post_migrate then finds it and leaves it).
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="directory", model="person")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="edit_directory",
        defaults={"name": "Rédiger l'annuaire"},
    )
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(permission)


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
