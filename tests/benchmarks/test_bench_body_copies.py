"""One copy of a big body per representation (issue #22, target 4), counted with ``tracemalloc``.

Not timed: it runs the same under ``--benchmark-disable`` and ``--benchmark-enable``. A 4 MiB binary
body goes through ``Gateway.invoke`` in-process (REST, ``binaryMediaTypes`` ``*/*``) to the echo handler
of ``test_bench_invoke``, which decodes the event's base64 body and answers it base64-encoded. The
representations of the body during that round trip, with N = 4 MiB and B = its base64 text (4/3 N,
5.33 MiB):

- the request's bytes (N), made before the measurement and not counted;
- the event's base64 text (B), the emulator's;
- the handler's decoded bytes (N) and its result's base64 text (B), the handler's own;
- the response's bytes (N), the emulator's.

The handler holds its decoded bytes while it encodes its result, so at the handler's return the event's
text, the decoded bytes and the result's text are alive together: 2B + N = 14.67 MiB. The bound asserted is
that plus 1 MiB for everything else of the call (headers, the event's other fields, the response object):
a second copy of any representation (N or B, 4 MiB or more) alive at the peak, such as the event or the
result serialised to JSON whole, or the body decoded again, breaks it. Measured here: 14.68 MiB.
"""

from __future__ import annotations

import random
import tracemalloc

from .conftest import MIB, SEED
from .test_bench_invoke import make_gateway, make_request

#: Bytes the call may hold beyond the three representations alive at the handler's return.
SLACK = MIB


def test_one_copy_of_a_4mib_body_per_representation_in_gateway_invoke() -> None:
    body = random.Random(SEED).randbytes(4 * MIB)
    gateway = make_gateway("rest")
    request = make_request(gateway, body)
    assert gateway.invoke(request).response.body == body  # the environment started, its caches warm
    base64_size = (len(body) + 2) // 3 * 4
    bound = 2 * base64_size + len(body) + SLACK
    tracemalloc.start()
    try:
        invocation = gateway.invoke(request)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert invocation.response.body == body
    assert peak <= bound, (
        f"a 4 MiB round trip peaked at {peak / MIB:.2f} MiB of Python allocations, over the "
        f"{bound / MIB:.2f} MiB of one copy per representation (2 x {base64_size / MIB:.2f} MiB of base64 "
        f"text, {len(body) / MIB:.0f} MiB of bytes, 1 MiB of slack)"
    )
