import rules

from accounts.rules import is_administrator, is_executive, is_leader

rules.add_perm("dashboard.view_dashboard", is_executive | is_leader | is_administrator)
