"""The plugin's tests run pytest in-process (pytester), which puts ``sys.modules`` back afterwards and so
drops the modules a run imported first. A package imported before (``http``, by PyJWT's key client)
keeps its attribute to the dropped submodule, and the next run's ``requests`` then mixes two
``http.cookiejar`` modules ("You can only merge into CookieJar"). Imported here, before any run,
``requests`` and its modules stay one."""

from __future__ import annotations

import requests  # noqa: F401
