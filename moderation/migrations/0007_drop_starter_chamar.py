"""The starter list held "chamar", a caste slur in Hindi and Punjabi written in
Latin letters, and also the Portuguese verb "to call": it held everyday
Portuguese comments. It is dropped where it is still as the starter list made
it; the Devanagari spelling stays, and the word is still a group in the pattern
lists, where it needs an insult or a threat beside it."""

from django.db import migrations

NOTE = "Slur or sneer for a people (more languages)"


STARTER = {"text": "chamar", "action": "hold", "note": NOTE}


def drop(apps, schema_editor):
    apps.get_model("moderation", "Phrase").objects.filter(**STARTER).delete()


def restore(apps, schema_editor):
    Phrase = apps.get_model("moderation", "Phrase")
    if not Phrase.objects.filter(text__iexact="chamar").exists():
        Phrase.objects.create(**STARTER)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_report_address")]

    operations = [migrations.RunPython(drop, restore)]
