"""Data: Guizhou's administrative divisions (GB/T 2260 + statistical 12-digit codes)."""

from django.db import migrations


def forward(apps, schema_editor):
    from govhall.core.regions import read_region_rows

    Region = apps.get_model("core", "Region")
    by_code = {}
    for row in sorted(read_region_rows(), key=lambda r: r.code):
        region, _created = Region.objects.update_or_create(
            code=row.code,
            defaults={
                "name": row.name,
                "level": row.level,
                "prefix": row.prefix,
                "parent": by_code.get(row.parent_code),
                "is_current": True,
            },
        )
        by_code[row.code] = region


def backward(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    for region in Region.objects.filter(code__startswith="52").order_by("-code"):
        region.delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(forward, backward)]
