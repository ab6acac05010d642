"""The community's models, one module per part of the public side.

neighbourhoods: events, "you said, we did" updates, subscriptions, newsletters.
reports: residents' reports, routing rules, "me too", follow-up feedback.
surveys: perception surveys before and after an intervention.
"""

from .neighbourhoods import *  # noqa: F403
from .reports import *  # noqa: F403
from .surveys import *  # noqa: F403
