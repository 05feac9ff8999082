"""interact.text.printable: control characters shown escaped, everything else as it is."""

from interact.text import printable


def test_control_characters_are_escaped():
    assert printable("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07"
    assert printable("\x00\x08\x0b\x0c\r\x1f\x7f\x80\x9b\x9f") == (
        "\\x00\\x08\\x0b\\x0c\\x0d\\x1f\\x7f\\x80\\x9b\\x9f")


def test_newline_tab_and_other_text_stay():
    text = "Zoë\tÅngström\nИван 北京 \xa0€"
    assert printable(text) is text


def test_escaping_twice_changes_nothing_more():
    once = printable("x\x1by")
    assert printable(once) == once == "x\\x1by"
