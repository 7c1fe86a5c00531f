import rules

from accounts.rules import has_any_role

rules.add_perm("actions.view_action_list", has_any_role)
rules.add_perm("actions.view_charter", has_any_role)
