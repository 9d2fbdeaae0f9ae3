# Figures of the access walk, printed in the terminal summary (tests/security/conftest.py).
STATS: dict = {}
# The link crawl's size per role (tests/security/test_link_crawl.py), printed at the end of the run.
CRAWL: dict[str, dict] = {}
