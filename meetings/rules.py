import rules

from accounts.rules import is_administrator, is_facilitator, is_leader

rules.add_perm("meetings.view_meeting_list", is_administrator | is_leader | is_facilitator)
rules.add_perm("meetings.add_meeting", is_leader)
