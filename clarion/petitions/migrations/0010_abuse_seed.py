"""Starting rules for the abuse controls: switches on, one generous per-IP limit, and a
list of throwaway-mailbox providers. Operators tune all of it in admin."""

from django.db import migrations

# Well-known providers of throwaway inboxes, gathered for Clarion. Admin → Disposable
# email domains adds or removes them; a subdomain of a listed domain is covered too.
DISPOSABLE = """
10minutemail.com 10minutemail.net 20minutemail.com burnermail.io discard.email
dispostable.com dropmail.me emailondeck.com fakeinbox.com fakemail.net getnada.com
grr.la guerrillamail.biz guerrillamail.com guerrillamail.de guerrillamail.info
guerrillamail.net guerrillamail.org guerrillamailblock.com harakirimail.com
inboxkitten.com jetable.org mail-temp.com mailcatch.com maildrop.cc mailinator.com
mailinator.net mailnesia.com mailpoof.com mintemail.com moakt.com mohmal.com
mytemp.email nada.email sharklasers.com spam4.me spambox.us spamgourmet.com
temp-mail.io temp-mail.org tempinbox.com tempmail.com tempmailo.com tempr.email
throwawaymail.com trashmail.com trashmail.de trashmail.net yopmail.com yopmail.fr
yopmail.net
""".split()


def seed(apps, schema_editor):
    AbuseSettings = apps.get_model("petitions", "AbuseSettings")
    RateRule = apps.get_model("petitions", "RateRule")
    DisposableDomain = apps.get_model("petitions", "DisposableDomain")
    AbuseSettings.objects.get_or_create(pk=1)
    # Loose enough for a household, an office or a campus signing together (and held
    # signatures are only held, not lost); tight enough to stop one script.
    RateRule.objects.get_or_create(
        name="Per IP address, per petition",
        defaults={
            "scope": "ip_petition",
            "burst_limit": 20,
            "burst_seconds": 60,
            "sustained_limit": 200,
            "sustained_seconds": 86400,
            "note": "Seeded default. Mobile networks put many people behind one address.",
        },
    )
    DisposableDomain.objects.bulk_create(
        [DisposableDomain(domain=domain) for domain in DISPOSABLE], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0009_abuse_controls")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
