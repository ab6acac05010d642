"""The README's configuration table names every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _variables_read_by_settings() -> set[str]:
    source = (ROOT / "src" / "tandem" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def _variables_in_readme_table() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))


def test_every_setting_from_the_environment_is_documented():
    read = _variables_read_by_settings()

    assert len(read) > 20
    assert read - _variables_in_readme_table() == set()


def test_the_readme_documents_no_variable_that_does_not_exist():
    assert _variables_in_readme_table() - _variables_read_by_settings() == set()


def test_the_example_environment_file_names_only_real_variables():
    example = (ROOT / "deploy" / "tandem.env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))

    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "BEHIND_PROXY"} <= named
    assert named - _variables_read_by_settings() == set()
