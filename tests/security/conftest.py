import os
import shutil

import pytest

from patroon.security.keys import cipher, load_keyring


@pytest.fixture
def keyring(settings, tmp_path):
    """A private copy of the test key ring: rotating it must not touch the shared file."""
    load_keyring()  # creates the shared test ring on a fresh checkout
    path = tmp_path / "keyring.json"
    shutil.copyfile(settings.PATROON_KEYRING_FILE, path)
    os.chmod(path, 0o600)
    settings.PATROON_KEYRING_FILE = str(path)
    cipher.cache_clear()
    yield path
    cipher.cache_clear()
