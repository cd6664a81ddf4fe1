"""A throwaway PostgreSQL cluster for fault tests with several server processes: initdb in a
temporary directory, listening on a free port of 127.0.0.1 only, trusted local logins.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system
user (Debian's package creates it). `available()` says whether the binaries are here.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.servers import free_port


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def available() -> bool:
    if _bin_dir() is None:
        return False
    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def cluster() -> Iterator[str]:
    """A running cluster with an empty database `tandem`; yields its DATABASE_URL."""
    bin_dir = _bin_dir()
    tmp = tempfile.mkdtemp(prefix="tandem-pg-")
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(tmp, owner.pw_uid, owner.pw_gid)
    data = os.path.join(tmp, "data")
    port = free_port()
    user = "tandem"

    def run(*command: str) -> None:
        subprocess.run(_as_owner(list(command)), check=True, capture_output=True, cwd=tmp)

    run(f"{bin_dir}/initdb", "-D", data, "-U", user, "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(f"{bin_dir}/pg_ctl", "-D", data, "-o", options, "-l", f"{tmp}/log", "-w", "start")
    try:
        for _ in range(200):
            ready = subprocess.run(
                _as_owner([f"{bin_dir}/pg_isready", "-h", "127.0.0.1", "-p", str(port)]),
                capture_output=True,
            )
            if ready.returncode == 0:
                break
            time.sleep(0.05)  # polling until the server accepts connections
        run(f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", user, "tandem")
        yield f"postgres://{user}@127.0.0.1:{port}/tandem"
    finally:
        subprocess.run(
            _as_owner([f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)
