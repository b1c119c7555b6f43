"""Campaign email figure: 1,000 emails, each with its own voucher, sent over STARTTLS with a
login to a local SMTP server (aiosmtpd), every outcome committed on its own as the app does."""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from desktop.mail.campaign_sending import send_campaign
from desktop.mail.smtp_settings import save_settings
from desktop.shop.campaign_settings import set_emails_per_minute
from desktop.shop.campaigns import CampaignPlan, create_campaign, queue_emails
from desktop.shop.consent import ConsentChoice
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.vouchers import VoucherTerms
from desktop.store.shopfile import open_shop
from tests.mail_fixtures import make_certificate, starttls_server

# (measurement, figure, target, baseline, passed): `benchmarks.Row`'s fields in order.
BenchRow = tuple[str, str, str, str, bool | None]
EMAILS = 1000
TARGET_SECONDS = 30.0
_NAMES = ("Zoë", "Łukasz Ó'Brien", "Ελένη", "Дмитрий", "李雷", "Amara 🌸", "Siobhán", "Jürgen")


def run_campaigns_bench(emails: int = EMAILS) -> list[BenchRow]:
    """Send `emails` campaign emails (no rate limit) and time it."""
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-campaigns-") as folder:
        shop = open_shop(Path(folder) / "campaign.aftercare", backups=Path(folder) / "backups")
        try:
            for server in starttls_server(make_certificate(Path(folder))):
                with shop.write() as session:
                    save_profile(session, ShopProfile(name="Zoë's Tea", email="hi@zoe.example"))
                    save_settings(session, server.settings)
                    set_emails_per_minute(session, 0)
                    for number in range(emails):
                        create_customer(
                            session,
                            CustomerDetails(
                                name=f"{_NAMES[number % len(_NAMES)]} {number}",
                                email=f"customer{number}@example.org",
                                birth_day=1,
                                birth_month=date.today().month,
                            ),
                            email_consent=ConsentChoice(granted=True),
                        )
                    campaign = create_campaign(
                        session,
                        CampaignPlan(name="Bench", definition={"kind": "birthday_this_month"}),
                    )
                    queue_emails(session, campaign.id, VoucherTerms("welcome_back", percent=10))
                started = time.perf_counter()
                result = send_campaign(
                    shop, campaign.id, server.password, lambda *_: None, context=server.context
                )
                seconds = time.perf_counter() - started
                received = len(server.inbox.received)
        finally:
            shop.close()
    passed = result.sent == emails == received and seconds <= TARGET_SECONDS
    return [
        (
            f"{emails:,} campaign emails to a local SMTP server (STARTTLS)",
            f"{seconds:.1f} s ({emails / seconds:.0f}/s; {received:,} received)",
            f"≤ {TARGET_SECONDS:.0f} s",
            "",
            passed,
        )
    ]


if __name__ == "__main__":
    for row in run_campaigns_bench():
        print(" │ ".join(str(cell) for cell in row))
