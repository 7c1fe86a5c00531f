import rules

from accounts.rules import has_any_role, is_administrator, is_leader

rules.add_perm("customers.view_organisation", has_any_role)
rules.add_perm("customers.add_organisation", is_administrator | is_leader)
rules.add_perm("customers.change_organisation", is_administrator | is_leader)
