# Figures of the access walk, printed in the terminal summary (tests/security/conftest.py).
STATS: dict = {}
