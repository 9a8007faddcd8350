"""The search tokeniser: Chinese as characters and overlapping pairs, words
and their prefixes, NFKC and lower case, punctuation as a separator."""

from __future__ import annotations

from chalicelib.domain.search_tokens import MAX_WORD, matches, product_tokens, query_tokens


def finds(query: str, *texts: str) -> bool:
    return matches(query_tokens(query), product_tokens(texts))


def test_chinese_gives_characters_and_overlapping_pairs() -> None:
    assert product_tokens(["龙井绿茶"]) == {"龙", "井", "绿", "茶", "龙井", "井绿", "绿茶"}
    assert query_tokens("龙") == {"龙"}
    assert query_tokens("龙井绿茶") == {"龙井", "井绿", "绿茶"}


def test_a_chinese_query_matches_where_its_pairs_all_occur() -> None:
    assert finds("龙", "乌龙茶") and finds("龙", "龙井绿茶")
    assert finds("绿茶", "龙井绿茶") and not finds("绿茶", "乌龙茶")
    assert finds("茶具", "茶具套装") and not finds("茶具", "龙井绿茶")
    assert not finds("龙绿", "龙井绿茶")  # both characters, never side by side
    assert finds("龙井 绿茶", "龙井绿茶")


def test_words_are_whole_words_and_prefixes_of_the_products() -> None:
    assert product_tokens(["Oolong"]) == {"o", "oo", "ool", "oolo", "oolon", "oolong"}
    assert finds("oolo", "Oolong Tea") and finds("TEA", "Oolong Tea")
    assert not finds("longtea", "Oolong Tea") and not finds("ea", "Oolong Tea")


def test_mixed_text_splits_where_the_script_changes() -> None:
    assert query_tokens("龙井250g") == {"龙井", "250g"}
    assert finds("250", "明前龙井250g") and finds("龙井 250g", "明前龙井250g")
    assert finds("iphone15", "iPhone15 手机壳") and finds("手机", "iPhone15 手机壳")


def test_punctuation_and_spaces_separate_and_are_never_tokens() -> None:
    assert query_tokens("绿茶，龙井!") == {"绿茶", "龙井"}
    assert product_tokens(["茶-具 / 套装。"]) == {"茶", "具", "套", "装", "套装"}
    assert query_tokens("!!! ，。") == set()
    assert not finds("!!!", "茶具套装")  # no tokens: nothing matches


def test_full_width_and_case_are_folded() -> None:
    assert query_tokens("ＴＥＡ１２") == {"tea12"}
    assert finds("ＯＯＬＯＮＧ", "oolong") and finds("oolong", "ＯＯＬＯＮＧ")
    assert query_tokens("绿茶　２５０Ｇ") == {"绿茶", "250g"}  # an ideographic space


def test_long_words_are_cut_at_max_word_characters() -> None:
    long = "a" * (MAX_WORD + 10)
    assert max(len(t) for t in product_tokens([long])) == MAX_WORD
    assert finds(long, long) and finds(long + "b", long)
