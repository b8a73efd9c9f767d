"""A local HTTP/1.1 gateway: real sockets in front of a :class:`~apigw_emulator.Gateway`.

``with LocalGateway(gateway) as server:`` serves the gateway on a free port of 127.0.0.1; the ``serve``
command of the CLI runs the same server with :meth:`LocalGateway.serve_forever`.

The server is a thin driver: socket bytes -> :class:`~apigw_emulator.HttpRequest` ->
:meth:`Gateway.invoke <apigw_emulator.Gateway.invoke>` -> :class:`~apigw_emulator.GatewayResponse` -> socket
bytes. Every AWS behaviour (events, limits, error responses) stays in the library; the server only speaks
HTTP/1.1. Its parts:

- ``_http11``: a hand-written, strict HTTP/1.1 parser and response writer over plain sockets (not
  ``http.server``, whose ``email``-based parsing and the WSGI layer above it lose what the events need:
  header casing, order and duplicates, the raw percent-encoded path). Strict where leniency enables
  request smuggling or header injection: a bare CR or LF in the head, obsolete line folding, whitespace
  before a colon, a malformed or repeated ``Content-Length``, ``Content-Length`` with
  ``Transfer-Encoding``, a bad chunk size: 400 and a closed connection.
- ``_local``: :class:`LocalGateway`, one daemon thread per connection, accepted by a selector loop that a
  socket pair wakes for an immediate stop. ``Gateway.invoke`` blocks (it runs the handler in the
  library's worker thread under its deadline), so a connection thread needs no second hop; every read
  and write has a deadline, so a stalled or hostile client holds only its own thread, for a bounded time.
- ``_warnings``: the per-request capture of the warnings ``Gateway.invoke`` emits, without a lock around
  the handlers (see that module).
"""

from __future__ import annotations

from ._local import LocalGateway

__all__ = ["LocalGateway"]
