"""Move rows filed under 2017 NAICS codes that the 2022 edition dropped (333314 and 333316 are
now 333310) to their 2022 successor, then delete the old codes.

A code that 2022 split goes to the deepest code all its successors share.
"""

import csv
import os
from collections import defaultdict

from django.db import migrations
from django.utils.text import slugify

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")


def _csv(name):
    with open(os.path.join(DATA, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _successor(codes):
    if len(codes) == 1:
        return codes[0]
    common = os.path.commonprefix(codes)
    return common if len(common) >= 2 else None


def forwards(apps, schema_editor):
    Industry = apps.get_model("hubs", "Industry")
    Hub = apps.get_model("hubs", "Hub")
    Business = apps.get_model("hubs", "Business")
    Interest = apps.get_model("hubs", "Interest")
    successors = defaultdict(list)
    for row in _csv("naics_2017_to_2022.csv"):
        successors[row["code_2017"]].append(row["code_2022"])
    old = list(Industry.objects.filter(code__in=successors))
    if not old:
        return
    titles = {row["code"]: row["title"] for row in _csv("naics_2022_codes.csv")}
    for industry in old:
        code = _successor(successors[industry.code])
        if code is None or code not in titles:
            continue
        new = Industry.objects.filter(code=code).first()
        if new is None:
            parent = Industry.objects.filter(code=code[:-1]).first()
            new = Industry.objects.create(
                code=code,
                title=titles[code],
                slug=slugify(f"{code} {titles[code]}")[:120],
                parent=parent,
                synonyms=industry.synonyms,
            )
        elif industry.synonyms:
            new.synonyms = "; ".join(filter(None, [new.synonyms, industry.synonyms]))
            new.save(update_fields=["synonyms"])
        Hub.objects.filter(industry=industry).update(industry=new)
        Business.objects.filter(industry=industry).update(industry=new)
        Interest.objects.filter(
            industry=industry, business__in=Interest.objects.filter(industry=new).values("business")
        ).delete()
        Interest.objects.filter(industry=industry).update(industry=new)
        for hub in Hub.objects.filter(secondary_industries=industry):
            hub.secondary_industries.remove(industry)
            if hub.industry_id != new.pk:
                hub.secondary_industries.add(new)
        for other in industry.complements.exclude(pk=new.pk):
            new.complements.add(other)
        Industry.objects.filter(parent=industry).update(parent=new)
        industry.complements.clear()
        industry.delete()


class Migration(migrations.Migration):
    dependencies = [("hubs", "0007_industry_vocabulary")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
