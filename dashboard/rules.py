import rules

from accounts.rules import is_administrator, is_executive, is_leader

# Executives see every region, leaders the regions they lead (see dashboard.selectors.regions_for).
rules.add_perm("dashboard.view_dashboard", is_executive | is_leader | is_administrator)
# Renaming and merging themes, and asking for a recomputation.
rules.add_perm("dashboard.manage_themes", is_executive | is_administrator)
