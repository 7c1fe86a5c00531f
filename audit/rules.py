import rules

from accounts.rules import is_administrator

rules.add_perm("audit.view_auditentry", is_administrator)
