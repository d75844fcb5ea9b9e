"""Passwords are hashed with Argon2id at Django's cost, in one lane."""

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from accounts.hashers import OneLaneArgon2PasswordHasher


def test_new_passwords_are_argon2id_at_djangos_memory_and_time_in_one_lane():
    encoded = make_password("a long passphrase")

    algorithm, variant, version, params, _salt, _hash = encoded.split("$")
    assert [algorithm, variant, version, params] == [
        "argon2",
        "argon2id",
        "v=19",
        "m=102400,t=2,p=1",
    ]
    assert check_password("a long passphrase", encoded)
    assert not check_password("another passphrase", encoded)


def test_a_hash_made_in_eight_lanes_still_verifies_and_is_redone_in_one():
    eight_lanes = Argon2PasswordHasher().encode("a long passphrase", "saltsaltsalt")
    assert "m=102400,t=2,p=8" in eight_lanes
    redone = []

    verified = check_password("a long passphrase", eight_lanes, setter=redone.append)

    assert verified
    assert redone == ["a long passphrase"]  # Django re-hashes it with the preferred hasher.
    assert OneLaneArgon2PasswordHasher().must_update(eight_lanes)
    assert not OneLaneArgon2PasswordHasher().must_update(make_password("a long passphrase"))
