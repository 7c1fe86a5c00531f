"""Signals other apps listen to, so meetings never has to know about them.

Both are sent inside the transaction of the change, so a receiver's writes (queued
mail, for instance) commit or roll back with it.
"""

from django.dispatch import Signal

# Sent by `services.meeting_update` when a meeting's details were saved, with `meeting`
# (as saved), `changed` (the names of the fields whose value changed) and `by` (the user,
# or None). Guests who hold an invitation are told by the invitations app.
meeting_changed = Signal()

# Sent by `services.meeting_transition` when a meeting is cancelled, with `meeting`
# (status cancelled) and `by`. Sent once per meeting: a cancelled meeting cannot be
# cancelled again.
meeting_cancelled = Signal()

# Sent by `services.meeting_update_notices` before a change is saved, with `meeting` (an
# unsaved copy carrying the proposed values). A receiver returns None, or a dict for the
# edit page to show and ask confirmation of: `title`, `guests` (names), `changes` (in
# words) and `send_at` (when they are told). Nothing is written.
meeting_change_preview = Signal()

# Sent by the services that change who counts as present at a meeting (a guest booked or
# removed, attendance marked, an invitation answered — also by the invitations app),
# with `meeting_ids`. Like the others, inside the transaction of the change.
attendance_changed = Signal()
