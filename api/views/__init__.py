"""The API's views: the versioned endpoints (reads, the one write, the docs) and the coordinators' pages."""
