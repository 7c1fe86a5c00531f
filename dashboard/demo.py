"""Demo: compute themes and the dashboard's aggregates for whatever feedback the demo has.

Idempotent: recomputing themes from the same texts gives the same themes (fixed random
state, copies of a topic folded into one, ties broken by ids: dashboard/topics.py), and
the aggregates are rebuilt from scratch.
"""

from .aggregates import cube_refresh
from .themes import themes_recompute


def seed(*, stdout) -> None:
    result = themes_recompute()
    state = cube_refresh()
    stdout.write(
        f"  dashboard: {result['themes']} themes over {result['items']} feedback items; "
        f"aggregates of {state.feedback_items} items"
    )
