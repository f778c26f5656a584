from __future__ import annotations

import ember.live
import ember.live.testing


def test_live_all_is_sorted_and_complete():
    assert ember.live.__all__ == sorted(ember.live.__all__, key=lambda n: (not n.isupper(), n))
    public = {n for n in dir(ember.live) if not n.startswith("_")}
    assert set(ember.live.__all__) <= public
    assert set(ember.live.__all__) == {
        "JS",
        "JSCommands",
        "PROTOCOL_VERSION",
        "AsyncResult",
        "AsyncStatus",
        "CloseCode",
        "ComponentSocket",
        "ConfigurationError",
        "Disconnect",
        "Ember",
        "EmberError",
        "LiveComponent",
        "LiveSession",
        "LiveSessionGroup",
        "LiveSettings",
        "LiveView",
        "Mount",
        "MemoryRecoveryStore",
        "Mountable",
        "Navigation",
        "NavigationError",
        "PageLocation",
        "ProtocolError",
        "RecoveryStore",
        "RedisRecoveryStore",
        "RenderError",
        "SessionState",
        "Socket",
        "Telemetry",
        "TelemetryEvent",
        "Stream",
        "TokenError",
        "Upload",
        "UploadEntry",
        "consume_uploaded_entries",
        "live_component",
        "live_file_input",
        "use_upload",
        "combine_lifespans",
        "configure",
        "default_ember",
        "disconnect",
        "error_boundary",
        "form_data",
        "instrument_engine",
        "instrument_pubsub",
        "lifespan",
        "live_session",
        "load_settings",
        "mount",
        "on_async",
        "on_event",
        "on_info",
        "stream",
        "stream_delete",
        "stream_insert",
        "run_in_thread",
        "send_update",
        "telemetry",
        "use_async",
        "use_flash",
        "use_page_location",
        "use_recoverable_state",
        "use_session",
        "uvicorn_log_config",
        "use_stream",
        "use_subscription",
    }


def test_testing_all():
    assert ember.live.testing.__all__ == ["Element", "LiveClient", "LivePage", "LiveTestError"]
