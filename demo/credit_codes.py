"""统一社会信用代码 (unified social credit codes, GB 32100) for the units ledger, vectorised.

Every code is valid for division 350503 (丰泽区) and unique; its prefix says what the
unit is: 91 company, 92 individual business (个体工商户), 12 public institution (事业单位),
52 private non-enterprise unit (民办非企业单位).
"""

from __future__ import annotations

import numpy as np

from pipeline.core.uscc import ALPHABET, ORG_WEIGHTS, USCC_WEIGHTS, org_char_value

DIVISION = "350503"

_ALPHA_BYTES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
_ORG_VALUE = np.array([org_char_value(ch) for ch in ALPHABET])       # alphabet index -> GB 11714 value
_ORG_CHECK_INDEX = np.array([ALPHABET.index(c) for c in "0123456789X0"])  # check value 0..11 -> index


def _digits(values: np.ndarray, base: int, width: int) -> np.ndarray:
    """Base-``base`` digits of ``values``, most significant first, shape (n, width)."""
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % base


def _bodies(kinds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Organisation-code bodies (8 alphabet indices each), unique within each credit prefix.

    91/92: "MA" + 6 characters (post-2015 registrations); 52: "MJ" + 6; 12: "4" + 7 digits.
    """
    out = np.zeros((kinds.size, 8), dtype=np.int64)
    for prefix, head, base in (("91", "MA", 31), ("92", "MA", 31), ("52", "MJ", 31), ("12", "4", 10)):
        rows = np.flatnonzero(kinds == prefix)
        width = 8 - len(head)
        values = rng.choice(base ** width, size=rows.size, replace=False)
        out[rows, : len(head)] = [ALPHABET.index(c) for c in head]
        out[rows, len(head):] = _digits(values, base, width)
    return out


def credit_codes(kinds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid codes for division 350503 with the prefixes in ``kinds``; '' where ``kinds`` is ''."""
    n = kinds.size
    chars = np.zeros((n, 18), dtype=np.int64)
    for prefix in ("91", "92", "12", "52"):
        chars[kinds == prefix, :2] = [ALPHABET.index(c) for c in prefix]
    chars[:, 2:8] = [ALPHABET.index(c) for c in DIVISION]
    chars[:, 8:16] = _bodies(kinds, rng)
    org_check = 11 - (_ORG_VALUE[chars[:, 8:16]] @ np.array(ORG_WEIGHTS)) % 11
    chars[:, 16] = _ORG_CHECK_INDEX[org_check]
    chars[:, 17] = (31 - (chars[:, :17] @ np.array(USCC_WEIGHTS)) % 31) % 31
    codes = _ALPHA_BYTES[chars].astype(np.uint8).view("S18").ravel().astype("U18").astype(object)
    return np.where(kinds == "", "", codes)
