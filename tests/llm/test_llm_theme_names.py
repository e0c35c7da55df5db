"""Names for candidate themes from their representative quotes, kept beside the keyword label, with provenance."""
import json

from fake_server import MODEL, FakeLLMServer

from qualkit.llm import LLMConfig, MemoryLLMCache, name_themes
from qualkit.themes.model import Theme

THEMES = [Theme("t1", "run-themes", "inbox / volume / evenings", ("inbox", "volume"), ("s1", "s2"), ("s1", "s2")),
          Theme("t2", "run-themes", "billing / codes", ("billing",), ("s3",), ("s3",))]
QUOTES = {"t1": ["I answer portal messages every evening.", "The inbox never empties."], "t2": ["Billing codes."]}


def test_themes_are_named_beside_their_label_with_provenance_and_cached():
    bodies = []

    def respond(body):
        bodies.append(body)
        if "Billing" in body["messages"][1]["content"]:
            return "not json"  # twice: this theme gets no name
        return json.dumps({"name": "After-hours inbox work", "description": "Answering patient messages at home.",
                           "inclusion": "A segment about message volume outside clinic hours."})

    cache = MemoryLLMCache()
    with FakeLLMServer(respond) as server:
        config = LLMConfig(server.url, MODEL)
        run, names = name_themes(THEMES, QUOTES, config, llm_cache=cache)
        assert server.chat_calls == 3  # one for t1, two (a retry) for t2
        run2, names2 = name_themes(THEMES, QUOTES, config, llm_cache=cache)
        assert server.chat_calls == 5  # t1 from the cache; t2 (no usable answer) asked again
    [n] = names
    assert (n.theme_id, n.label, n.name) == ("t1", "inbox / volume / evenings", "After-hours inbox work")
    assert run.kind == "theme-names" and run.params["failed"] == ["t2"] and run.params["llm"]["model"] == MODEL
    assert run.params["names"]["t1"]["inclusion"].startswith("A segment about")
    assert "I answer portal messages every evening." in bodies[0]["messages"][1]["content"]
    assert "1 theme(s) named, 1 without a usable answer" in run.notes
