"""Events, "you said, we did" updates, subscriptions and newsletters."""
