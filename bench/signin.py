"""Where sign-in's time goes, next to a plain Django sign-in with the same password hasher.

    .venv/bin/python -m bench.signin            (medians of 9 sign-ins each, interleaved)
    .venv/bin/python -m bench.signin --profile  (and a cProfile of one Tending sign-in)

Both run in this process on a throwaway database, through Django's test client: Tending's
sign-in form (`accounts:sign_in`), and Django's own `LoginView` with the same user, the same
Argon2 password hasher and the same session backend. Key derivation runs at the production
cost (`TENDING_KEY_KDF_OPS` / `_MEM` defaults), not the benchmark minimum. Nothing here
judges the numbers; the machine is shared, so compare figures from the same run only.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import PASSWORD, prepare

RUNS = 9


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one sign-in")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tending-bench-") as folder:
        prepare(Path(folder))
        _run(args.runs, args.profile)


def _run(runs: int, profile: bool) -> None:
    from django.conf import settings
    from django.contrib.auth import views as auth_views
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import path

    from accounts import services as accounts
    from privacy.crypto import KdfParams

    # Production key derivation (prepare() lowered it for making data quickly).
    production = KdfParams(2, 67108864)
    settings.KEY_KDF_OPS, settings.KEY_KDF_MEM = production.ops, production.mem
    os.environ.pop("TENDING_KEY_KDF_OPS", None)
    call_command("migrate", verbosity=0)
    user, _, _ = accounts.create_account(
        email="alice@example.test", password=PASSWORD, display_name="Alice", time_zone="UTC"
    )
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

    import tending.urls

    plain_login = path(
        "plain-login/",
        auth_views.LoginView.as_view(template_name="accounts/sign_in.html"),
        name="plain_login",
    )
    tending.urls.urlpatterns.append(plain_login)
    # Django's LoginView posts "username"; our user model signs in by email.
    fields = {"username": user.email, "password": PASSWORD}

    def tending_sign_in() -> None:
        response = Client().post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    def plain_sign_in() -> None:
        with override_settings(LOGIN_REDIRECT_URL="/"):
            response = Client().post("/plain-login/", fields)
        assert response.status_code == 302, response.status_code

    tending_ms: list[float] = []
    plain_ms: list[float] = []
    tending_sign_in()  # warm-up
    plain_sign_in()
    for _ in range(runs):
        for fn, out in ((tending_sign_in, tending_ms), (plain_sign_in, plain_ms)):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    t, p = statistics.median(tending_ms), statistics.median(plain_ms)
    print(f"Tending sign-in  median {t:6.1f} ms  (min {min(tending_ms):.1f}, {runs} runs)")
    print(f"Django sign-in   median {p:6.1f} ms  (min {min(plain_ms):.1f}, {runs} runs)")
    print(f"difference       median {t - p:+6.1f} ms")
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(tending_sign_in)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
