"""The format of API token secrets: what a secret scanner and the server rely on to
tell a real token from noise before anything is looked up."""

from __future__ import annotations

import pytest

from server.api_tokens import secrets


def test_a_person_and_a_service_account_get_their_own_prefix():
    # when
    personal = secrets.new_secret(service_account=False)
    service = secrets.new_secret(service_account=True)

    # then
    assert personal.startswith("tl_pat_") and service.startswith("tl_sat_")
    assert len(personal) == len(service) == 7 + 43 + 6
    assert secrets.well_formed(personal) and secrets.well_formed(service)
    assert secrets.is_api_token(personal) and not secrets.is_api_token("eyJhbGciOi.x.y")


def test_the_checksum_is_six_base62_digits_of_the_crc32():
    # CRC-32 of "a" is 0xE8B7BE43 = 3904355907 = 4·62⁵ + 16·62⁴ + 14·62³ + 17·62² + 20·62
    # + 23: digits 4, g, e, h, k, n of 0-9a-zA-Z. CRC-32 of nothing is 0.
    assert secrets.checksum("a") == "4gehkn"
    assert secrets.checksum("") == "000000"


@pytest.mark.parametrize("position", [0, 5, 7, 20, 49, 50, 55])
def test_changing_any_one_character_makes_the_secret_unrecognised(position):
    # given
    secret = secrets.new_secret(service_account=False)
    replacement = "A" if secret[position] != "A" else "B"

    # when
    altered = secret[:position] + replacement + secret[position + 1 :]

    # then
    assert secrets.well_formed(secret)
    assert not secrets.well_formed(altered)


@pytest.mark.parametrize(
    "text",
    ["", "tl_pat_", "tl_pat_" + "a" * 49, "tl_xyz_" + "a" * 49, "tl_pat_" + "a" * 43 + "!!!!!!"],
)
def test_text_of_the_wrong_shape_is_not_a_token(text):
    assert not secrets.well_formed(text)


def test_the_hint_shows_the_prefix_and_the_last_four_characters():
    # given
    secret = secrets.new_secret(service_account=True)

    # then
    assert secrets.hint(secret) == "tl_sat_…" + secret[-4:]
    assert secrets.digest(secret) != secrets.digest(secrets.new_secret(service_account=True))
