"""nbval over the chapters, as a reader off Linux would run them.

The book-build test (tests/test_book.py) already executes every chapter on this Linux machine and fails on
any error. nbval runs them once more in the one configuration the build cannot check: a kernel that
reports another operating system (``sys.platform == "darwin"``), so every Linux-only cell must take its
degraded path (a recorded sample and a clear message) and every activity's assert must still hold there.
The kernel gets this through an IPython start-up file in a private IPYTHONDIR; nothing on the machine changes.
"""

import os
import tempfile
from pathlib import Path

import pytest

OFF_LINUX_STARTUP = '''\
import sys
sys.platform = "darwin"  # set by the course's nbval run (conftest.py): take every Linux-only cell's other path
'''


def pytest_configure(config):
    if not config.getoption("nbval_lax", default=False) and not config.getoption("nbval", default=False):
        return
    home = Path(tempfile.mkdtemp(prefix="kcourse-nbval-ipython-"))
    startup = home / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-off-linux.py").write_text(OFF_LINUX_STARTUP)
    os.environ["IPYTHONDIR"] = str(home)  # the kernels nbval starts inherit it


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.kernel)
            item.add_marker(pytest.mark.slow)
