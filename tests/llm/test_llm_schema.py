import json

import pytest

from qualkit.llm import MalformedOutput, answer_schema, is_verbatim, parse_answer

SEG = "Honestly I read every draft before it goes out, because the patient trusts my name on it."


def _answer(**over):
    base = {"evidence": "I read every draft before it goes out", "reasoning": "The doctor checks drafts.",
            "applies": True, "confidence": 0.8}
    base.update(over)
    return json.dumps({"Human oversight": base})


def test_schema_asks_for_every_code_with_bounded_fields():
    s = answer_schema(["A", "B"])
    assert s["required"] == ["A", "B"] and s["additionalProperties"] is False
    one = s["properties"]["A"]
    assert one["required"] == ["evidence", "reasoning", "applies", "confidence"]
    assert one["properties"]["confidence"] == {"type": "number", "minimum": 0, "maximum": 1}


def test_a_verbatim_quote_is_supported():
    [j] = parse_answer(_answer(), ["Human oversight"], SEG)
    assert j.applies and j.supported and j.confidence == 0.8 and j.evidence.startswith("I read")


def test_whitespace_case_and_curly_quotes_do_not_count_against_a_quote():
    assert is_verbatim("i READ every\n draft", SEG)
    assert is_verbatim("\u201cthe patient trusts my name on it.\u201d", SEG)


def test_a_quote_not_in_the_segment_is_flagged_unsupported():
    [j] = parse_answer(_answer(evidence="I always ask a colleague to check"), ["Human oversight"], SEG)
    assert j.applies and not j.supported
    [j] = parse_answer(_answer(evidence=""), ["Human oversight"], SEG)
    assert not j.supported  # "applies" with no evidence at all
    [j] = parse_answer(_answer(applies=False, evidence=""), ["Human oversight"], SEG)
    assert j.supported  # "does not apply" needs no quote


@pytest.mark.parametrize("content, message", [
    ("", "empty answer"),
    ("Sure! Human oversight applies.", "not JSON"),
    ("[1, 2]", "expected a JSON object"),
    (json.dumps({"Other": {}}), "no judgement for 'Human oversight'"),
    (_answer(applies="yes"), "'applies' must be true or false"),
    (_answer(confidence=7), "'confidence' must be a number from 0 to 1"),
    (_answer(confidence="high"), "'confidence' must be a number from 0 to 1"),
    (_answer(reasoning=3), "'reasoning' and 'evidence' must be strings"),
])
def test_malformed_answers_say_what_is_wrong(content, message):
    with pytest.raises(MalformedOutput, match=message):
        parse_answer(content, ["Human oversight"], SEG)


def test_a_fenced_answer_is_read():
    [j] = parse_answer("```json\n" + _answer() + "\n```", ["Human oversight"], SEG)
    assert j.supported
