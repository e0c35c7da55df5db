"""A throwaway PostgreSQL server for tests: Debian's binaries, a temp data directory, a free loopback port."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (PG_BIN / "initdb").exists() or shutil.which("initdb") is not None


def _bin(name: str) -> str:
    return str(PG_BIN / name) if (PG_BIN / name).exists() else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """Start with `start()`, connect with `url(dbname)`, stop with `stop()` (removes the data directory)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="qualkit-pg-"))
        self.port = _free_port()
        self.proc = None
        # PostgreSQL refuses to run as root; run it as the postgres user when we are root.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> "PostgresServer":
        data = self.dir / "data"
        if self.as_user:
            shutil.chown(self.dir, "postgres")
            os.chmod(self.dir, 0o700)
        subprocess.run(self.as_user + [_bin("initdb"), "-D", str(data), "-U", "qualkit", "--auth=trust",
                                       "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        self.proc = subprocess.Popen(
            self.as_user + [_bin("postgres"), "-D", str(data), "-p", str(self.port), "-k", str(self.dir),
                            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "max_connections=100"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("PostgreSQL did not start within 30 s")
        time.sleep(0.5)
        return self

    def create_database(self, name: str) -> str:
        import sqlalchemy as sa
        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url(name)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg2://qualkit@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
