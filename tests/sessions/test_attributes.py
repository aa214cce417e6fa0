"""The info string of a fence: attribute lists, plain forms, errors."""

from __future__ import annotations

import pytest

from hvmdoc.sessions.attributes import InfoStringError, parse_info


def test_attribute_list_gives_language_classes_and_attributes() -> None:
    info = parse_info(' { .console .hvmdoc data-setup="vmadm start test; echo x" data-elide=off }')
    assert info.braced
    assert info.language == "console"
    assert info.classes == ("hvmdoc",)
    assert info.attributes == {"data-setup": "vmadm start test; echo x", "data-elide": "off"}


def test_single_quotes_and_ids_are_read() -> None:
    info = parse_info("{.console #first .hvmdoc-static data-reason='not a host'}")
    assert info.classes == ("hvmdoc-static",)
    assert info.attributes == {"data-reason": "not a host"}


def test_plain_form_keeps_the_extra_words() -> None:
    info = parse_info('console scenario="x"')
    assert not info.braced
    assert info.language == "console"
    assert info.extra == 'scenario="x"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{ .console .hvmdoc", "does not end"),
        ("{ .console data-x }", "has no value"),
        ('{ .console a="1" a="2" }', "given twice"),
        ('{ .console data-x="unterminated }', "cannot read"),
        ("console { .hvmdoc }", "inside the braces"),
    ],
)
def test_malformed_lists_say_why(text: str, message: str) -> None:
    with pytest.raises(InfoStringError, match=message):
        parse_info(text)
