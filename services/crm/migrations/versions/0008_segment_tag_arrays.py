"""contacts.tag_ids: the contact's tag ids as an array, kept by the database

Segments combine tags with other conditions ("tag A or B, a customer, not on plan
bronze"). As EXISTS probes of contact_tags such a count joins a million contacts with
their tags; as ``tag_ids && '{A,B}'`` one GIN index answers which contacts carry the
tags, and PostgreSQL combines it with the other conditions' indexes. contact_tags stays
the record (its keys, times and per-tag lists); a statement trigger on it recomputes the
array of every contact a statement touched, so no code path can forget to.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The arrays of the contacts a statement touched, recomputed from contact_tags in three
# statements, each with its own snapshot (READ COMMITTED):
# 1. which arrays differ from the rows this transaction sees (an import writes its new
#    contacts' arrays itself: those are left alone, no row locked, none written again);
# 2. lock those contacts, in id order (two writers wait for each other, never deadlock);
# 3. recompute them. This snapshot is taken after the locks: it sees every tag another
#    writer committed while we waited. Recomputed in the statement that waited, another
#    person's tag on the same contact at the same moment would be lost.
_REFRESH = """
CREATE FUNCTION contacts_refresh_tag_ids_from_{rows}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    stale uuid[];
BEGIN
    SELECT array_agg(c.id ORDER BY c.id) INTO stale
    FROM contacts AS c
    WHERE c.id IN (SELECT contact_id FROM {rows}_rows)
      AND c.tag_ids IS DISTINCT FROM coalesce(
          (SELECT array_agg(t.tag_id ORDER BY t.tag_id)
           FROM contact_tags AS t WHERE t.contact_id = c.id),
          '{{}}');
    IF stale IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM contacts WHERE id = ANY (stale) ORDER BY id FOR NO KEY UPDATE;
    UPDATE contacts AS c
    SET tag_ids = fresh.ids
    FROM (
        SELECT s.id,
               coalesce(
                   (SELECT array_agg(t.tag_id ORDER BY t.tag_id)
                    FROM contact_tags AS t WHERE t.contact_id = s.id),
                   '{{}}'
               ) AS ids
        FROM unnest(stale) AS s (id)
    ) AS fresh
    WHERE c.id = fresh.id AND c.tag_ids IS DISTINCT FROM fresh.ids;
    RETURN NULL;
END
$$
"""

_TRIGGERS = (
    ("insert", "INSERT", "NEW TABLE AS new_rows", "new"),
    ("delete", "DELETE", "OLD TABLE AS old_rows", "old"),
    # A merge moves tags from one contact to another: both sides change.
    ("update_new", "UPDATE", "NEW TABLE AS new_rows", "new"),
    ("update_old", "UPDATE", "OLD TABLE AS old_rows", "old"),
)


def upgrade() -> None:
    op.add_column(
        "contacts",
        sa.Column(
            "tag_ids",
            postgresql.ARRAY(sa.UUID()),
            server_default=sa.text("'{}'::uuid[]"),
            nullable=False,
        ),
    )
    op.execute(
        """
        UPDATE contacts AS c SET tag_ids = s.ids
        FROM (
            SELECT contact_id, array_agg(tag_id ORDER BY tag_id) AS ids
            FROM contact_tags GROUP BY contact_id
        ) AS s
        WHERE s.contact_id = c.id
        """
    )
    op.create_index(
        "ix_contacts_tag_ids", "contacts", ["tag_ids"], unique=False, postgresql_using="gin"
    )
    for rows in ("new", "old"):
        op.execute(_REFRESH.format(rows=rows))
    for name, event, referencing, rows in _TRIGGERS:
        op.execute(
            f"CREATE TRIGGER contact_tags_refresh_{name} AFTER {event} ON contact_tags"
            f" REFERENCING {referencing} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION contacts_refresh_tag_ids_from_{rows}()"
        )


def downgrade() -> None:
    for name, _event, _referencing, _rows in _TRIGGERS:
        op.execute(f"DROP TRIGGER contact_tags_refresh_{name} ON contact_tags")
    for rows in ("new", "old"):
        op.execute(f"DROP FUNCTION contacts_refresh_tag_ids_from_{rows}()")
    op.drop_index("ix_contacts_tag_ids", table_name="contacts", postgresql_using="gin")
    op.drop_column("contacts", "tag_ids")
