"""What sign-in costs and who may try: django-axes' limits, and a ceiling on password checks at once.

django-axes counts failures per account from an address (LOGIN_FAILURE_LIMIT, 5) and per address across
accounts (LOGIN_ADDRESS_FAILURE_LIMIT, 20: password spraying), through AXES_LOCKOUT_PARAMETERS and the
limit below. Neither stops a spray from many addresses, and every guess costs a password hash (a third of
a second of one core, by design), so a flood of them would leave no worker for the public pages: at most
LOGIN_CONCURRENT_CHECKS sign-ins are checked at once on this machine, and the others are turned away at
once with a 429, before any hashing. The slots are file locks, shared by every worker process on the
machine whose CPU the hashing costs, and released by the kernel if a process dies holding one.
"""

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db.models import Sum
from django.utils import timezone


def failures(**lookup) -> int:
    """Failed sign-ins matching ``lookup`` within the lockout period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since, **lookup)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: the limit that applies to this sign-in.

    axes compares one limit with the larger of its counts (the account from this address, and this
    address across accounts). The account's own limit applies once the account has reached it, the
    address's otherwise, which locks exactly when either count reaches its own limit.
    """
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    if failures(username=username, ip_address=address) >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


@contextlib.contextmanager
def password_check_slot() -> Iterator[int | None]:
    """Hold one of the machine's LOGIN_CONCURRENT_CHECKS slots; yield its number, or None if all are taken."""
    directory = Path(settings.LOGIN_SLOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(settings.LOGIN_CONCURRENT_CHECKS):
        fd = os.open(directory / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield number
        finally:
            os.close(fd)  # and with it the lock
        return
    yield None


# A tenth of a normal thread's share of a busy CPU (Linux's weights: 110 against 1024): the lowest, 19,
# starved sign-ins so under load that a hash could outlast gunicorn's 30-second timeout.
HASHING_NICENESS = 10


class YieldingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 (the same hashes), computed in a thread of low CPU priority.

    Hashing is meant to be slow; while the machine is busy, the public pages come first, and a sign-in
    waits for what CPU they leave. Linux gives each thread its own nice value, so the worker itself keeps
    its priority.
    """

    def encode(self, password, salt, iterations=None):
        outcome = {}

        def work():
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)
            try:
                outcome["hash"] = super(YieldingPBKDF2PasswordHasher, self).encode(password, salt, iterations)
            except Exception as error:  # noqa: BLE001 - raised again in the caller's thread
                outcome["error"] = error

        thread = threading.Thread(target=work, name="password-hash")
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["hash"]
