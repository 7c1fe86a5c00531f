import rules

from accounts.rules import is_administrator, is_leader

rules.add_perm("outbox.view_outbox", is_leader | is_administrator)
