def register(router) -> None:
    """Register the places API viewsets on the /api/v1/ router (filled in by the API work)."""
