"""The password hasher: Django's Argon2id, its memory and time cost, in one lane."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OneLaneArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at Django's memory (100 MiB) and time (2 passes) cost, computed in one lane.

    Django's default of 8 lanes runs 8 threads per hash: on an app node of 2 cores one sign-up
    then takes both cores for about 90 ms and every other request on the node waits. One lane
    does the same work (the CPU and memory an attacker must spend per guess are set by memory
    and passes, not lanes) on one core. Hashes made with 8 lanes still verify, and are redone
    in one lane at the next log-in.
    """

    parallelism = 1
