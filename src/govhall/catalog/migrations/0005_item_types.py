"""Data: the item types and their two-digit codes (STANDARDS.md; provinces may edit them)."""

from django.db import migrations

ITEM_TYPES = [
    ("01", "行政许可"),
    ("02", "行政处罚"),
    ("03", "行政强制"),
    ("04", "行政征收"),
    ("05", "行政给付"),
    ("06", "行政检查"),
    ("07", "行政确认"),
    ("08", "行政奖励"),
    ("09", "行政裁决"),
    ("20", "其他行政权力"),
    ("21", "公共服务"),
]


def forward(apps, schema_editor):
    ItemType = apps.get_model("catalog", "ItemType")
    for order, (code, name) in enumerate(ITEM_TYPES, start=1):
        ItemType.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def backward(apps, schema_editor):
    apps.get_model("catalog", "ItemType").objects.filter(
        code__in=[code for code, _name in ITEM_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_search_index")]

    operations = [migrations.RunPython(forward, backward)]
