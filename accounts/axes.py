"""django-axes: the username it records for a sign-in attempt.

Axes stores it in a 255-character column; a hostile form post can send far
more, which PostgreSQL refuses (a 500 on the login page). Usernames are at
most 150 characters, so the attempt is recorded under that prefix."""

MAX_USERNAME = 150


def username_from_request(request, credentials) -> str:
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username)[:MAX_USERNAME]
