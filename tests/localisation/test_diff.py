"""The word diff translators read (elearn.localisation.diff)."""

from __future__ import annotations

from elearn.localisation.diff import DELETE, EQUAL, INSERT, SKIP, Segment, tokens, word_diff


def ops(segments) -> list[tuple[str, str]]:
    return [(s.op, s.text) for s in segments]


def test_same_texts_have_no_difference_whatever_their_line_breaks():
    assert word_diff("One.\nTwo.\n", "One.\r\nTwo.\r\n") == []


def test_a_changed_word_is_struck_out_and_its_replacement_added():
    assert ops(word_diff("Līdz 2018. gadam", "Līdz 2019. gadam")) == [
        (EQUAL, "Līdz "),
        (DELETE, "2018"),
        (INSERT, "2019"),
        (EQUAL, ". gadam"),
    ]


def test_words_added_inside_a_line_leave_the_rest_of_it_alone():
    assert ops(word_diff("Text.", "Text, now longer.")) == [(EQUAL, "Text"), (INSERT, ", now longer"), (EQUAL, ".")]


def test_neighbouring_changes_read_as_one_removal_and_one_addition():
    assert ops(word_diff("a b c d", "a x y d")) == [(EQUAL, "a "), (DELETE, "b c"), (INSERT, "x y"), (EQUAL, " d")]


def test_whole_lines_added_and_removed():
    assert ops(word_diff("one\ntwo\n", "one\ntwo\nthree\n")) == [(EQUAL, "one\ntwo\n"), (INSERT, "three\n")]
    assert ops(word_diff("one\ntwo\n", "two\n")) == [(DELETE, "one\n"), (EQUAL, "two\n")]
    removed_blank_line = word_diff("a\n\nb\n", "a\nb\n")
    assert ops(removed_blank_line) == [(EQUAL, "a\n"), (DELETE, "\n"), (EQUAL, "b\n")]
    assert removed_blank_line[1].blank  # the page shows a sign for it


def test_long_unchanged_stretches_are_left_out_around_the_changes():
    old = "".join(f"line {n}\n" for n in range(1, 21))
    new = old.replace("line 10\n", "line ten\n")
    segments = word_diff(old, new)
    assert segments[0] == Segment(SKIP, lines=7)
    assert ops(segments[1:4]) == [(EQUAL, "line 8\nline 9\nline "), (DELETE, "10"), (INSERT, "ten")]
    assert segments[4] == Segment(EQUAL, "\nline 11\nline 12\n")
    assert segments[5] == Segment(SKIP, lines=8)
    assert len(segments) == 6
    everything = word_diff(old, new, context=None)
    assert "".join(s.text for s in everything if s.op != INSERT) == old
    assert "".join(s.text for s in everything if s.op != DELETE) == new


def test_without_context_the_segments_rebuild_both_texts():
    old, new = "Šis ir **vecais** teksts.\n\nOtrā rindkopa.\n", "Šis ir jaunais teksts!\n\nOtrā rindkopa, garāka.\n"
    segments = word_diff(old, new, context=None)
    assert "".join(s.text for s in segments if s.op != INSERT) == old
    assert "".join(s.text for s in segments if s.op != DELETE) == new


def test_tokens_are_words_spaces_and_single_signs_in_any_script():
    assert tokens("Привет, мир — 3.14!") == ["Привет", ",", " ", "мир", " ", "—", " ", "3", ".", "14", "!"]
