"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

A code has 18 characters: registering authority and entity type (2), the
6-digit administrative division, the 9-character organisation code (GB 11714,
whose 9th character is its own check character) and a final check character.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The 18th character of a code whose first 17 characters are given."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = sum(VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_char_value(ch: str) -> int:
    """GB 11714 character value: digits 0-9, letters A-Z 10-35."""
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    raise ValueError(f"invalid organisation-code character {ch!r}")


def org_code_check_char(first8: str) -> str:
    """The 9th (check) character of an organisation code (GB 11714)."""
    if len(first8) != 8:
        raise ValueError(f"need 8 characters, got {len(first8)}")
    total = sum(org_char_value(ch) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_uscc(code: object) -> bool:
    """True if ``code`` is an 18-character code with both check characters right."""
    if not isinstance(code, str) or len(code) != 18 or any(ch not in VALUE for ch in code):
        return False
    return (code[16] == org_code_check_char(code[8:16])
            and code[17] == uscc_check_char(code[:17]))


def make_uscc(prefix2: str, division: str, org_body8: str) -> str:
    """Build a valid code from its type prefix, division code and organisation-code body."""
    if len(prefix2) != 2 or len(division) != 6 or len(org_body8) != 8:
        raise ValueError("need a 2-character prefix, a 6-digit division and an 8-character body")
    bad = [ch for ch in prefix2 + division + org_body8 if ch not in VALUE]
    if bad:
        raise ValueError(f"characters outside the code alphabet: {''.join(bad)}")
    first17 = prefix2 + division + org_body8 + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)
