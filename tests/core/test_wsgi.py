"""The WSGI entry point loads every view and freezes what start-up allocated,
so the garbage collector stops re-scanning it on every full collection."""
import gc


def test_the_application_starts_with_its_start_up_objects_frozen():
    import yuzhong_care.wsgi as wsgi

    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 10_000
