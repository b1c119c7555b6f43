"""The engine: pragmas on every connection, two tills writing at once, all-or-nothing writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from desktop.errors import describe_error
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.models import Consent, Counter, Customer, Purchase
from desktop.store.shopfile import ShopDatabase, open_shop

# synchronous 2 is FULL: a committed voucher redemption survives a power cut.
EXPECTED_PRAGMAS = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,
    "busy_timeout": 5000,
}


def _pragmas(session: Session) -> dict[str, object]:
    connection = session.connection()
    pragma = connection.exec_driver_sql
    return {name: pragma(f"PRAGMA {name}").scalar() for name in EXPECTED_PRAGMAS}


def test_every_pooled_connection_has_the_pragmas(shop: ShopDatabase) -> None:
    # Hold several sessions at once so each one gets its own connection from the pool.
    with ExitStack() as stack:
        sessions = [stack.enter_context(shop.read()) for _ in range(4)]
        sessions.append(stack.enter_context(shop.write()))
        seen = {id(s.connection().connection.dbapi_connection) for s in sessions}
        assert len(seen) == 5
        for session in sessions:
            assert _pragmas(session) == EXPECTED_PRAGMAS


def test_a_read_only_shop_keeps_the_pragmas_and_refuses_writes(tmp_path: Path) -> None:
    open_shop(tmp_path / "shop.aftercare").close()
    shop = open_shop(tmp_path / "shop.aftercare", read_only=True)
    try:
        with shop.read() as session:
            assert _pragmas(session) == EXPECTED_PRAGMAS
        with pytest.raises(OperationalError) as caught, shop.write() as session:
            create_customer(session, CustomerDetails(name="Zoë"))
        assert describe_error(caught.value) == (
            "The shop file is open for reading only, so nothing can be changed."
        )
    finally:
        shop.close()


def _visits(shop: ShopDatabase) -> int:
    with shop.read() as session:
        counter = session.get(Counter, "visits")
        assert counter is not None
        return counter.value


def _two_tills_count_a_visit(
    shop: ShopDatabase, begin: Callable[[], Session]
) -> list[BaseException]:
    """Each till reads the counter, gives the other a moment to read too, then adds one."""
    with shop.write() as session:
        session.add(Counter(name="visits", value=0))
    has_read = [threading.Event(), threading.Event()]
    failures: list[BaseException] = []

    def till(me: int) -> None:
        try:
            with begin() as session, session.begin():
                counter = session.get(Counter, "visits")
                assert counter is not None
                has_read[me].set()
                has_read[1 - me].wait(timeout=0.5)
                counter.value += 1
        except BaseException as error:
            failures.append(error)

    tills = [threading.Thread(target=till, args=(n,)) for n in (0, 1)]
    for thread in tills:
        thread.start()
    for thread in tills:
        thread.join(timeout=30)
    return failures


def test_two_tills_reading_then_writing_both_succeed(shop: ShopDatabase) -> None:
    assert _two_tills_count_a_visit(shop, shop.writer) == []
    assert _visits(shop) == 2


def test_why_writes_begin_immediate_a_deferred_read_then_write_fails(shop: ShopDatabase) -> None:
    # The reader's sessions begin deferred (a search never waits on a till). Used to write,
    # the same read-then-write loses the race with "database is locked": writes must not.
    failures = _two_tills_count_a_visit(shop, shop.reader)
    assert len(failures) == 1
    assert "database is locked" in str(failures[0])
    assert _visits(shop) == 1


def test_a_write_that_fails_half_way_leaves_nothing_behind(shop: ShopDatabase) -> None:
    with pytest.raises(InvalidInput), shop.write() as session:
        customer = create_customer(session, CustomerDetails(name="Ελένη Παπαδοπούλου"))
        record_purchase(session, PurchaseInput([LineInput("Vase", 1, 2500)], customer.id))
        record_purchase(session, PurchaseInput([LineInput("", 0, -5)], customer.id))
    with pytest.raises(IntegrityError), shop.write() as session:
        create_customer(session, CustomerDetails(name="Дмитрий"))
        # The database itself refuses a link to a customer that doesn't exist (foreign_keys).
        session.add(
            Consent(
                customer_id=4040,
                channel="email",
                granted=True,
                basis="consent",
                source="counter",
                recorded_at=datetime.now(UTC),
            )
        )
    with shop.read() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model))
            for model in (Customer, Purchase, Consent)
        ]
    assert counts == [0, 0, 0]
