"""Input the API cannot take is refused with sentences in the reader's
language, naming the field in words, never with Pydantic's own wording."""

from __future__ import annotations

from tests import scenario


def _detail(api, body, lang="nb") -> str:
    response = api.client.post(
        "/api/incidents",
        json=body,
        headers={"Authorization": f"Bearer {api.token('comms')}", "Accept-Language": lang},
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    return response.json()["detail"]


def test_an_empty_title_and_no_areas_are_said_in_bokmal_and_english(api):
    body = {**scenario.INCIDENT, "title": "", "areas": []}
    nb = _detail(api, body)
    assert nb == "«Tittel» må fylles ut. «Berørte områder» må ha minst én verdi."
    en = _detail(api, body, "en")
    assert en == "“Title” must be filled in. “Affected areas” needs at least one value."
    assert "String should" not in nb + en and "List should" not in nb + en


def test_too_long_unknown_and_wrong_types_have_sentences(api):
    too_long = _detail(api, {**scenario.INCIDENT, "title": "x" * 201})
    assert too_long == "«Tittel» kan ha høyst 200 tegn."
    unknown = _detail(api, {**scenario.INCIDENT, "colour": "red"})
    assert unknown == "«colour» er ikke et felt denne handlingen tar imot."
    incident = scenario.open_incident(api)
    response = api.post("comms", f"/api/incidents/{incident}/crisis-mode", {"on": "maybe"})
    assert response.json()["detail"] == "«På/av» må være ja eller nei (true/false)."
