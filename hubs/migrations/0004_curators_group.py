"""Create the "Curators" group: they moderate and edit the directory's content, but not users,
groups or other settings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_MODELS = [
    "industry",
    "region",
    "place",
    "hub",
    "business",
    "membership",
    "resource",
    "partner",
    "mention",
    "interest",
    "hubredirect",
    "businessredirect",
    "flag",
    "historicalhub",
    "historicalbusiness",
    "historicalmembership",
    "historicalresource",
]


def create_curators(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    # create_permissions() skips app configs without a models module, as migration stubs are.
    app_config = apps.get_app_config("hubs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    curators.permissions.set(
        Permission.objects.filter(
            content_type__app_label="hubs", content_type__model__in=CURATED_MODELS
        )
    )


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0003_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
