"""Uploads (LiveView's ``allow_upload`` / ``live_file_input`` / ``consume_uploaded_entries``).

A component declares an upload with :func:`use_upload` and renders :func:`live_file_input`.
When the user picks files, the input's change event carries each file's name, type and
size; the server checks them (count, size, extension and declared type) and makes one
:class:`UploadEntry` per accepted file, with an upload token: 128 random bits, HMAC-signed
with a key of this process, registered for the session that made it. The browser then
sends each file in chunks of at most ``CHUNK_BYTES`` to the mount's upload route,
``POST {mount}/_ember/upload/{token}?offset=N``, in order; each chunk is streamed to the
entry's temporary file (memory stays bounded whatever the file's size), and its first
bytes are checked against the type the name claims (magic numbers, :mod:`._magic`).

Why a per-upload HTTP route and not the live socket: the socket carries one ordered
stream per tab, so a large file would hold every event behind it, and its frames are
small JSON texts that ember validates before anything else runs (a binary chunk format
would be a second protocol there). A chunk is a plain HTTP body: no base64, each chunk
answered (the browser's progress is the server's count), the app's middleware applies,
and a chunk cut by a dropped connection is simply truncated away. The cost: with several
worker processes, chunks must reach the process that holds the session (sticky routing);
another process refuses them (403). See ``docs/uploads.md``.

A token is refused (403) when forged or altered, and answers 410 once its entry is done,
cancelled, consumed or its session has ended, so it cannot be replayed. A session that
ends (the tab closed, the connection dropped for good) removes every temporary file it
did not consume.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar, cast, overload

from reactpy import html, use_effect, use_ref, use_state
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from .._errors import EmberError
from ..server._session import LiveSession
from ._hooks import use_session
from ._magic import content_matches

logger = logging.getLogger("ember.live")

__all__ = [
    "CHUNK_BYTES",
    "Upload",
    "UploadEntry",
    "consume_uploaded_entries",
    "live_file_input",
    "receive_chunk",
    "use_upload",
]

T = TypeVar("T")
CHUNK_BYTES = 512 * 1024
"""The largest chunk the upload route takes (the client sends chunks of this size)."""
MAX_NAME = 255
_KEY = secrets.token_bytes(32)  # entries live in this process: so does the signing key
_ENTRIES: dict[str, UploadEntry] = {}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(eq=False)
class UploadEntry:
    """One file of an upload, as the server knows it.

    ``client_name``, ``client_type`` and ``client_size`` are what the browser said (not
    trusted: render them as text, never use the name as a path); ``safe_name`` is the
    name with path parts and control characters removed.
    """

    ref: str
    client_name: str
    client_type: str
    client_size: int
    external: Mapping[str, Any] | None = None
    received: int = 0
    done: bool = False
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)
    path: str | None = None
    _file: IO[bytes] | None = field(default=None, repr=False)
    _upload: Upload | None = field(default=None, repr=False)
    _head: bytes = field(default=b"", repr=False)
    _busy: bool = field(default=False, repr=False)

    @property
    def progress(self) -> int:
        """Percent received, 0 to 100."""
        if self.done:
            return 100
        return self.received * 100 // self.client_size if self.client_size else 0

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def safe_name(self) -> str:
        """The file's base name without path separators, control or reserved characters."""
        return safe_filename(self.client_name)

    @property
    def token(self) -> str:
        """The capability the browser sends its chunks with."""
        signature = hmac.new(_KEY, self.ref.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{self.ref}.{signature}"

    def _discard(self) -> None:
        _ENTRIES.pop(self.ref, None)
        self._upload = None  # the upload lists this entry: no chunk comes for it now
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self.path = None


class Upload:
    """An upload declared by :func:`use_upload`: its rules and its current entries."""

    def __init__(
        self,
        name: str,
        *,
        accept: Sequence[str],
        max_entries: int,
        max_file_size: int,
        auto_upload: bool,
        external: Callable[[UploadEntry], Mapping[str, Any]] | None,
        changed: Callable[[], None],
    ) -> None:
        self.name = name
        self.accept = [a.lower() for a in accept]
        self.max_entries = max_entries
        self.max_file_size = max_file_size
        self.auto_upload = auto_upload
        self.external = external
        self.entries: list[UploadEntry] = []
        self.errors: list[str] = []
        self._changed = changed
        self._shown: dict[str, int] = {}

    # -- reading ---------------------------------------------------------------------------

    @property
    def done(self) -> list[UploadEntry]:
        """Entries whose every byte has arrived (and passed the content check)."""
        return [e for e in self.entries if e.done and e.valid]

    @property
    def in_progress(self) -> bool:
        return any(e.valid and not e.done for e in self.entries)

    # -- changes ---------------------------------------------------------------------------

    def cancel(self, ref: str) -> None:
        """Drop the entry ``ref``: its transfer stops and its file is removed."""
        for entry in list(self.entries):
            if entry.ref == ref:
                entry.cancelled = True
                entry._discard()
                self.entries.remove(entry)
        self._changed()

    def clear(self) -> None:
        """Drop every entry (and its file)."""
        for entry in self.entries:
            entry._discard()
        self.entries = []
        self.errors = []
        self._changed()

    def select(self, files: Sequence[Mapping[str, Any]]) -> None:
        """The browser's new selection (name, type and size of each file): check it and
        make the entries. A new selection replaces the entries not yet done."""
        for entry in [e for e in self.entries if not e.done]:
            entry._discard()
        kept = [e for e in self.entries if e.done]
        self.errors = []
        if len(kept) + len(files) > self.max_entries:
            self.errors.append(f"Too many files: at most {self.max_entries} may be uploaded.")
            self.entries = kept
            self._changed()
            return
        for described in files:
            entry = UploadEntry(
                ref=secrets.token_urlsafe(16),
                client_name=str(described.get("name", ""))[:1024],
                client_type=str(described.get("type", ""))[:255],
                client_size=_size(described.get("size")),
            )
            entry._upload = self
            entry.errors = self._check(entry)
            if entry.valid:
                _ENTRIES[entry.ref] = entry
                if self.external is not None:
                    entry.external = dict(self.external(entry))
            kept.append(entry)
        self.entries = kept
        self._changed()

    def _check(self, entry: UploadEntry) -> list[str]:
        errors = []
        if entry.client_size > self.max_file_size:
            errors.append(f"Too large: at most {_bytes(self.max_file_size)}.")
        if not self._accepted(entry):
            errors.append(f"Not accepted: expected {', '.join(self.accept)}.")
        return errors

    def _accepted(self, entry: UploadEntry) -> bool:
        if not self.accept or "*" in self.accept:
            return True
        extension = os.path.splitext(entry.safe_name)[1].lower()
        mime = entry.client_type.lower()
        for rule in self.accept:
            if rule.startswith(".") and extension == rule:
                return True
            if rule.endswith("/*") and mime.startswith(rule[:-1]) and extension:
                return True
            if "/" in rule and mime == rule and extension:
                return True
        return False

    def _progressed(self, entry: UploadEntry) -> None:
        # One render per percent (a 200 MB file: 100 renders, not 400 chunks' worth).
        if self._shown.get(entry.ref) != entry.progress or entry.done or entry.errors:
            self._shown[entry.ref] = entry.progress
            self._changed()

    def _discard_all(self) -> None:
        for entry in self.entries:
            entry._discard()


def use_upload(
    name: str,
    *,
    accept: Sequence[str] = (),
    max_entries: int = 1,
    max_file_size: int = 8_000_000,
    auto_upload: bool = True,
    external: Callable[[UploadEntry], Mapping[str, Any]] | None = None,
) -> Upload:
    """Declare an upload (LiveView's ``allow_upload``) and return it.

    Args:
        name: the upload's name (the file input's ``name``).
        accept: extensions (``".png"``) and MIME types (``"image/png"``, ``"image/*"``);
            empty accepts anything. The content is checked too (see ``docs/uploads.md``).
        max_entries: how many files at once.
        max_file_size: bytes per file.
        auto_upload: send files as soon as they are picked (else on the form's submit).
        external: ``entry -> {"url": …, "fields": {…}}``: the browser posts the file
            there (an S3 presigned POST) instead of to ember.
    """
    session = use_session()
    _, set_version = use_state(0)
    holder = use_ref(cast(Upload | None, None))
    if holder.current is None:
        holder.current = Upload(
            name,
            accept=accept,
            max_entries=max_entries,
            max_file_size=max_file_size,
            auto_upload=auto_upload,
            external=external,
            changed=lambda: set_version(lambda v: v + 1),
        )
    upload = holder.current

    def keep_until_closed() -> Callable[[], None]:
        session.add_cleanup(upload._discard_all)  # a dropped connection leaves no file
        return upload._discard_all

    use_effect(keep_until_closed, [])
    return upload


def allow_upload(
    session: LiveSession,
    name: str,
    changed: Callable[[], None],
    *,
    accept: Sequence[str] = (),
    max_entries: int = 1,
    max_file_size: int = 8_000_000,
    auto_upload: bool = True,
    external: Callable[[UploadEntry], Mapping[str, Any]] | None = None,
) -> Upload:
    """An upload owned by a ``LiveView`` (``socket.allow_upload``); its files go with the
    session. ``changed`` re-renders the view."""
    upload = Upload(
        name,
        accept=accept,
        max_entries=max_entries,
        max_file_size=max_file_size,
        auto_upload=auto_upload,
        external=external,
        changed=changed,
    )
    # Also during the first paint: a socket that adopts it keeps this upload.
    session.add_cleanup(upload._discard_all)
    return upload


def live_file_input(upload: Upload, attributes: Mapping[str, Any] | None = None) -> Any:
    """The ``<input type="file">`` of ``upload`` (LiveView's ``live_file_input``)."""

    def picked(event: Mapping[str, Any]) -> None:
        target = event.get("target")
        files = target.get("files") if isinstance(target, Mapping) else None
        upload.select([f for f in files or [] if isinstance(f, Mapping)])

    entries = [
        [e.token, e.client_name, e.client_size, e.external]
        for e in upload.entries
        if e.valid and not e.done and not e.cancelled
    ]
    accept = ",".join(upload.accept)
    props: dict[str, Any] = {
        "type": "file",
        "name": upload.name,
        "multiple": upload.max_entries > 1,
        "data-ember-upload": upload.name,
        "data-ember-entries": json.dumps(entries),
        "onChange": picked,
        **(attributes or {}),
    }
    if accept:
        props["accept"] = accept
    if upload.auto_upload:
        props["data-ember-auto"] = True
    return html.input(props)


@overload
async def consume_uploaded_entries(
    upload: Upload, function: Callable[[str, UploadEntry], Awaitable[T]]
) -> list[T]: ...
@overload
async def consume_uploaded_entries(
    upload: Upload, function: Callable[[str, UploadEntry], T]
) -> list[T]: ...
async def consume_uploaded_entries(
    upload: Upload, function: Callable[[str, UploadEntry], Any]
) -> list[Any]:
    """Call ``function(path, entry)`` for each finished entry, then delete its file.

    ``path`` is the temporary file (move or copy it before returning; it is removed after).
    An external entry's ``path`` is ``""``. Returns what ``function`` returned, in order.
    """
    results: list[Any] = []
    for entry in upload.done:
        outcome = function(entry.path or "", entry)
        if isinstance(outcome, Awaitable):
            outcome = await outcome
        results.append(outcome)
        entry._discard()
        upload.entries.remove(entry)
    upload._changed()
    return results


# -- the upload route ----------------------------------------------------------------------


def _entry_for(token: str) -> UploadEntry | None:
    ref, _, signature = token.partition(".")
    expected = hmac.new(_KEY, ref.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise EmberError("forged")
    return _ENTRIES.get(ref)


async def receive_chunk(request: Request) -> Response:
    """``POST …/_ember/upload/{token}?offset=N``: the next chunk of an entry's file, or
    ``?progress=P`` from the browser for an external upload."""
    token = request.path_params.get("token", "")
    try:
        entry = _entry_for(token)
    except EmberError:
        logger.info("Refused an upload chunk with a forged token")
        return _refuse(403, "This upload token is forged or altered.")
    if entry is None or entry.done or entry.cancelled or not entry.valid:
        return _refuse(410, "This upload is over (done, cancelled or its page closed).")
    upload = entry._upload
    assert upload is not None  # noqa: S101 - select() sets it
    if entry.external is not None:
        return _external_progress(entry, upload, request.query_params.get("progress", ""))
    try:
        offset = int(request.query_params.get("offset", "-1"))
    except ValueError:
        offset = -1
    if offset != entry.received or entry._busy:  # one chunk at a time, in order
        return JSONResponse({"received": entry.received}, status_code=409)
    start = entry.received
    if entry._file is None:
        handle, entry.path = tempfile.mkstemp(prefix="ember-upload-")
        entry._file = os.fdopen(handle, "wb")
    file = entry._file
    entry._busy = True
    try:
        async for piece in request.stream():
            if entry._file is not file:  # cancelled while this chunk arrived
                return _refuse(410, "This upload was cancelled.")
            if entry.received - start + len(piece) > CHUNK_BYTES or (
                entry.received + len(piece) > min(entry.client_size, upload.max_file_size)
            ):
                _rewind(entry, start)
                return _refuse(413, "The chunk runs past the file's declared size.")
            file.write(piece)
            entry.received += len(piece)
            if len(entry._head) < 512:
                entry._head += piece[: 512 - len(entry._head)]
    except ClientDisconnect:
        _rewind(entry, start)  # a chunk cut short leaves nothing behind
        return Response(status_code=499)
    finally:
        entry._busy = False
    file.flush()
    head_complete = len(entry._head) >= 512 or entry.received == entry.client_size
    if head_complete and start < 512 and not content_matches(entry.safe_name, entry._head):
        entry.errors.append("Not accepted: the file's content does not match its type.")
        entry._discard()
        upload._progressed(entry)
        return _refuse(415, entry.errors[-1])
    if entry.received == entry.client_size:
        entry._file.close()
        entry._file = None
        entry.done = True
        _ENTRIES.pop(entry.ref, None)  # its token is spent
    upload._progressed(entry)
    return JSONResponse({"received": entry.received})


def _external_progress(entry: UploadEntry, upload: Upload, progress: str) -> Response:
    try:
        percent = max(0, min(100, int(progress)))
    except ValueError:
        return _refuse(400, "Expected ?progress=0..100 for an external upload.")
    entry.received = entry.client_size * percent // 100
    if percent == 100:
        entry.done = True
        _ENTRIES.pop(entry.ref, None)
    upload._progressed(entry)
    return JSONResponse({"received": entry.received})


def _rewind(entry: UploadEntry, offset: int) -> None:
    entry.received = offset
    entry._head = entry._head[:offset]
    if entry._file is not None:
        entry._file.seek(offset)
        entry._file.truncate(offset)


def _refuse(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def safe_filename(name: str) -> str:
    """``name`` as a harmless base name: no directories, control or reserved characters."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    return base[:MAX_NAME] or "file"


def _size(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _bytes(count: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:g} {unit}" if unit == "bytes" else f"{count:.3g} {unit}"
        count /= 1000  # type: ignore[assignment]
    return str(count)
