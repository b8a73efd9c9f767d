"""Regular expressions for the generated values of events (spec 1.2, 3.1, 8.9, 8.10)."""

from __future__ import annotations

import re

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SHORT_ID = re.compile(r"^[A-Za-z0-9_-]{15}=$")
CLF = re.compile(r"^\d{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")
TRACE = re.compile(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}(;.*)?$")
VIA = re.compile(r"^(1\.1|2\.0) [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$")
CF_ID = re.compile(r"^[A-Za-z0-9_-]{54}==$")
SIX_ALNUM = re.compile(r"^[a-z0-9]{6}$")
