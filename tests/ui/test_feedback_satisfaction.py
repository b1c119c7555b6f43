"""The Satisfaction tab: average stars and the recommend score from known counts."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.feedback import FeedbackInput, record_feedback
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_page import SATISFACTION, FeedbackPage


def test_the_recommend_score_and_average_come_from_the_counts(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    # 3 promoters (9, 10, 9), 1 passive (7), 2 detractors (3, 6): (3 - 2) / 6 = +17.
    scores = [(5, 9), (4, 10), (None, 9), (4, 7), (2, 3), (None, 6)]
    with shop.write() as session:
        zoe = create_customer(session, CustomerDetails("Zoë Ó'Brien")).id
        for rating, recommend in scores:
            details = FeedbackInput(rating, recommend, "Lovely 🌿", customer_id=zoe)
            record_feedback(session, details)
    page = FeedbackPage(shop, ShopEvents())
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(SATISFACTION)
    view = page.satisfaction

    assert view.figures_shown() == {"average": "3.8 ★", "recommend": "+17", "responses": "6"}
    assert "3 promoters" in view.recommend_note.text()
    assert "2 detractors" in view.recommend_note.text()
    assert view.trend.item(0, 1).text() == "6"
    assert view.comments.count() == 6
    assert "Zoë Ó'Brien" in view.comments.item(0).text()
