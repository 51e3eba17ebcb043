"""A PostgreSQL gradebook address that psycopg refuses before asking any server (a wrong option or value, a broken
URI) is said to be wrong, in one line naming the address (password masked) and the option: not "is the server
running?". No server needed."""
from __future__ import annotations

import pytest

from .conftest import ALL_TYPES, run_cli

pytest.importorskip("psycopg")


@pytest.mark.parametrize("url, what", [
    ("postgresql://u:s3cret@localhost/db?sslmode=bogus", "sslmode=bogus is not a value sslmode takes"),
    ("postgresql://u:s3cret@localhost/db?password=s3cret&target_session_attrs=x",
     "target_session_attrs=x is not a value target_session_attrs takes"),
    ("postgresql://u:s3cret@localhost/db?sslmod=require", "sslmod is not a PostgreSQL connection option"),
    ("postgresql://u:s3cret@localhost/db?keepalives=often", "keepalives=often is not a number"),
    ("postgresql://u:s3cret@localhost:99999/db", "port 99999 is not a port number (1 to 65535)"),
    ("postgresql://u:s3cret@localhost:five/db", "the port is not a number"),
    ("postgresql://u:s3cret@[::1/db", "it is not a PostgreSQL URI"),
    ("postgresql://u:s3cret@localhost/db%zz", "it is not a PostgreSQL URI"),
], ids=["sslmode-value", "target-session-attrs-value", "unknown-option", "integer-option", "port-range",
        "port-not-number", "broken-ipv6-host", "bad-percent-escape"])
def test_a_wrong_address_is_said_to_be_wrong_with_the_option(capsys, url, what):
    code, out, err = run_cli(capsys, "grades", "show", str(ALL_TYPES), "-g", url)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert f"is wrong: {what} (" in err and "correct it" in err, err
    assert "postgresql://u:***@" in err and "s3cret" not in err, err
    assert "server running" not in err.lower(), err
