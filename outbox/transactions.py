"""The transaction around one mail's SMTP exchange: Django's `atomic` on any database,
or one round trip per mail on a worker's PostgreSQL connection in autocommit (moved out
of outbox/delivery.py, #19; the guarantees are described there)."""

import contextlib
import logging

from django.db import connection, transaction

from .claims import (
    _CLAIM,
    _CONTENT,
    _MARK_AND_CLAIM,
    _MARK_SENT,
    _claim_params,
    _claim_row,
    _mark_params,
)
from .models import OutboxMail

logger = logging.getLogger(__name__)


class _Transaction:
    """The transaction around one mail's SMTP exchange, on any database: it marks the
    mail sent and claims the batch's next mail, and is committed as soon as the server
    has answered. Django's `atomic`, so that it nests in a caller's transaction (tests);
    each statement is a round trip of its own."""

    chains = False

    def __init__(self):
        self._atomic = None

    def begin(self, mail: OutboxMail, then_claim: int | None, lease, now) -> tuple[bool, object]:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        sql, params = _mark_params(mail, now)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            marked = bool(cursor.fetchall())
        claimed = None if then_claim is None else _claim_row(then_claim, lease, now)
        return marked, claimed

    def accepted(self) -> None:
        self.commit()

    def commit(self) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(None, None, None)

    def settle(self) -> None:
        """Roll back the open transaction (its mail was not accepted)."""
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(_RolledBack, _RolledBack(), None)


class _RolledBack(Exception):
    pass


class _PostgresTransaction:
    """The same transaction for a worker's PostgreSQL connection in autocommit, in one
    round trip per mail. The mark and the next claim are one statement, sent with its
    BEGIN as one string. When the batch's next mail needs nothing from the database to
    be built (stored content, essential mail), it is built, and its statement too,
    while this mail's transaction is open; on the server's acceptance the one string
    `COMMIT; BEGIN; <next mark and claim>` goes out at once: its COMMIT, the first thing
    the database reads, records this mail, and the next mail's transaction begins in
    the same round trip. Otherwise COMMIT goes alone, straight to the driver. Either
    way nothing else runs between the server's reply and the commit."""

    chains = True
    _fields = [f.attname for f in OutboxMail._meta.concrete_fields]
    _converters = [
        (i, f)
        for i, f in enumerate(OutboxMail._meta.concrete_fields)
        if hasattr(f, "from_db_value")
    ]

    # The statement is prepared once per connection (PostgreSQL plans it once), unless
    # prepared statements are off (DB_PREPARE_THRESHOLD=0, for a transaction pooler).
    _PREPARED = {False: "outbox_mark_and_claim_1", True: "outbox_mark_and_claim_rendered_1"}
    _ORDER = (
        ("mark_id", "bigint"),
        ("now", "timestamptz"),
        ("claim_id", "bigint"),
        ("max_attempts", "integer"),
        ("due_by", "timestamptz"),
        ("any_lease", "boolean"),
        ("lease", "timestamptz"),
        ("subject", "text"),
        ("text_body", "text"),
        ("html_body", "text"),
        ("attachments", "jsonb"),
    )

    def __init__(self):
        from psycopg import ClientCursor

        self._cursor = ClientCursor(connection.connection)
        self._open = False
        self._prebuilt: tuple[int, str] | None = None
        self._begun: tuple[int, tuple[bool, object]] | None = None
        self._prepared = connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
        if self._prepared:
            self._prepare()

    def _prepare(self) -> None:
        from psycopg.errors import DuplicatePreparedStatement

        for rendered, name in self._PREPARED.items():
            sql = _MARK_AND_CLAIM.replace("BEGIN;", "").format(
                mark=_MARK_SENT.format(content=_CONTENT if rendered else ""), claim=_CLAIM
            )
            order = self._ORDER if rendered else self._ORDER[:7]
            for number, (param, _type) in enumerate(order, start=1):
                sql = sql.replace(f"%({param})s", f"${number}")
            types = ", ".join(t for _param, t in order)
            with contextlib.suppress(DuplicatePreparedStatement):  # autocommit: no harm
                self._cursor.execute(f"PREPARE {name} ({types}) AS {sql}")

    @classmethod
    def usable(cls) -> bool:
        return connection.vendor == "postgresql" and connection.get_autocommit()

    def _statement(self, mail, then_claim, lease, now) -> tuple[str, object]:
        sql, params = _mark_params(mail, now)
        params = {**_claim_params(then_claim, lease, now), **params}
        if not self._prepared:
            return _MARK_AND_CLAIM.format(mark=sql, claim=_CLAIM), params
        rendered = bool(mail.renderer)
        order = self._ORDER if rendered else self._ORDER[:7]
        placeholders = ", ".join(["%s"] * len(order))
        return (
            f"BEGIN; EXECUTE {self._PREPARED[rendered]} ({placeholders})",
            [params[param] for param, _type in order],
        )

    def _result(self) -> tuple[bool, object]:
        self._cursor.nextset()  # past the BEGIN: the mark and the claim
        self._open = True
        row = self._cursor.fetchone()
        if row[1] is None:
            return bool(row[0]), None
        values = list(row[1:])
        for index, model_field in self._converters:
            values[index] = model_field.from_db_value(values[index], None, connection)
        return bool(row[0]), OutboxMail.from_db(connection.alias, self._fields, values)

    def prebuild(self, mail: OutboxMail, then_claim: int | None, lease, now) -> None:
        """Build the next mail's statement now, to go with this one's COMMIT."""
        statement, params = self._statement(mail, then_claim, lease, now)
        self._prebuilt = (mail.pk, "COMMIT; " + self._cursor.mogrify(statement, params))

    def begin(self, mail: OutboxMail, then_claim: int | None, lease, now) -> tuple[bool, object]:
        begun, self._begun = self._begun, None
        if begun is not None and begun[0] == mail.pk:
            return begun[1]  # begun with the previous mail's commit
        self.settle()
        self._prebuilt = None
        statement, params = self._statement(mail, then_claim, lease, now)
        self._open = True
        self._cursor.execute(statement, params)
        return self._result()

    def accepted(self) -> None:
        """The server accepted the mail: commit, now."""
        prebuilt, self._prebuilt = self._prebuilt, None
        if prebuilt is None:
            self.commit()
            return
        self._cursor.execute(prebuilt[1])  # COMMIT; BEGIN; the next mark and claim
        if self._cursor.statusmessage != "COMMIT":  # the transaction had failed before
            logger.error("outbox: a sent mail's record was rolled back (mail %s)", prebuilt[0])
        self._cursor.nextset()  # the BEGIN: the next mail's transaction is open
        self._begun = (prebuilt[0], self._result())

    def commit(self) -> None:
        if self._open:
            self._open = False
            self._cursor.execute("COMMIT")

    def settle(self) -> None:
        """Roll back the open transaction: its mail was not accepted (an accepted mail's
        transaction is committed before anything else runs)."""
        self._prebuilt = self._begun = None
        if self._open:
            self._open = False
            self._cursor.execute("ROLLBACK")
