"""The "Moderators" group gets what the moderators' desk needs: the Wagtail admin,
and the phrase and link lists. (Wagtail's first migrations made the group, with
page moderation rights; a site without it gets it here.)"""

from django.db import migrations

LISTS = ("phrase", "linkdomain")
ACTIONS = ("add", "change", "delete", "view")
# Read-only views of moderation's records, for the group's permission screen.
RECORDS = ("review", "ban", "action", "standing", "report")


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    wanted = [("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")]
    for model in LISTS:
        for action in ACTIONS:
            wanted.append(
                ("moderation", model, f"{action}_{model}", f"Can {action} {model}")
            )
    for model in RECORDS:
        wanted.append(("moderation", model, f"view_{model}", f"Can view {model}"))
    found = []
    for app_label, model, codename, name in wanted:
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model
        )
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        found.append(permission)
    return found


def give_moderators_the_desk(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(*_permissions(apps))


def take_the_desk_away(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Moderators").first()
    if group is not None:
        # access_admin stays: Wagtail gave it to the group in the first place.
        group.permissions.remove(
            *[p for p in _permissions(apps) if p.codename != "access_admin"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_decisions_classifier"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(give_moderators_the_desk, take_the_desk_away),
    ]
